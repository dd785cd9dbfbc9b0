"""《中华人民共和国职业分类大典（2022年版）》: the 大类 and 中类 shipped in
``data/occupations-2022.csv`` (provenance in ``data/README.md``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "occupations-2022.csv"


@dataclass(frozen=True)
class Occupation:
    code: str  # 大类 "6", 中类 "6-05"
    name: str
    parent: str


@cache
def all_occupations() -> dict[str, Occupation]:
    with DATA.open(encoding="utf-8") as handle:
        return {r["code"]: Occupation(r["code"], r["name"], r["parent"]) for r in csv.DictReader(handle)}


def get(code: str) -> Occupation | None:
    return all_occupations().get(code.strip())


def is_posting_code(code: str) -> bool:
    """A posting names a 中类 (``6-05``)."""
    found = get(code)
    return found is not None and bool(found.parent)


def name(code: str) -> str:
    found = get(code)
    return found.name if found else ""


def label(code: str) -> str:
    found = get(code)
    return f"{found.code} {found.name}" if found else code


def choices() -> list[tuple[str, object]]:
    rows = all_occupations().values()
    groups: list[tuple[str, object]] = [("", "—")]
    for major in (o for o in rows if not o.parent):
        groups.append(
            (f"{major.code} {major.name}", [(o.code, f"{o.code} {o.name}") for o in rows if o.parent == major.code])
        )
    return groups
