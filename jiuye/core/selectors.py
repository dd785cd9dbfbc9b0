"""Reads on the audit log, always from ``visible_to(user)``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiuye.core.models import AuditEvent


def audit_event_list(
    *, user: Any, action: str = "", username: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.visible_to(user).order_by("-seq")
    if action:
        qs = qs.filter(action__startswith=action)
    if username:
        qs = qs.filter(actor_username=username)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return qs
