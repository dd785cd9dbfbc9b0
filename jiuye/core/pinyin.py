"""Pinyin search keys for names: every reading of every character (多音字), full and initials."""

from __future__ import annotations

from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, pinyin

_MAX_COMBINATIONS = 16


@lru_cache(maxsize=65536)
def name_pinyin(name: str) -> str:
    """Space-separated keys, e.g. 单田芳 → "dantianfang dtf shantianfang stf"."""
    readings = [r for r in (_readings(ch) for ch in name) if r]
    if not readings:
        return ""
    keys: list[str] = []
    for combo in islice(product(*readings), _MAX_COMBINATIONS):
        keys.append("".join(combo))
        keys.append("".join(part[0] for part in combo))
    return " ".join(dict.fromkeys(keys))[:300]


@lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """Every reading of one character (cached: a registry has a few thousand distinct ones)."""
    options = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(r for r in dict.fromkeys(options[0]) if r.isascii()) if options else ()
