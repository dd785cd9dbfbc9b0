"""新社区工厂月报: one row per factory and month, through the same service as the page's form."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import money
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.permissions import Perm
from jiuye.core.tabular import parse_date
from jiuye.employers import services
from jiuye.employers.choices import FACTORY_KINDS
from jiuye.employers.importing.common import EXAMPLE_FACTORY, Context, _count, prepare
from jiuye.employers.models import Employer
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.indicators.snapshot import add_months, month_start

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
        amounts: dict[str, int] = {}
        if not is_valid_credit_code(code):
            batch.reject(
                n, REPORT["credit_code"], row["credit_code"], _("统一社会信用代码无效（GB 32100 校验不通过）。")
            )
        if month is None:
            batch.reject(n, REPORT["month"], row["month"], _("月份应写作 2026-11 或 2026年11月。"))
        for key, value in counts.items():
            if value is None:
                batch.reject(n, REPORT[key], row[key], _("应为不小于0的整数。"))
        for key in ("output_value", "wages_paid"):
            try:
                amounts[key] = money.parse_yuan(row[key])
            except money.MoneyError as exc:
                batch.reject(n, REPORT[key], row[key], str(exc))
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


def kind() -> ImportKind:
    last_month = add_months(month_start(timezone.localdate()), -1)
    return ImportKind(
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
