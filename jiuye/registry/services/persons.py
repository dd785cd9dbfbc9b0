"""Persons: registering (登记人员), editing (with dated facts), correcting the ID number, key groups, moving between households, and the registry state (death, moving out, emigration)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.db import retrying_atomic
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.permissions import can_view_sensitive
from jiuye.core.pinyin import name_pinyin
from jiuye.core.scoping import require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.regions.models import Region
from jiuye.registry import actions, history, idcard, spells
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    Fact,
    PersonState,
    RegistrationKind,
    Relation,
    Source,
    UnemploymentEnd,
)
from jiuye.registry.models import (
    EmploymentSpell,
    Household,
    Person,
    PersonChange,
    PersonGroup,
    Registration,
)
from jiuye.registry.services import zero_employment
from jiuye.registry.services.common import (
    StaleEdit,
    _check_choices,
    _check_sensitive_groups,
    _lock_person,
    _not_after_today,
    id_hash,
    phone_hash,
)
from jiuye.registry.services.households import household_get_or_create


@dataclass
class PersonInput:
    name: str
    id_number: str
    relation: str
    labor_ability: str
    willing: bool
    status: str
    status_since: date
    phone: str = ""
    education: str = ""
    groups: tuple[str, ...] = ()
    note: str = ""
    place: str = ""
    location: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""
    monthly_income: int | None = None
    verified_at: date | None = None
    source: str = Source.FORM


def _person_fields(data: PersonInput) -> dict[str, Any]:
    info = idcard.parse(data.id_number)
    return {
        "name": data.name.strip(),
        "name_pinyin": name_pinyin(data.name.strip()),
        "id_number": info.number,
        "id_hash": id_hash(info.number),
        "id_masked": mask_id_number(info.number),
        "gender": info.gender,
        "birth_date": info.birth_date,
        "phone": data.phone,
        "phone_hash": phone_hash(data.phone) if data.phone else "",
        "phone_masked": mask_phone(data.phone) if data.phone else "",
        "education": data.education,
        "labor_ability": data.labor_ability,
        "willing": data.willing,
        "relation": data.relation,
        "note": data.note,
    }


def _id_free(hashed: str, exclude: int | None = None) -> None:
    """One person per ID number: refused with the field's message when it is taken."""
    taken = Person.objects.filter(id_hash=hashed)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"id_number": _("该公民身份号码已在台账中。")})


@contextmanager
def _id_unique() -> Iterator[None]:
    """The write that the check above cleared: another clerk (or an import) may take the same
    number in between, and the unique index then refuses it; the same message, not a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("该公民身份号码已在台账中。")}) from exc


def _check_one_head(household: Household, relation: str, exclude: int | None = None) -> None:
    if relation != Relation.HEAD:
        return
    heads = Person.objects.filter(household=household, relation=Relation.HEAD, state=PersonState.ACTIVE)
    if exclude is not None:
        heads = heads.exclude(pk=exclude)
    if heads.exists():
        raise ValidationError({"relation": _("该户已有户主，每户只能有一位户主。")})


@retrying_atomic
def person_create(*, actor: Any, household: Household, data: PersonInput) -> Person:
    require_writable(actor, household.region_id)
    _check_choices(
        Person,
        relation=data.relation,
        labor_ability=data.labor_ability,
        education=data.education,
        status=data.status,
    )
    _check_choices(EmploymentSpell, place=data.place, source=data.source)
    try:
        fields = _person_fields(data)
    except idcard.IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    _id_free(fields["id_hash"])
    _not_after_today("status_since", data.status_since)
    _check_one_head(household, data.relation)
    if data.relation != Relation.HEAD and not household.members.filter(state=PersonState.ACTIVE).exists():
        # A new (or emptied) household is registered from its head, as in an import.
        raise ValidationError({"relation": _("该户还没有在册成员，请先登记户主。")})
    with _id_unique():
        person = Person.objects.create(
            household=household,
            region_id=household.region_id,
            status=data.status,
            status_since=data.status_since,
            **fields,
        )
    _check_sensitive_groups(actor, data.groups)
    if data.employer_credit_code and not is_valid_credit_code(data.employer_credit_code):
        raise ValidationError({"employer_credit_code": _("统一社会信用代码无效（GB 32100 校验不通过）。")})
    PersonGroup.objects.bulk_create([PersonGroup(person=person, group=g) for g in sorted(set(data.groups))])
    first = spells.SpellFacts(
        data.status,
        place=data.place or None,
        location=data.location,
        employer_name=data.employer_name,
        employer_credit_code=data.employer_credit_code,
        monthly_income=data.monthly_income,
    )
    EmploymentSpell.objects.create(
        person=person,
        **first.written(),
        start=data.status_since,
        source=data.source,
        verified_at=data.verified_at,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action=actions.PERSON_CREATE,
        actor=actor,
        obj=person,
        after={"name": person.name, "id_number": fields["id_number"], "status": data.status},
    )
    zero_employment.household_refresh(household=household)
    notify_records_changed(Person, since=data.status_since)
    return person


@retrying_atomic
def person_register(*, actor: Any, region: Region, household_number: str, data: PersonInput) -> Person:
    """登记人员 into the village's household of that number, created when new: one transaction,
    so that a refused person leaves no empty household behind."""
    household = household_get_or_create(actor=actor, region=region, number=household_number)
    return person_create(actor=actor, household=household, data=data)


_EDITABLE = ("name", "phone", "education", "labor_ability", "willing", "relation", "note")


# What a refused stale edit reports as changed: the phone and ID number by their masked forms.
_COMPARED = (*("phone_masked" if k == "phone" else k for k in _EDITABLE), "id_masked", "status", "household_id")


def person_snapshot(person: Person) -> dict[str, Any]:
    """The fields an edit page shows, as the clerk saw them: sent back with the edit so that a
    stale edit can say what changed since (nothing in it is shown unmasked)."""
    return {k: getattr(person, k) for k in _COMPARED}


def _stale(current: Person, seen: dict[str, Any]) -> StaleEdit:
    now = person_snapshot(current)
    return StaleEdit(current, {k: (seen[k], now[k]) for k in _COMPARED if k in seen and seen[k] != now[k]})


@retrying_atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    version: int,
    changes: dict[str, Any],
    groups: Iterable[str] | None = None,
    seen: dict[str, Any] | None = None,
    effective: date | None = None,
    source: str = Source.FORM,
) -> Person:
    """Change a person's own fields and (when given) key groups in one transaction, refusing a
    stale edit (optimistic locking). ``seen`` is the snapshot the clerk edited
    (``person_snapshot``); without it, ``person`` as the caller holds it. Labour ability,
    willingness, relation and groups are dated: they change from ``effective`` (default today)."""
    require_writable(actor, person.region_id)
    changes = {k: v for k, v in changes.items() if k in _EDITABLE}
    _check_choices(Person, **{k: v for k, v in changes.items() if k in ("relation", "education", "labor_ability")})
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != version:
        raise _stale(current, seen if seen is not None else person_snapshot(person))
    if "relation" in changes:
        _check_one_head(current.household, changes["relation"], exclude=current.pk)
    before = {k: getattr(current, k) for k in changes}
    for key, value in changes.items():
        setattr(current, key, value)
    if "name" in changes:
        current.name_pinyin = name_pinyin(current.name)
    if "phone" in changes:
        current.phone_hash = phone_hash(current.phone) if current.phone else ""
        current.phone_masked = mask_phone(current.phone) if current.phone else ""
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    diff = {k: v for k, v in before.items() if v != changes[k]}
    effective = effective or timezone.localdate()
    _record_changes(actor=actor, person=current, before=diff, after=changes, effective=effective, source=source)
    if diff:
        audit_record(
            action=actions.PERSON_UPDATE,
            actor=actor,
            obj=current,
            before=diff,
            after={**{k: changes[k] for k in diff}, "effective": effective.isoformat()},
        )
    zero_employment.household_refresh(household=current.household)
    if diff:
        notify_records_changed(Person, since=effective)
    if groups is not None:
        person_set_groups(actor=actor, person=current, groups=groups, effective=effective, source=source)
    return current


def _record_changes(
    *, actor: Any, person: Person, before: dict[str, Any], after: dict[str, Any], effective: date, source: str
) -> None:
    """The dated facts among the changed fields go into the person's history (``registry.history``),
    refused when the day contradicts what is recorded."""
    rows = history.field_changes(
        person_id=person.pk, before=before, after=after, effective=effective, source=source, actor=actor
    )
    if not rows:
        return
    last = history.latest([person.pk], {r.fact for r in rows})
    for row in rows:
        reason = history.refusal(effective, last=last.get((person.pk, row.fact)), today=timezone.localdate())
        if reason:
            raise ValidationError({"effective": reason})
    PersonChange.objects.bulk_create(rows)


@retrying_atomic
def person_correct_id(
    *, actor: Any, person: Person, version: int, id_number: str, reason: str, seen: dict[str, Any] | None = None
) -> Person:
    """更正公民身份号码: a number recorded wrongly. Gender and birth date follow the new number, so
    the household's verdict and the statistics of the person's months are computed again."""
    require_writable(actor, person.region_id)
    try:
        info = idcard.parse(id_number)
    except idcard.IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != version:
        raise _stale(current, seen if seen is not None else person_snapshot(person))
    if info.number == current.id_number:
        raise ValidationError({"id_number": _("新号码与现有号码相同。")})
    hashed = id_hash(info.number)
    _id_free(hashed, exclude=current.pk)
    before = {"id_number": current.id_number, "gender": current.gender, "birth_date": current.birth_date.isoformat()}
    current.id_number, current.id_hash, current.id_masked = info.number, hashed, mask_id_number(info.number)
    current.gender, current.birth_date = info.gender, info.birth_date
    current.version = F("version") + 1
    with _id_unique():
        current.save()
    current.refresh_from_db()
    audit_record(
        action=actions.PERSON_CORRECT_ID,
        actor=actor,
        obj=current,
        before=before,
        after={
            "id_number": info.number,
            "gender": info.gender,
            "birth_date": info.birth_date.isoformat(),
            "reason": reason,
        },
    )
    zero_employment.household_refresh(household=current.household)
    # Age enters the statistics of every month the person is on record for.
    first = current.spells.order_by("start").values_list("start", flat=True).first()
    notify_records_changed(Person, since=first or timezone.localdate())
    return current


@retrying_atomic
def person_set_groups(
    *,
    actor: Any,
    person: Person,
    groups: Iterable[str],
    effective: date | None = None,
    source: str = Source.FORM,
) -> None:
    """Set a person's key groups to ``groups`` from ``effective`` (default today; the groups
    entered and left are dated in the person's history). A user without the security label sets
    only the groups he or she can see; the sensitive ones stored stay as they are."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    wanted = set(groups)
    for group in sorted(wanted):
        _check_choices(PersonGroup, group=group)
    _check_sensitive_groups(actor, wanted)
    have = set(person.groups.values_list("group", flat=True))
    if actor is not None and not can_view_sensitive(actor):
        wanted |= have & SENSITIVE_GROUPS
    if wanted == have:
        return
    effective = effective or timezone.localdate()
    last = history.latest([person.pk], [Fact.GROUP]).get((person.pk, Fact.GROUP))
    if reason := history.refusal(effective, last=last, today=timezone.localdate()):
        raise ValidationError({"effective": reason})
    PersonChange.objects.bulk_create(
        history.group_changes(
            person_id=person.pk, had=have, wants=wanted, effective=effective, source=source, actor=actor
        )
    )
    PersonGroup.objects.filter(person=person, group__in=have - wanted).delete()
    PersonGroup.objects.bulk_create([PersonGroup(person=person, group=g) for g in sorted(wanted - have)])
    audit_record(
        action=actions.PERSON_GROUPS,
        actor=actor,
        obj=person,
        before={"groups": ",".join(sorted(have))},
        after={"groups": ",".join(sorted(wanted)), "effective": effective.isoformat()},
    )
    notify_records_changed(PersonGroup, since=effective)


@retrying_atomic
def person_move(*, actor: Any, person: Person, household: Household, effective: date | None = None) -> Person:
    """Move a person to another household (possibly in another village) from ``effective``
    (default today; dated in the person's history): both must be writable."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    require_writable(actor, household.region_id)
    old, before_relation = person.household, person.relation
    if old.pk == household.pk:
        return person
    if person.state != PersonState.ACTIVE:
        raise ValidationError({"household": _("不在册的人员不能迁户；如已回到本地，请先将在册状态改为在册。")})
    if not household.members.filter(state=PersonState.ACTIVE).exists():
        person.relation = Relation.HEAD  # 分户: who sets up (or alone joins) a household heads it
    elif person.relation == Relation.HEAD:
        person.relation = Relation.OTHER  # the household has its head; the relation is edited after
    _check_one_head(household, person.relation)
    effective = effective or timezone.localdate()
    _record_changes(
        actor=actor,
        person=person,
        before={"household_id": old.pk, "relation": before_relation},
        after={"household_id": household.pk, "relation": person.relation},
        effective=effective,
        source=Source.FORM,
    )
    Person.objects.filter(pk=person.pk).update(
        household=household, region_id=household.region_id, relation=person.relation, version=F("version") + 1
    )
    person.refresh_from_db()
    audit_record(
        action=actions.PERSON_MOVE,
        actor=actor,
        obj=person,
        before={"household": str(old), "relation": before_relation},
        after={"household": str(household), "relation": person.relation},
    )
    zero_employment.household_refresh(household=old)
    zero_employment.household_refresh(household=household)
    notify_records_changed(Person, since=effective)
    return person


@retrying_atomic
def person_move_to(
    *, actor: Any, person: Person, region: Region, household_number: str, effective: date | None = None
) -> Person:
    """Move a person to the village's household of that number, created when new (分户)."""
    household = household_get_or_create(actor=actor, region=region, number=household_number)
    return person_move(actor=actor, person=person, household=household, effective=effective)


def _leaves_after_record(person: Person, on: date) -> None:
    """A death or departure comes after everything already recorded for the person: from its
    date on nothing more is recorded (`_on_record`), so an earlier date would leave a status, a
    registration or its ending dated after it."""
    if on < person.birth_date:
        raise ValidationError(
            {"date": _("日期不能早于出生日期（%(date)s）。") % {"date": person.birth_date.isoformat()}}
        )
    registrations = Registration.objects.filter(person=person).aggregate(day=Max("date"), ended=Max("ended_on"))
    facts = [
        (person.status_since, _("就业状态")),  # the open spell's start: the latest
        (registrations["day"], _("登记")),
        (registrations["ended"], _("登记注销")),
        (person.state_date if person.state == PersonState.ACTIVE else None, _("恢复在册")),
    ]
    recorded = [(day, what) for day, what in facts if day is not None and on <= day]
    if recorded:
        day, what = max(recorded, key=lambda fact: fact[0])
        raise ValidationError(
            {
                "date": _("该人员在 %(date)s 还有%(what)s记录，日期须晚于该日；如记录有误，请先更正。")
                % {"date": day.isoformat(), "what": what}
            }
        )


@retrying_atomic
def person_set_state(*, actor: Any, person: Person, state: str, on: date) -> Person:
    """Record a death, emigration or moving out (or a return to the registry)."""
    require_writable(actor, person.region_id)
    _lock_person(person)
    _check_choices(Person, state=state)
    _not_after_today("date", on)
    if state != PersonState.ACTIVE:
        _leaves_after_record(person, on)
    before = {"state": person.state}
    Person.objects.filter(pk=person.pk).update(state=state, state_date=on, version=F("version") + 1)
    person.refresh_from_db()
    end_reason: str
    if state == PersonState.DECEASED:
        end_reason = UnemploymentEnd.DECEASED
    elif state == PersonState.ACTIVE:
        end_reason = ""
    else:
        end_reason = UnemploymentEnd.MOVED
    if end_reason:
        Registration.objects.filter(person=person, kind=RegistrationKind.UNEMPLOYMENT, ended_on__isnull=True).update(
            ended_on=on, end_reason=end_reason
        )
    audit_record(action=actions.PERSON_STATE, actor=actor, obj=person, before=before, after={"state": state})
    zero_employment.household_refresh(household=person.household)
    notify_records_changed(Person, since=on)
    return person
