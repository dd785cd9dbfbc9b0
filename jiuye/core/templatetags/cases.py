"""``{% case_badge case %}``: a deadline case's stage as a coloured badge, the same on every list
and page (within its deadline, nearly due, overdue, closed), with the case kind's own words for
open and closed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.html import format_html

from jiuye.core.cases import STAGE_LABELS, Stage

register = template.Library()

_CLASSES = {Stage.OPEN: "", Stage.WARNED: "warn", Stage.OVERDUE: "bad", Stage.CLOSED: "ok"}


@register.simple_tag
def case_badge(case: Any, day: date | None = None) -> str:
    stage = case.stage(day)
    # Open and closed in the kind's own words (待清零, 已清零); the deadline stages are shared.
    label = case.get_status_display() if stage in (Stage.OPEN, Stage.CLOSED) else STAGE_LABELS[stage]
    return format_html('<span class="badge {}">{}</span>', _CLASSES[stage], label)
