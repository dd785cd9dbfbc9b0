from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from jiuye.indicators.catalogue import Indicator

register = template.Library()


@register.filter
def figure(value: Decimal | None, indicator: Indicator) -> str:
    """A stored value in the indicator's unit and rounding (``{{ value|figure:indicator }}``)."""
    if value is None:
        return _("暂无数据")
    return indicator.format(value)


@register.filter
def detail(value: Decimal | None, indicator: Indicator) -> str:
    """A subdivision's value in the indicator's detail unit (whole persons under 万人)."""
    if value is None:
        return _("暂无数据")
    return indicator.format_detail(value)


@register.filter
def region_name(code: str, names: dict[str, Any]) -> Any:
    return names.get(code, code)
