"""The region code table as an import kind (区划, IMPORT-TEMPLATES §2), through the one import
pipeline: the same rules and writes as ``load_regions`` (``regions.loader``). A table with holes is
worse than the old one, so the file is written whole or not at all."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy

from jiuye.core.permissions import Perm
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.regions.loader import check_structure, parse_rows, write_rows

COLUMNS = (
    Column("code", "code", required=True, example="610924100001", width=16, note="12 位统计用区划代码"),
    Column("name", "name", required=True, example="东城门社区居委会", width=24),
    Column("level", "level", required=True, choices=("city", "county", "town", "village"), example="village"),
    Column("parent_code", "parent_code", required=True, example="610924100000", width=16),
    Column("urban", "urban", choices=("是", "否"), example="是"),
    Column("longitude", "longitude", example="108.537"),
    Column("latitude", "latitude", example="32.520"),
    Column("population", "population", example="3200"),
)
KEYS = [c.key for c in COLUMNS]


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Any:
    return user


def _numbered(frame: pl.DataFrame) -> list[tuple[int, dict[str, str]]]:
    return [(row["__row"], {key: row[key] for key in KEYS}) for row in frame.iter_rows(named=True)]


def validate(user: Any, batch: Batch) -> pl.DataFrame:
    """Each row on its own (the rules that span rows need the table: see ``commit``)."""
    errors: list[RowError] = []
    parse_rows(_numbered(batch.frame), errors)
    batch.errors.extend(errors)
    return batch.frame.filter(~pl.col("__row").is_in(sorted(batch.rejected_rows)))


def commit(user: Any, rows: pl.DataFrame, batch: Batch) -> Outcome:
    errors: list[RowError] = []
    parsed = parse_rows(_numbered(rows), errors)
    check_structure(parsed, errors)
    if errors:
        return Outcome(errors=errors)
    created, updated, unchanged = write_rows(parsed, user)
    return Outcome(created=created, updated=updated, unchanged=unchanged)


REGIONS = ImportKind(
    code="regions.regions",
    title=gettext_lazy("行政区划"),
    perm=Perm.MANAGE_ZONES,
    columns=COLUMNS,
    prepare=prepare,
    validate=validate,
    commit=commit,
    description=gettext_lazy(
        "统计用区划代码表（市、县区、镇街、村社区），每行一个区划；整表校验通过才写入，有任何错误则全部不写入。"
    ),
    notes=(
        gettext_lazy("level 为 city、county、town 或 village；parent_code 为上一级区划代码（市级留空）。"),
        gettext_lazy("urban 为选填：是（城镇，居委会）或否（乡村，村委会）；不填时按名称是否含“居委会”判断。"),
    ),
    all_or_nothing=True,
    uses_as_of=False,
    template_name="行政区划-模板.xlsx",
    order=90,
)


def register() -> None:
    """Called by the regions app's ``AppConfig.ready``."""
    from jiuye.imports import kinds

    kinds.register(REGIONS)
