"""``{{ fen|yuan }}``: an amount stored in 分, shown in 元 with two decimals (``core.money``)."""

from __future__ import annotations

from django import template

from jiuye.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return format_yuan(fen)
