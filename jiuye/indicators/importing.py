"""Targets as an import kind (目标任务表), through the one import pipeline: each row is one
target, set through ``targets.target_set`` (the same rights and checks as the page's form);
afterwards every split that no longer adds up to its parent's target is listed as a warning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.permissions import Perm
from jiuye.core.scoping import code_level
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.indicators import catalogue, targets
from jiuye.indicators.models import Target

HEADER = {
    "indicator": "指标代码",
    "region": "区划代码",
    "start_year": "起始年度",
    "end_year": "终止年度",
    "value": "目标值",
    "note": "说明",
}


@dataclass
class Context:
    user: Any
    touched: set[tuple[str, str, int, int]] = field(default_factory=set)


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    return Context(user=user)


def _year(text: str) -> int | None:
    text = text.removesuffix(".0")
    return int(text) if text.isdecimal() and len(text) == 4 else None


def _value(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def validate(ctx: Context, batch: Batch) -> pl.DataFrame:
    """Each row on its own: a known indicator, four-digit years, a number, a region code."""
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        indicator = catalogue.get(row["indicator"])
        start, end = _year(row["start_year"]), _year(row["end_year"])
        value = _value(row["value"])
        region = row["region"].removesuffix(".0")
        if indicator is None:
            batch.reject(n, HEADER["indicator"], row["indicator"], _("指标代码不在指标目录中。"))
        if start is None:
            batch.reject(n, HEADER["start_year"], row["start_year"], _("年度应为四位数字。"))
        if end is None:
            batch.reject(n, HEADER["end_year"], row["end_year"], _("年度应为四位数字。"))
        if value is None:
            batch.reject(n, HEADER["value"], row["value"], _("目标值应为数字。"))
        if code_level(region) is None:
            batch.reject(n, HEADER["region"], row["region"], _("区划代码应为12位统计用区划代码。"))
        if n in batch.rejected_rows or indicator is None or value is None:
            continue
        accepted.append(
            {
                "__row": n,
                "indicator": indicator.code,
                "region": region,
                "start_year": start,
                "end_year": end,
                "value": str(indicator.stored(value)),
                "note": row["note"],
            }
        )
    schema = {
        "__row": pl.Int64,
        "indicator": pl.Utf8,
        "region": pl.Utf8,
        "start_year": pl.Int64,
        "end_year": pl.Int64,
        "value": pl.Utf8,
        "note": pl.Utf8,
    }
    return pl.DataFrame(accepted, schema=schema)


def commit(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """Each target through the service, in a savepoint of its own: a refused one is reported."""
    outcome = Outcome()
    columns = {"region": HEADER["region"], "end_year": HEADER["end_year"], "value": HEADER["value"]}
    by_code = {i.code: i for i in catalogue.all_indicators()}
    for row in rows.iter_rows(named=True):
        indicator = by_code[row["indicator"]]  # known: validated
        value = Decimal(row["value"])
        key = (indicator.code, row["region"], row["start_year"], row["end_year"])
        old = (
            Target.objects.filter(indicator=key[0], region_code=key[1], start_year=key[2], end_year=key[3])
            .values_list("value", "note")
            .first()
        )
        if old is not None and old[0] == value and old[1] == row["note"].strip():
            outcome.unchanged += 1
            continue
        try:
            with transaction.atomic():
                targets.target_set(
                    actor=ctx.user,
                    indicator=indicator,
                    region_code=row["region"],
                    start_year=row["start_year"],
                    end_year=row["end_year"],
                    value=value,
                    note=row["note"],
                )
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                column = columns.get(name, name)
                shown = {"region": row["region"], "end_year": str(row["end_year"]), "value": row["value"]}
                outcome.errors.append(RowError(row["__row"], column, shown.get(name, ""), "；".join(reasons)))
            continue
        ctx.touched.add(key)
        if old is None:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def finish(ctx: Context) -> list[str]:
    """Every split the import touched that no longer adds up to its parent's target."""
    warnings: list[str] = []
    for code, region, start, end in sorted(ctx.touched):
        warnings.extend(targets.split_warnings(code, region, start, end))
    return warnings


def _columns() -> tuple[Column, ...]:
    year = str(timezone.localdate().year)
    return (
        Column(
            HEADER["indicator"],
            "indicator",
            required=True,
            choices=tuple(i.code for i in catalogue.all_indicators()),
            example="urban_new_employment",
            width=32,
        ),
        Column(HEADER["region"], "region", required=True, example="610924000000", width=16),
        Column(HEADER["start_year"], "start_year", required=True, example=year),
        Column(HEADER["end_year"], "end_year", required=True, example=year),
        Column(HEADER["value"], "value", required=True, example="1.2", note="按指标的单位填写（如城镇新增就业为万人）"),
        Column(HEADER["note"], "note", example="目标值按指标单位填写（此例：万人）", width=40),
    )


def register() -> None:
    """Called by the indicators app's ``AppConfig.ready``, once every app's indicators are known."""
    from jiuye.imports import kinds

    kinds.register(
        ImportKind(
            code="indicators.targets",
            title=gettext_lazy("目标任务表"),
            perm=Perm.SET_TARGETS,
            columns=_columns(),
            prepare=prepare,
            validate=validate,
            commit=commit,
            finish=finish,
            description=gettext_lazy(
                "下达和分解目标任务，每行一个目标：指标、区划、年度范围、目标值（按指标单位）。只能为下辖区划下达。"
            ),
            notes=(
                gettext_lazy("指标代码见“统计分析 › 指标目录”；目标值按该指标的单位填写（万人、人、%）。"),
                gettext_lazy("导入后，下级目标之和与上级目标不一致的，在导入结果中列出。"),
            ),
            uses_as_of=False,
            template_name="目标任务模板.xlsx",
            order=50,
        )
    )
