"""The employment status: one rule (``registry.spells``) for forms, API and imports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.registry import actions, spells
from jiuye.registry.choices import (
    Source,
)
from jiuye.registry.models import (
    EmploymentSpell,
    Person,
)
from jiuye.registry.services import zero_employment
from jiuye.registry.services.common import _check_choices, _lock_person, _on_record


@retrying_atomic
def status_change(
    *,
    actor: Any,
    person: Person,
    status: str,
    start: date,
    source: str = Source.FORM,
    place: str = "",
    location: str = "",
    employer_name: str = "",
    employer_credit_code: str = "",
    monthly_income: int | None = None,
    verified_at: date | None = None,
) -> EmploymentSpell:
    """A status from ``start``, by the one rule of ``registry.spells``: a correction of the open
    spell's day replaces it in place; a later day ends it and opens a new one; the same status with
    the same details changes nothing (a newer ``verified_at`` is recorded on the open spell)."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    _check_choices(EmploymentSpell, status=status, place=place, source=source)
    if start > timezone.localdate():
        raise ValidationError({"start": _("开始日期不能晚于今天。")})
    if employer_credit_code and not is_valid_credit_code(employer_credit_code):
        raise ValidationError({"employer_credit_code": _("统一社会信用代码无效（GB 32100 校验不通过）。")})
    _on_record(person, "start", start)
    report = spells.SpellFacts(
        status,
        place=place or None,
        location=location,
        employer_name=employer_name,
        employer_credit_code=employer_credit_code,
        monthly_income=monthly_income,
    )
    open_spell = EmploymentSpell.objects.select_for_update().filter(person=person, end__isnull=True).first()
    try:
        plan = spells.plan(
            current=spell_facts(open_spell) if open_spell else None,
            since=open_spell.start if open_spell else None,
            report=report,
            start=start,
            default=start,
        )
    except spells.SpellRefused as exc:
        raise ValidationError({"start": str(exc)}) from exc
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    if plan.step == spells.Step.NONE and open_spell is not None:
        if verified_at is not None and verified_at != open_spell.verified_at:
            open_spell.verified_at = verified_at
            open_spell.save(update_fields=["verified_at"])
        return open_spell
    if plan.step in (spells.Step.AMEND, spells.Step.REPLACE) and open_spell is not None:
        spell = open_spell
        kept = spell.place if plan.step == spells.Step.AMEND else None
        for name, value in report.written(kept_place=kept).items():
            setattr(spell, name, value)
        spell.source, spell.recorded_by, spell.recorded_at = source, recorder, timezone.now()
        spell.verified_at = verified_at or spell.verified_at
        spell.save()
    else:
        if open_spell is not None and plan.close_on is not None:
            open_spell.end = plan.close_on
            open_spell.save(update_fields=["end"])
        spell = EmploymentSpell.objects.create(
            person=person,
            start=plan.start,
            source=source,
            verified_at=verified_at,
            recorded_by=recorder,
            **report.written(),
        )
    before = {"status": person.status, "status_since": person.status_since.isoformat()}
    Person.objects.filter(pk=person.pk).update(status=status, status_since=plan.start, version=F("version") + 1)
    person.refresh_from_db()
    audit_record(
        action=actions.STATUS_CHANGE,
        actor=actor,
        obj=person,
        before=before,
        after={"status": status, "status_since": plan.start.isoformat(), "step": str(plan.step)},
    )
    zero_employment.household_refresh(household=person.household)
    notify_records_changed(Person, since=plan.start)
    return spell


def spell_facts(spell: EmploymentSpell) -> spells.SpellFacts:
    """An open spell as the status rule compares it."""
    return spells.SpellFacts(
        status=spell.status,
        place=spell.place,
        location=spell.location,
        employer_name=spell.employer_name,
        employer_credit_code=spell.employer_credit_code,
        monthly_income=spell.monthly_income,
    )


def status_on(*, person: Person, day: date) -> str | None:
    """The status a person held on ``day`` (None before the first spell)."""
    spell = (
        EmploymentSpell.objects.filter(person=person, start__lte=day)
        .exclude(end__lt=day)
        .order_by("-start", "-id")
        .first()
    )
    return spell.status if spell else None
