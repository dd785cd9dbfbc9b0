"""新登记市场主体名单: the market-regulation department's monthly list; each row an entity, keyed by
its 统一社会信用代码 (imported again: updated or unchanged)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.permissions import Perm
from jiuye.core.scoping import can_write, code_level
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import parse_date
from jiuye.employers import actions
from jiuye.employers.choices import EntityKind
from jiuye.employers.importing.common import EXAMPLE_ENTITY, Context, _count, prepare
from jiuye.employers.models import MarketEntity
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.indicators.snapshot import add_months, month_start
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


def _ten_thousand_yuan(text: str) -> int | None:
    """Registered capital as the list writes it, in 万元 (up to six decimals: to the 分), as 分."""
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    fen = value * FEN_PER_10K_YUAN
    return int(fen) if fen == fen.to_integral_value() and fen <= money.MAX_FEN else None


_KINDS = {str(label): value for value, label in EntityKind.choices}


def validate_market(ctx: Context, batch: Batch) -> pl.DataFrame:
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        code = row["credit_code"].upper()
        day = parse_date(row["registered_on"])
        region = row["region"].removesuffix(".0")
        capital = _ten_thousand_yuan(row["capital"]) if row["capital"] else None
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


def kind() -> ImportKind:
    last_month = add_months(month_start(timezone.localdate()), -1)
    return ImportKind(
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
