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
from jiuye.employers.choices import FACTORY_KINDS, EmployerKind, EntityKind, FactoryCategory, SizeClass
from jiuye.employers.models import Employer, MarketEntity
from jiuye.imports.kinds import Batch, Column, ImportKind, ImportRefused, Outcome, RowError
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.regions.models import Region

FEN_PER_10K_YUAN = 1_000_000
# The templates' example rows: a 新社区工厂 of 紫阳县城关镇 (the factory report and the postings
# templates name it, so the examples import cleanly in the order of the import page).
EXAMPLE_FACTORY = "91610924MA70B2K5QL"
EXAMPLE_ENTITY = "92610924MA70C3L6RA"

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


EMPLOYERS_KIND = ImportKind(
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

    last_month = add_months(month_start(timezone.localdate()), -1)
    kinds.register(EMPLOYERS_KIND)
    kinds.register(
        ImportKind(
            code="employers.market_entities",
            title=gettext_lazy("新登记市场主体名单"),
            perm=Perm.EDIT_BUSINESS_DATA,
            columns=(
                Column(MARKET["credit_code"], "credit_code", required=True, example=EXAMPLE_ENTITY, width=22),
                Column(MARKET["name"], "name", required=True, example="紫阳县城关镇某某茶叶店", width=30),
                Column(MARKET["kind"], "kind", required=True, choices=tuple(_KINDS), example="个体工商户"),
                Column(MARKET["registered_on"], "registered_on", required=True, example=last_month.isoformat()),
                Column(MARKET["region"], "region", required=True, example="610924100000", width=16),
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
                Column(REPORT["credit_code"], "credit_code", required=True, example=EXAMPLE_FACTORY, width=22),
                Column(REPORT["month"], "month", required=True, example=last_month.strftime("%Y-%m")),
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
