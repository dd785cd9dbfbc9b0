"""Tags of the annual report template: figures, targets, names — each a token or a gap."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from jiuye.indicators import catalogue
from jiuye.indicators.models import Target
from jiuye.reports.builder import Figure, ReportContext

register = template.Library()

NO_MODULE = "暂无数据"


def _ctx(context: Any) -> ReportContext:
    return context["report"]


@register.simple_tag(takes_context=True)
def fig(context: Any, code: str, label: str = "", module: str = "") -> str:
    """A figure of the report year: the measurement of the year's last computed month."""
    report = _ctx(context)
    indicator = catalogue.get(code)
    name = label or (str(indicator.name) if indicator else code)
    if indicator is None:
        return report.gap(name, module or "未建模块", "该指标所属模块尚未建设")
    value = report.values.get(code)
    if value is None or report.period is None:
        reason = "该年度尚未计算" if report.period is None else "该指标本期无测量值（如录入指标尚未录入）"
        return report.gap(name, module or indicator.module_name, reason)
    text = indicator.format(value)
    report.figures.append(Figure(code, text, value, report.period))
    return report.token({"kind": "fig", "code": code, "text": text})


@register.simple_tag(takes_context=True)
def target(context: Any, code: str, year: int | None = None, label: str = "", module: str = "") -> str:
    """The target set for the region (default: the year after the report year)."""
    report = _ctx(context)
    year = year or report.year + 1
    indicator = catalogue.get(code)
    name = label or (str(indicator.name) if indicator else code)
    if indicator is None:
        return report.gap(f"{name}（{year}年目标）", module or "未建模块", "该指标所属模块尚未建设")
    row = (
        Target.objects.filter(indicator=code, region_code=report.region.code, start_year__lte=year, end_year__gte=year)
        .order_by("end_year", "start_year")
        .first()
    )
    if row is None:
        return report.gap(f"{name}（{year}年目标）", indicator.module_name, "目标尚未下达")
    text = indicator.format(row.value)
    return report.token({"kind": "target", "code": code, "text": text})


@register.simple_tag(takes_context=True)
def region_short(context: Any) -> str:
    """The region's name without its level suffix (安康市 → 安康), as the report writes “**市”."""
    name = _ctx(context).region.name
    for suffix in ("市", "县", "区"):
        if name.endswith(suffix) and len(name) > 2:
            return name[: -len(suffix)]
    return name


@register.simple_tag(takes_context=True)
def period_label(context: Any) -> str:
    period: date | None = _ctx(context).period
    if period is None:
        return "（尚无数据）"
    return f"（数据截至{period.year}年{period.month}月）"
