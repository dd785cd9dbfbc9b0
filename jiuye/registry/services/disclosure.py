"""Disclosures of personal data: the full number for a stated reason, and the view of sensitive categories; each audited."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import can_view_sensitive
from jiuye.registry import actions
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
)
from jiuye.registry.models import (
    EmploymentSpell,
    Person,
)

logger = logging.getLogger(__name__)


@retrying_atomic
def sensitive_viewed(
    *,
    actor: Any,
    person: Person,
    groups: Iterable[str] | None = None,
    spells: Iterable[EmploymentSpell] | None = None,
) -> bool:
    """Opening a person's record that shows sensitive categories (a sensitive key group, or a
    recorded income) to a user with the security label is audited (security bar L-1: "view of
    sensitive labels"): which groups, and whether incomes were shown. Returns whether it was.
    A page that has read the person's groups and spells already passes them."""
    if actor is None or not can_view_sensitive(actor):
        return False  # nothing sensitive is shown to this user
    if groups is None:
        groups = person.groups.values_list("group", flat=True)
    sensitive = sorted(set(groups) & SENSITIVE_GROUPS)
    if spells is None:
        income = person.spells.filter(monthly_income__isnull=False).exists()
    else:
        income = any(spell.monthly_income is not None for spell in spells)
    if not sensitive and not income:
        return False
    audit_record(
        action=actions.SENSITIVE_VIEW,
        actor=actor,
        obj=person,
        after={"groups": ",".join(sensitive), "income": income},
    )
    return True


@retrying_atomic
def person_reveal(*, actor: Any, person: Person, field: str, reason: str) -> str:
    """The full ID number or phone, for a stated reason; every reveal is audited."""
    if field not in ("id_number", "phone"):
        raise ValidationError({"field": _("只能查看公民身份号码或联系电话。")})
    from jiuye.core.models import AuditEvent

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = AuditEvent.objects.filter(action=actions.REVEAL.code, actor_id=actor.pk, at__gte=midnight).count()
    if today >= settings.JIUYE_REVEAL_DAILY_LIMIT:
        raise ValidationError({"field": _("今日查看完整号码的次数已达上限，请明日再试或联系安全管理员。")})
    audit_record(
        action=actions.REVEAL,
        actor=actor,
        obj=person,
        after={"field": field, "reason": reason.replace("\r", " ").replace("\n", " ")[:200]},
    )
    if today == settings.JIUYE_REVEAL_ALERT_PER_DAY:  # this reveal is the first above the alert line
        audit_record(
            action=actions.REVEAL_RATE_ALERT,
            actor=actor,
            region_code=actor.region_id or "",
            after={"reveals_today": today + 1, "alert_above": settings.JIUYE_REVEAL_ALERT_PER_DAY},
        )
        logger.warning(
            "reveal rate alert: user %s passed %s reveals today", actor.pk, settings.JIUYE_REVEAL_ALERT_PER_DAY
        )
    return str(getattr(person, field) or "")
