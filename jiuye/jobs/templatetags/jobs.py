"""Template filters of the jobs module."""

from __future__ import annotations

from django import template

from jiuye.core import money

register = template.Library()


@register.filter
def wage(fen: int | None) -> str:
    """A monthly wage as people read it: whole 元 without decimals (3,000), else with them."""
    if fen is None:
        return "—"
    if fen % 100 == 0:
        return f"{fen // 100:,}"
    return money.format_yuan(fen)
