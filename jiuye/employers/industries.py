"""GB/T 4754-2017 国民经济行业分类: the 门类 and 大类 shipped in ``data/gbt4754-2017.csv``
(provenance in ``data/README.md``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "gbt4754-2017.csv"


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    parent: str  # the 门类 letter of a 大类; empty for a 门类


@cache
def all_industries() -> dict[str, Industry]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: Industry(row["code"], row["name"], row["parent"]) for row in csv.DictReader(handle)}


def get(code: str) -> Industry | None:
    return all_industries().get(code.strip().upper())


def label(code: str) -> str:
    found = get(code)
    return f"{found.code} {found.name}" if found else code


def choices() -> list[tuple[str, str]]:
    """大类 grouped under their 门类, as a form's drop-down reads them."""
    rows = all_industries().values()
    groups = []
    for section in (i for i in rows if not i.parent):
        groups.append(
            (
                f"{section.code} {section.name}",
                [(i.code, f"{i.code} {i.name}") for i in rows if i.parent == section.code],
            )
        )
    return [("", "—"), *groups]  # type: ignore[list-item]
