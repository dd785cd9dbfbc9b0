"""Template helpers of the programs module."""

from __future__ import annotations

from typing import Any

from django import template

from jiuye.core.permissions import has_perm

register = template.Library()


@register.filter
def can(user: Any, perm: str) -> bool:
    """Whether the user holds a right (a tab is shown only to those who may open it)."""
    return has_perm(user, perm)
