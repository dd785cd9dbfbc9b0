"""Figures in templates, by the one rendering of ``indicators.display``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from jiuye.indicators import display
from jiuye.indicators.catalogue import Indicator, Scale
from jiuye.indicators.targets import Progress

register = template.Library()


@register.simple_tag
def figure(indicator: Indicator | None, value: Decimal | None, region_code: str) -> str:
    """A region's figure with its unit: ``{% figure indicator value region.code %}``."""
    if indicator is None:
        return "—" if value is None else str(value)
    return display.figure(indicator, value, region_code=region_code)


@register.filter
def number(value: Decimal | None, scale: Scale) -> str:
    """A figure in a given unit, without the unit (a table whose heading names it)."""
    return scale.number(value)


@register.filter
def with_unit(value: Decimal | None, scale: Scale) -> str:
    """A figure in a given unit, with the unit: ``{{ value|with_unit:scale }}``."""
    return scale.text(value)


@register.filter
def progress_text(progress: Progress | None) -> display.ProgressText | None:
    """A target's progress as text in one unit: ``{% with t=p|progress_text %}``."""
    return display.progress_text(progress) if progress is not None else None


@register.filter
def region_name(code: str, names: dict[str, Any]) -> Any:
    return names.get(code, code)
