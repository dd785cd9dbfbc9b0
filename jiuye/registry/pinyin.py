"""Pinyin search keys for names: every reading of every character (多音字), full and initials."""

from __future__ import annotations

from itertools import islice, product

from pypinyin import Style, pinyin

_MAX_COMBINATIONS = 16


def name_pinyin(name: str) -> str:
    """Space-separated keys, e.g. 单田芳 → "dantianfang dtf shantianfang stf"."""
    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = [[r for r in dict.fromkeys(options) if r.isascii()] for options in readings if options]
    if not readings:
        return ""
    keys: list[str] = []
    for combo in islice(product(*readings), _MAX_COMBINATIONS):
        keys.append("".join(combo))
        keys.append("".join(part[0] for part in combo))
    return " ".join(dict.fromkeys(keys))[:300]
