"""Households (户) and their relocation site (易地搬迁安置点)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.regions.models import Region
from jiuye.registry import actions
from jiuye.registry.models import (
    Household,
)


@retrying_atomic
def household_get_or_create(*, actor: Any, region: Region, number: str, relocation_site: str = "") -> Household:
    require_writable(actor, region.code)
    if region.level != "village":
        raise ValidationError({"region": _("家庭户必须属于村（社区）。")})
    household, created = Household.objects.get_or_create(
        region=region, number=number.strip(), defaults={"relocation_site": relocation_site}
    )
    if created:
        audit_record(action=actions.HOUSEHOLD_CREATE, actor=actor, obj=household, after={"number": household.number})
    return household


@retrying_atomic
def household_set_relocation_site(*, actor: Any, household: Household, relocation_site: str) -> Household:
    """Record (or clear) the relocation site (易地搬迁安置点) the household was resettled to."""
    require_writable(actor, household.region_id)
    site = relocation_site.strip()
    if len(site) > 100:
        raise ValidationError({"relocation_site": _("易地搬迁安置点名称过长（最多100个字）。")})
    current = Household.objects.select_for_update().get(pk=household.pk)
    if current.relocation_site == site:
        return current
    before = current.relocation_site
    Household.objects.filter(pk=current.pk).update(relocation_site=site, updated_at=timezone.now())
    current.refresh_from_db()
    audit_record(
        action=actions.HOUSEHOLD_UPDATE,
        actor=actor,
        obj=current,
        before={"relocation_site": before},
        after={"relocation_site": site},
    )
    # The relocated-household figures read the site as it is now: this month onward.
    notify_records_changed(Household, since=timezone.localdate().replace(day=1))
    return current
