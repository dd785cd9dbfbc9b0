"""用工主体名录: employers one a row, added or updated by 统一社会信用代码 through the service."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.permissions import Perm
from jiuye.core.scoping import can_write
from jiuye.core.tabular import parse_date
from jiuye.employers import services
from jiuye.employers.choices import EmployerKind, FactoryCategory, SizeClass
from jiuye.employers.importing.common import EXAMPLE_FACTORY, Context, prepare
from jiuye.employers.models import Employer
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError

EMPLOYER = {
    "credit_code": "统一社会信用代码",
    "name": "单位名称",
    "kind": "主体类型",
    "industry": "行业代码",
    "size": "企业规模",
    "region": "所在区划代码",
    "address": "地址",
    "longitude": "经度",
    "latitude": "纬度",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "factory_category": "新社区工厂类别",
    "relocation_site": "服务的易地搬迁安置点",
    "certified_on": "认定日期",
    "internship_base": "就业见习基地",
}
_EMPLOYER_KINDS = {str(label): value for value, label in EmployerKind.choices}
_SIZES = {str(label): value for value, label in SizeClass.choices}
_CATEGORIES = {str(label): value for value, label in FactoryCategory.choices}
_YES_NO = {"是": True, "否": False, "": False}
_EMPLOYER_TEXT = ("name", "address", "contact_name", "contact_phone", "relocation_site")


def _coordinate(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) <= 180 else None  # not NaN


def validate_employers(ctx: Context, batch: Batch) -> pl.DataFrame:
    """Each cell on its own (the choices by their Chinese labels), then the service's own checks
    that need no database (``services.employer_errors``)."""
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        values: dict[str, Any] = {k: row[k][:200] for k in _EMPLOYER_TEXT}
        values["credit_code"] = row["credit_code"].upper()
        values["region"] = row["region"].removesuffix(".0")
        values["industry"] = row["industry"].removesuffix(".0").zfill(2) if row["industry"] else ""
        for key, table in (
            ("kind", _EMPLOYER_KINDS),
            ("size", _SIZES),
            ("factory_category", _CATEGORIES),
            ("internship_base", _YES_NO),
        ):
            if row[key] not in table and (row[key] or key == "kind"):
                batch.reject(n, EMPLOYER[key], row[key], _("应为：%(v)s。") % {"v": "、".join(k for k in table if k)})
            values[key] = table.get(row[key], "")
        for key in ("longitude", "latitude"):
            values[key] = _coordinate(row[key]) if row[key] else None
            if row[key] and values[key] is None:
                batch.reject(n, EMPLOYER[key], row[key], _("应为以度表示的数字。"))
        values["certified_on"] = parse_date(row["certified_on"]) if row["certified_on"] else None
        if row["certified_on"] and values["certified_on"] is None:
            batch.reject(n, EMPLOYER["certified_on"], row["certified_on"], _("日期无法识别。"))
        if n in batch.rejected_rows:
            continue
        problems = services.employer_errors(services.EmployerInput(**values), today=ctx.today)
        for key, reason in problems.items():
            batch.reject(n, EMPLOYER.get(key, EMPLOYER["name"]), str(row.get(key, "")), reason)
        if problems:
            continue
        values["certified_on"] = values["certified_on"].isoformat() if values["certified_on"] else ""
        accepted.append({"__row": n, **values})
    schema: dict[str, Any] = {"__row": pl.Int64, **{k: pl.Utf8 for k in EMPLOYER}}
    schema.update(longitude=pl.Float64, latitude=pl.Float64, internship_base=pl.Boolean)
    return pl.DataFrame(accepted, schema=schema)


def commit_employers(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """Each row through ``services.employer_save``: a new code creates, a known one updates (when
    something changed) within the importer's write scope."""
    outcome = Outcome()
    records = rows.to_dicts()
    known = {e.credit_code: e for e in Employer.objects.filter(credit_code__in=[r["credit_code"] for r in records])}
    for r in records:
        r["certified_on"] = date.fromisoformat(r["certified_on"]) if r["certified_on"] else None
        data = services.EmployerInput(**{k: v for k, v in r.items() if k != "__row"})
        old = known.get(r["credit_code"])
        if old is not None and not can_write(ctx.user, old.region_id):
            outcome.errors.append(
                RowError(
                    r["__row"], EMPLOYER["credit_code"], r["credit_code"], _("该单位已由其他地区登记，不能在此修改。")
                )
            )
            continue
        if old is not None and services.employer_values(old) == services.employer_values_of(data):
            outcome.unchanged += 1
            continue
        try:
            with transaction.atomic():
                services.employer_save(actor=ctx.user, data=data, employer=old)
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                outcome.errors.append(
                    RowError(r["__row"], EMPLOYER.get(name, name), str(r.get(name, "")), "；".join(reasons))
                )
            continue
        if old is None:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def kind() -> ImportKind:
    return ImportKind(
        code="employers.employers",
        title=gettext_lazy("用工主体名录"),
        perm=Perm.EDIT_BUSINESS_DATA,
        columns=(
            Column(EMPLOYER["credit_code"], "credit_code", required=True, example=EXAMPLE_FACTORY, width=22),
            Column(EMPLOYER["name"], "name", required=True, example="紫阳县城关镇服饰社区工厂", width=28),
            Column(EMPLOYER["kind"], "kind", required=True, choices=tuple(_EMPLOYER_KINDS), example="新社区工厂"),
            Column(EMPLOYER["industry"], "industry", example="18", note="GB/T 4754-2017 两位大类代码"),
            Column(EMPLOYER["size"], "size", choices=tuple(k for k in _SIZES), example="小型"),
            Column(EMPLOYER["region"], "region", required=True, example="610924100000", width=16),
            Column(EMPLOYER["address"], "address", example="城关镇安置社区1号楼", width=28),
            Column(EMPLOYER["longitude"], "longitude", example="108.537"),
            Column(EMPLOYER["latitude"], "latitude", example="32.520"),
            Column(EMPLOYER["contact_name"], "contact_name"),
            Column(EMPLOYER["contact_phone"], "contact_phone"),
            Column(EMPLOYER["factory_category"], "factory_category", choices=tuple(_CATEGORIES), example="服装织袜"),
            Column(EMPLOYER["relocation_site"], "relocation_site", example="城关镇安置社区", width=20),
            Column(EMPLOYER["certified_on"], "certified_on", example="2025-03-01"),
            Column(EMPLOYER["internship_base"], "internship_base", choices=("是", "否"), example="否"),
        ),
        prepare=prepare,
        validate=validate_employers,
        commit=commit_employers,
        description=gettext_lazy(
            "用工主体名录（企业、个体工商户、新社区工厂、家庭工坊等），每行一个，按统一社会信用代码新增或更新。"
        ),
        notes=(
            gettext_lazy("所在区划代码填县、镇或村级12位代码，须在您的管辖范围内；新社区工厂和家庭工坊须填类别。"),
            gettext_lazy("行业代码为 GB/T 4754-2017 的两位大类代码（如 18 纺织服装、服饰业）。"),
        ),
        uses_as_of=False,
        template_name="用工主体名录模板.xlsx",
        order=58,
    )
