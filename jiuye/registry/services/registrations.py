"""就业登记, 失业登记 and 失业登记注销: one rule (``registry.registrations``) for forms, API and imports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jiuye.core.audit import AuditAction, audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.regions.models import Region
from jiuye.registry import actions, registrations
from jiuye.registry.choices import (
    RegistrationKind,
)
from jiuye.registry.models import (
    Person,
    Registration,
)
from jiuye.registry.services.common import _check_choices, _lock_person, _on_record


def held_registrations(person: Person) -> registrations.Held:
    """The person's registrations as the registration rule reads them (the open 失业登记 locked)."""
    held = registrations.Held()
    for registration in Registration.objects.select_for_update().filter(person=person).order_by("date", "id"):
        held.acts.add((registration.kind, registration.date))
        if registration.kind != RegistrationKind.UNEMPLOYMENT:
            continue
        if registration.ended_on is None:
            held.open_on, held.open_ref = registration.date, registration
        else:
            held.ended.add((registration.ended_on, registration.end_reason))
    return held


def _apply_act(person: Person, act: registrations.Act) -> tuple[registrations.Outcome, Registration | None]:
    """The rule's verdict on an act, and the open 失业登记 it ends (if any); refusals as field errors."""
    held = held_registrations(person)
    try:
        outcome = registrations.apply(held, act)
    except registrations.ActRefused as exc:
        raise ValidationError({exc.field: str(exc)}) from exc
    ended = held.open_ref if outcome.ends_open else None
    return outcome, ended if isinstance(ended, Registration) else None


def _end(registration: Registration, *, day: date, reason: str) -> None:
    registration.ended_on, registration.end_reason = day, reason
    registration.save(update_fields=["ended_on", "end_reason"])


def _existing(person: Person, kind: str, day: date) -> Registration:
    return Registration.objects.get(person=person, kind=kind, date=day)


_NEEDED = {"form": _lazy("请选择就业形式。"), "reason": _lazy("请选择失业原因。")}


@retrying_atomic
def _record_act(
    *,
    actor: Any,
    person: Person,
    kind: str,
    day: date,
    region: Region,
    choice: tuple[str, str],
    action: AuditAction,
    **fields: Any,
) -> Registration:
    """What every registration does: scope, the person's lock, the choice it needs (a form of
    employment, a reason), the day (on record, not after today), the one rule; then the new
    registration with the 失业登记 it ends, audited. The same act again changes nothing."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    name, value = choice
    if not value:
        raise ValidationError({name: str(_NEEDED[name])})
    _check_choices(Registration, **{name: value})
    _on_record(person, "date", day)
    if day > timezone.localdate():
        raise ValidationError({"date": _("登记日期不能晚于今天。")})
    outcome, ended = _apply_act(person, registrations.Act(kind, day))
    if outcome.effect == registrations.Effect.NONE:
        return _existing(person, kind, day)
    registration = Registration.objects.create(
        person=person,
        region=region,
        kind=kind,
        date=day,
        urban=bool(region.urban),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: value},
        **fields,
    )
    if ended is not None:
        _end(ended, day=day, reason=outcome.end_reason)
    audit_record(action=action, actor=actor, obj=person, after={"date": day.isoformat(), name: value})
    notify_records_changed(Registration, since=day)
    return registration


def registration_employment(
    *,
    actor: Any,
    person: Person,
    day: date,
    form: str,
    region: Region,
    employer_name: str = "",
    employer_credit_code: str = "",
    note: str = "",
) -> Registration:
    """就业登记; it also ends an open 失业登记 (reason 已就业)."""
    return _record_act(
        actor=actor,
        person=person,
        kind=RegistrationKind.EMPLOYMENT,
        day=day,
        region=region,
        choice=("form", form),
        action=actions.EMPLOYMENT_REGISTRATION,
        employer_name=employer_name,
        employer_credit_code=employer_credit_code,
        note=note,
    )


def registration_unemployment(
    *, actor: Any, person: Person, day: date, reason: str, region: Region, note: str = ""
) -> Registration:
    """失业登记, refused while one is open."""
    return _record_act(
        actor=actor,
        person=person,
        kind=RegistrationKind.UNEMPLOYMENT,
        day=day,
        region=region,
        choice=("reason", reason),
        action=actions.UNEMPLOYMENT_REGISTRATION,
        note=note,
    )


@retrying_atomic
def registration_end(*, actor: Any, person: Person, day: date, reason: str) -> Registration:
    """失业登记注销."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    if not reason:
        raise ValidationError({"end_reason": _("请选择注销原因。")})
    _check_choices(Registration, end_reason=reason)
    _on_record(person, "date", day)
    if day > timezone.localdate():
        raise ValidationError({"date": _("注销日期不能晚于今天。")})
    _outcome, ended = _apply_act(person, registrations.Act(registrations.END, day, reason))
    if ended is None:  # the same 注销 again
        return Registration.objects.get(
            person=person, kind=RegistrationKind.UNEMPLOYMENT, ended_on=day, end_reason=reason
        )
    _end(ended, day=day, reason=reason)
    audit_record(
        action=actions.UNEMPLOYMENT_END, actor=actor, obj=person, after={"date": day.isoformat(), "reason": reason}
    )
    notify_records_changed(Registration, since=day)
    return ended


def registration_record(
    *,
    actor: Any,
    person: Person,
    kind: str,
    day: date,
    form: str = "",
    reason: str = "",
    end_reason: str = "",
    employer_name: str = "",
) -> Registration:
    """One entry for the page and the API: 就业登记, 失业登记 or its end (注销), at the person's village."""
    if kind == "employment":
        if not form:
            raise ValidationError({"form": [_("就业登记需要填写就业形式。")]})
        return registration_employment(
            actor=actor, person=person, day=day, form=form, region=person.region, employer_name=employer_name
        )
    if kind == "unemployment":
        if not reason:
            raise ValidationError({"reason": [_("失业登记需要填写失业原因。")]})
        return registration_unemployment(actor=actor, person=person, day=day, reason=reason, region=person.region)
    if not end_reason:
        raise ValidationError({"end_reason": [_("注销需要填写注销原因。")]})
    return registration_end(actor=actor, person=person, day=day, reason=end_reason)
