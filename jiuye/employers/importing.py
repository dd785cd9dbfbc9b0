"""Import kinds of the employers module:

- ``employers.market_entities`` (新登记市场主体名单): the market-regulation department's monthly
  list; each row an entity, keyed by its 统一社会信用代码 (imported again: updated or unchanged);
- ``employers.factory_reports`` (新社区工厂月报): one row per factory and month, through the
  same service as the page's form.

``validate`` checks each cell on its own, without the database; ``commit`` checks what needs it
(the region within the importer's scope, the factory known) and reports each refused row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.permissions import Perm
from jiuye.core.scoping import can_write, code_level
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import parse_date
from jiuye.employers import actions, services
from jiuye.employers.choices import FACTORY_KINDS, EntityKind
from jiuye.employers.models import Employer, MarketEntity
from jiuye.imports.kinds import Batch, Column, ImportKind, ImportRefused, Outcome, RowError
from jiuye.regions.models import Region

FEN_PER_10K_YUAN = 1_000_000

MARKET = {
    "credit_code": "统一社会信用代码",
    "name": "主体名称",
    "kind": "主体类型",
    "registered_on": "登记日期",
    "region": "登记地区划代码",
    "capital": "注册资本（万元）",
    "employees": "申报从业人数",
}


@dataclass
class Context:
    user: Any
    today: date


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    if not can_write(user, user.region_id or ""):
        raise ImportRefused(_("您没有导入该表的权限。"))
    return Context(user=user, today=timezone.localdate())


def _amount_fen(text: str, per_unit: int) -> int | None:
    """A non-negative amount typed in a unit (万元, 元) as integer 分; None when unreadable."""
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    fen = value * per_unit
    return int(fen) if fen == fen.to_integral_value() and fen < 10**17 else None


def _count(text: str) -> int | None:
    text = text.removesuffix(".0")
    return int(text) if text.isdecimal() and int(text) <= 10_000_000 else None


_KINDS = {str(label): value for value, label in EntityKind.choices}


def validate_market(ctx: Context, batch: Batch) -> pl.DataFrame:
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        code = row["credit_code"].upper()
        day = parse_date(row["registered_on"])
        region = row["region"].removesuffix(".0")
        capital = _amount_fen(row["capital"], FEN_PER_10K_YUAN) if row["capital"] else None
        employees = _count(row["employees"]) if row["employees"] else None
        if not is_valid_credit_code(code):
            batch.reject(
                n, MARKET["credit_code"], row["credit_code"], _("统一社会信用代码无效（GB 32100 校验不通过）。")
            )
        if not row["name"]:
            batch.reject(n, MARKET["name"], "", _("主体名称不能为空。"))
        if row["kind"] not in _KINDS:
            batch.reject(n, MARKET["kind"], row["kind"], _("主体类型应为：%(kinds)s。") % {"kinds": "、".join(_KINDS)})
        if day is None:
            batch.reject(n, MARKET["registered_on"], row["registered_on"], _("日期无法识别。"))
        elif day > ctx.today:
            batch.reject(n, MARKET["registered_on"], row["registered_on"], _("登记日期不能晚于今天。"))
        if code_level(region) in (None, "city"):
            batch.reject(n, MARKET["region"], row["region"], _("区划代码应为12位县、镇或村级统计用区划代码。"))
        if row["capital"] and capital is None:
            batch.reject(n, MARKET["capital"], row["capital"], _("注册资本应为不小于0的数字（万元，最多6位小数）。"))
        if row["employees"] and employees is None:
            batch.reject(n, MARKET["employees"], row["employees"], _("申报从业人数应为不小于0的整数。"))
        if n in batch.rejected_rows or day is None:
            continue
        accepted.append(
            {
                "__row": n,
                "credit_code": code,
                "name": row["name"][:200],
                "kind": _KINDS[row["kind"]],
                "registered_on": day.isoformat(),  # text: polars' dates do not survive a frozen clock in tests
                "region": region,
                "capital": capital,
                "employees": employees,
            }
        )
    schema = {
        "__row": pl.Int64,
        "credit_code": pl.Utf8,
        "name": pl.Utf8,
        "kind": pl.Utf8,
        "registered_on": pl.Utf8,
        "region": pl.Utf8,
        "capital": pl.Int64,
        "employees": pl.Int64,
    }
    return pl.DataFrame(accepted, schema=schema)


def commit_market(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """Upsert by credit code: new entities created, changed ones updated, the rest unchanged. A
    region outside the importer's area (or unknown) refuses the row; so does a code already held
    by an entity of another area (it is not the importer's to change)."""
    outcome = Outcome()
    if rows.is_empty():
        return outcome
    records = rows.to_dicts()
    known_regions = set(Region.objects.filter(code__in={r["region"] for r in records}).values_list("code", flat=True))
    existing = {
        e.credit_code: e for e in MarketEntity.objects.filter(credit_code__in=[r["credit_code"] for r in records])
    }
    seen: set[str] = set()
    create, update = [], []
    earliest: date | None = None
    for r in records:
        code = r["credit_code"]
        if r["region"] not in known_regions or not can_write(ctx.user, r["region"]):
            outcome.errors.append(
                RowError(r["__row"], MARKET["region"], r["region"], _("区划代码不存在或不在您的管辖范围内。"))
            )
            continue
        if code in seen:
            outcome.errors.append(
                RowError(r["__row"], MARKET["credit_code"], code, _("同一统一社会信用代码在文件中重复出现。"))
            )
            continue
        seen.add(code)
        registered_on = date.fromisoformat(r["registered_on"])
        values = {
            "name": r["name"],
            "kind": r["kind"],
            "registered_on": registered_on,
            "region_code": r["region"],
            "capital": r["capital"],
            "declared_employees": r["employees"],
        }
        old = existing.get(code)
        if old is None:
            create.append(MarketEntity(credit_code=code, **values))
        elif not can_write(ctx.user, old.region_code):
            outcome.errors.append(
                RowError(r["__row"], MARKET["credit_code"], code, _("该主体已由其他地区登记，不能在此修改。"))
            )
            continue
        elif all(getattr(old, k) == v for k, v in values.items()):
            outcome.unchanged += 1
            continue
        else:
            for k, v in values.items():
                setattr(old, k, v)
            update.append(old)
        earliest = min(earliest or registered_on, registered_on)
    MarketEntity.objects.bulk_create(create, batch_size=1000)
    MarketEntity.objects.bulk_update(
        update, ["name", "kind", "registered_on", "region_code", "capital", "declared_employees"], batch_size=1000
    )
    outcome.created, outcome.updated = len(create), len(update)
    if create or update:
        audit_record(
            action=actions.MARKET_IMPORT,
            actor=ctx.user,
            object_type="employers.marketentity",
            region_code=ctx.user.region_id or "",
            after={"created": len(create), "updated": len(update)},
        )
        notify_records_changed(MarketEntity, since=earliest or ctx.today)
    return outcome


REPORT = {
    "credit_code": "统一社会信用代码",
    "month": "月份",
    "jobs": "吸纳就业人数",
    "relocated": "其中易地搬迁劳动力",
    "poverty_alleviated": "其中脱贫劳动力",
    "output_value": "产值（元）",
    "wages_paid": "发放工资（元）",
}


def _month(text: str) -> date | None:
    text = text.strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].isdecimal() and parts[1].isdecimal() and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), 1)
        except ValueError:
            return None
    day = parse_date(text)
    return day.replace(day=1) if day else None


def validate_reports(ctx: Context, batch: Batch) -> pl.DataFrame:
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        code = row["credit_code"].upper()
        month = _month(row["month"])
        counts = {k: _count(row[k]) for k in ("jobs", "relocated", "poverty_alleviated")}
        amounts = {k: _amount_fen(row[k], 100) for k in ("output_value", "wages_paid")}
        if not is_valid_credit_code(code):
            batch.reject(
                n, REPORT["credit_code"], row["credit_code"], _("统一社会信用代码无效（GB 32100 校验不通过）。")
            )
        if month is None:
            batch.reject(n, REPORT["month"], row["month"], _("月份应写作 2026-11 或 2026年11月。"))
        for key, value in counts.items():
            if value is None:
                batch.reject(n, REPORT[key], row[key], _("应为不小于0的整数。"))
        for key, value in amounts.items():
            if value is None:
                batch.reject(n, REPORT[key], row[key], _("金额应为不小于0的数字（元，最多两位小数）。"))
        if n in batch.rejected_rows:
            continue
        data = services.ReportInput(month=month, **counts, **amounts)  # type: ignore[arg-type]
        problems = services.report_errors(data, today=ctx.today)
        for key, reason in problems.items():
            batch.reject(n, REPORT[key], str(row.get(key, "")), reason)
        if problems:
            continue
        accepted.append({"__row": n, "credit_code": code, "month": data.month.isoformat(), **counts, **amounts})
    schema = {
        "__row": pl.Int64,
        "credit_code": pl.Utf8,
        "month": pl.Utf8,
        "jobs": pl.Int64,
        "relocated": pl.Int64,
        "poverty_alleviated": pl.Int64,
        "output_value": pl.Int64,
        "wages_paid": pl.Int64,
    }
    return pl.DataFrame(accepted, schema=schema)


def commit_reports(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    outcome = Outcome()
    records = rows.to_dicts()
    factories = {
        e.credit_code: e
        for e in Employer.objects.editable_by(ctx.user).filter(
            credit_code__in=[r["credit_code"] for r in records], kind__in=FACTORY_KINDS
        )
    }
    for r in records:
        factory = factories.get(r["credit_code"])
        if factory is None:
            outcome.errors.append(
                RowError(
                    r["__row"],
                    REPORT["credit_code"],
                    r["credit_code"],
                    _("不是您管辖范围内已登记的新社区工厂或家庭工坊。"),
                )
            )
            continue
        data = services.ReportInput(
            month=date.fromisoformat(r["month"]),
            **{k: r[k] for k in ("jobs", "relocated", "poverty_alleviated", "output_value", "wages_paid")},
        )
        old = factory.reports.filter(month=data.month).first()
        if old is not None and all(
            getattr(old, k) == getattr(data, k)
            for k in ("jobs", "relocated", "poverty_alleviated", "output_value", "wages_paid")
        ):
            outcome.unchanged += 1
            continue
        try:
            with transaction.atomic():
                _report, created = services.factory_report_save(actor=ctx.user, employer=factory, data=data)
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                outcome.errors.append(RowError(r["__row"], REPORT.get(name, name), "", "；".join(reasons)))
            continue
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def register() -> None:
    from jiuye.imports import kinds

    kinds.register(
        ImportKind(
            code="employers.market_entities",
            title=gettext_lazy("新登记市场主体名单"),
            perm=Perm.EDIT_BUSINESS_DATA,
            columns=(
                Column(MARKET["credit_code"], "credit_code", required=True, example="91610900MA70XXXXXX", width=22),
                Column(MARKET["name"], "name", required=True, example="安康市某某服饰有限公司", width=30),
                Column(MARKET["kind"], "kind", required=True, choices=tuple(_KINDS), example="企业"),
                Column(MARKET["registered_on"], "registered_on", required=True, example="2026-11-03"),
                Column(MARKET["region"], "region", required=True, example="610902001000", width=16),
                Column(MARKET["capital"], "capital", example="50"),
                Column(MARKET["employees"], "employees", example="12"),
            ),
            prepare=prepare,
            validate=validate_market,
            commit=commit_market,
            description=gettext_lazy(
                "市场监管部门每月提供的新登记市场主体名单；按统一社会信用代码新增或更新。吸纳就业按台账中在该主体就业的人员计算。"
            ),
            notes=(
                gettext_lazy("登记地区划代码填县、镇或村级12位代码，须在您的管辖范围内。"),
                gettext_lazy("注册资本以万元填写；申报从业人数为主体登记时申报的人数，仅作参考。"),
            ),
            uses_as_of=False,
            template_name="新登记市场主体模板.xlsx",
            order=60,
        )
    )
    kinds.register(
        ImportKind(
            code="employers.factory_reports",
            title=gettext_lazy("新社区工厂月报"),
            perm=Perm.EDIT_BUSINESS_DATA,
            columns=(
                Column(REPORT["credit_code"], "credit_code", required=True, example="91610900MA70XXXXXX", width=22),
                Column(REPORT["month"], "month", required=True, example="2026-11"),
                Column(REPORT["jobs"], "jobs", required=True, example="45"),
                Column(REPORT["relocated"], "relocated", required=True, example="30"),
                Column(REPORT["poverty_alleviated"], "poverty_alleviated", required=True, example="18"),
                Column(REPORT["output_value"], "output_value", required=True, example="860000.00", width=16),
                Column(REPORT["wages_paid"], "wages_paid", required=True, example="135000.00", width=16),
            ),
            prepare=prepare,
            validate=validate_reports,
            commit=commit_reports,
            description=gettext_lazy("新社区工厂和家庭工坊按月报送吸纳就业、产值和发放工资；同一月份再次导入即更正。"),
            notes=(gettext_lazy("工厂须先在“用工主体”中登记；金额以元填写，最多两位小数。"),),
            uses_as_of=False,
            template_name="新社区工厂月报模板.xlsx",
            order=61,
        )
    )
