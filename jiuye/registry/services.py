"""Writes on the registry. Each is atomic and audited, and keeps the derived state in step:
the person's current status (from the spells) and the household's zero-employment verdict and case."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import cases
from jiuye.core.audit import audit_record
from jiuye.core.bulk import is_one_of
from jiuye.core.crypto import blind_index, blind_index_many
from jiuye.core.db import retrying_atomic
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.permissions import Perm, can_view_sensitive, has_perm
from jiuye.core.scoping import can_write
from jiuye.core.signals import notify_records_changed
from jiuye.regions.models import Region
from jiuye.registry import actions, history, idcard, registrations, rules, spells
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    STATUS_PLACE,
    CaseStatus,
    EmploymentStatus,
    Fact,
    KeyGroup,
    PersonState,
    RegistrationKind,
    Relation,
    Source,
    UnemploymentEnd,
)
from jiuye.registry.models import (
    CaseMeasure,
    EmploymentSpell,
    Household,
    Person,
    PersonChange,
    PersonGroup,
    Registration,
    ZeroEmploymentCase,
    ZeroEmploymentRule,
)
from jiuye.registry.pinyin import name_pinyin

ID_PURPOSE = "registry.person.id_number"
PHONE_PURPOSE = "registry.person.phone"

logger = logging.getLogger(__name__)


def id_hash(number: str) -> str:
    return blind_index(idcard.normalize(number), purpose=ID_PURPOSE)


def phone_hash(phone: str) -> str:
    return blind_index(phone.strip(), purpose=PHONE_PURPOSE)


def id_hashes(numbers: Sequence[str]) -> list[str]:
    """``id_hash`` over a batch (the import), the key derived once."""
    return blind_index_many([idcard.normalize(n) for n in numbers], purpose=ID_PURPOSE)


def phone_hashes(phones: Sequence[str]) -> list[str]:
    return blind_index_many([p.strip() for p in phones], purpose=PHONE_PURPOSE)


class StaleEdit(Exception):
    """Someone else saved the record since it was read; carries what changed."""

    def __init__(self, current: Person, changed: dict[str, tuple[Any, Any]]) -> None:
        super().__init__("stale edit")
        self.current = current
        self.changed = changed


def _require_writable(actor: Any, region_code: str) -> None:
    if not can_write(actor, region_code):
        # The same answer as for a record that does not exist (no oracle).
        raise Http404


def zero_rule() -> rules.ZeroRule:
    row = ZeroEmploymentRule.objects.order_by("pk").first()
    if row is None:
        return rules.ZeroRule()
    return rules.ZeroRule(
        min_age=row.min_age,
        max_age=row.max_age,
        employed=frozenset(row.employed_statuses) or rules.DEFAULT_EMPLOYED,
        clear_days=row.clear_days,
    )


@retrying_atomic
def zero_rule_update(
    *, actor: Any, min_age: int, max_age: int, employed: Sequence[str], clear_days: int
) -> dict[str, Any]:
    """Change the 零就业家庭 rule (a city decision: who is labour, what counts as employed, the days
    allowed to clear). Every household is judged again at once under the new rule, cases opened
    and closed to match; open cases keep the deadline they were given. Audited; the statistics of
    unlocked months are recomputed, since the rule defines the indicator."""
    if not has_perm(actor, Perm.MANAGE_STATISTICS):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not 14 <= min_age <= 30:
        errors["min_age"] = _("劳动年龄下限应在 14 至 30 岁之间。")
    if not 45 <= max_age <= 75:
        errors["max_age"] = _("劳动年龄上限应在 45 至 75 岁之间。")
    chosen = sorted(set(employed))
    if not chosen:
        errors["employed"] = _("至少选择一种计为就业的状态。")
    elif unknown := [s for s in chosen if s not in rules.EMPLOYABLE]:
        labels = dict(EmploymentStatus.choices)
        errors["employed"] = _("这些状态不能计为就业：%(statuses)s") % {
            "statuses": "、".join(str(labels.get(s, s)) for s in unknown)
        }
    if not 1 <= clear_days <= 366:
        errors["clear_days"] = _("清零期限应在 1 至 366 天之间。")
    if errors:
        raise ValidationError(errors)
    row = ZeroEmploymentRule.objects.select_for_update().order_by("pk").first() or ZeroEmploymentRule()
    before = zero_rule()
    row.min_age, row.max_age, row.employed_statuses, row.clear_days = min_age, max_age, chosen, clear_days
    row.save()
    after = zero_rule()
    audit_record(
        action=actions.ZERO_RULE_UPDATE,
        actor=actor,
        object_type="registry.zeroemploymentrule",
        object_id=str(row.pk),
        before=before.settings(),
        after=after.settings(),
    )
    recomputed = households_recompute_all()
    notify_records_changed(ZeroEmploymentRule, since=date(2000, 1, 1))
    return recomputed


# --- households -------------------------------------------------------------------------------


def writable_village(*, actor: Any, code: str, field: str) -> Region:
    """The village a form or payload names by code, if the actor may change records there; else a
    refusal on ``field``, the same for a code that does not exist and one outside the region."""
    region = Region.objects.visible_to(actor).filter(code=code, level="village").first()
    if region is None or not can_write(actor, region.code):
        raise ValidationError({field: _("区划代码不存在或不在您的管辖范围内。")})
    return region


@retrying_atomic
def household_get_or_create(*, actor: Any, region: Region, number: str, relocation_site: str = "") -> Household:
    _require_writable(actor, region.code)
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
    _require_writable(actor, household.region_id)
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


def household_refresh(*, household: Household, on: date | None = None, rule: rules.ZeroRule | None = None) -> bool:
    """Recompute the zero-employment verdict; open, close or reopen the case. Returns the verdict.

    One query reads the household's stored flags with its members. A household has an open case
    exactly when it is flagged, so when the verdict equals the stored flags there is nothing to
    do (the nightly ``households_recompute_all`` restores that invariant should anything else
    ever break it).
    """
    on = on or timezone.localdate()
    rule = rule or zero_rule()
    rows = list(
        Household.objects.filter(pk=household.pk).values_list(
            "zero_employment",
            "has_labor",
            "members__birth_date",
            "members__labor_ability",
            "members__willing",
            "members__status",
            "members__state",
        )
    )
    stored = (rows[0][0], rows[0][1]) if rows else (household.zero_employment, household.has_labor)
    members = [rules.MemberFacts(*row[2:]) for row in rows if row[2] is not None]
    verdict = rules.household_verdict(members, on, rule)
    household.zero_employment, household.has_labor = stored
    if stored == (verdict.zero_employment, verdict.has_labor):
        return verdict.zero_employment
    Household.objects.filter(pk=household.pk).update(
        zero_employment=verdict.zero_employment, has_labor=verdict.has_labor
    )
    household.zero_employment, household.has_labor = verdict.zero_employment, verdict.has_labor
    open_case = ZeroEmploymentCase.objects.filter(household=household, status=CaseStatus.OPEN).first()
    if verdict.zero_employment and open_case is None:
        case = ZeroEmploymentCase.objects.create(
            household=household,
            region_code=household.region_id,
            opened_on=on,
            deadline=on + timedelta(days=rule.clear_days),
        )
        audit_record(action=actions.ZERO_CASE_OPEN, obj=case, region_code=household.region_id)
    elif not verdict.zero_employment and open_case is not None:
        note = _("已有成员就业") if verdict.has_labor else _("家庭已无劳动力")
        cases.case_close(actor=None, case=open_case, on=on, note=str(note))
    return verdict.zero_employment


def households_refresh(*, household_ids: Iterable[int], on: date | None = None) -> int:
    """Refresh many households at once (after an import batch): the set-based statements of the
    nightly recompute, limited to these households; one audit row for the cases opened and closed.

    Returns how many of them are zero-employment households now.
    """
    ids = sorted(set(household_ids))
    if not ids:
        return 0
    changes = _recompute_households(on=on or timezone.localdate(), ids=ids)
    if changes["opened_ids"] or changes["closed_ids"]:
        audit_record(
            action=actions.ZERO_CASES_REFRESH,
            object_type="registry.zeroemploymentcase",
            after={
                "opened_for_households": ",".join(map(str, sorted(changes["opened_ids"])))[:20000],
                "closed_for_households": ",".join(map(str, sorted(changes["closed_ids"])))[:20000],
            },
        )
    return Household.objects.filter(pk__any=ids, zero_employment=True).count()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@retrying_atomic
def households_recompute_all(*, on: date | None = None) -> dict[str, int]:
    """Recompute every household's verdict in the database itself (set-based SQL), open and
    close cases to match, one audit row. The nightly job: ages move on even when nothing is
    recorded, so a household can become (or stop being) a zero-employment household overnight.
    """
    changes = _recompute_households(on=on or timezone.localdate(), ids=None)
    flagged = Household.objects.filter(zero_employment=True).count()
    result = {
        "flagged": flagged,
        "changed": changes["changed"],
        "opened": len(changes["opened_ids"]),
        "closed": len(changes["closed_ids"]),
    }
    audit_record(action=actions.ZERO_RECOMPUTE_ALL, object_type="registry.household", after=result)
    return result


def _id_filter(column: str, ids: list[int] | None) -> tuple[str, list[Any]]:
    """`` AND column IN (ids)`` as one parameter; nothing for all households."""
    if ids is None:
        return "", []
    where, params = is_one_of(column, ids)
    return f" AND {where}", params


def _recompute_households(*, on: date, ids: list[int] | None) -> dict[str, Any]:
    """Set the households' flags from their members on ``on`` and open / close cases to match.

    The verdict is an aggregate over the members (the rule of ``rules.household_verdict``, in
    SQL). One read finds the households whose stored flags differ from it; they are written by
    a handful of keyed statements (one per old and new pair of flags), each guarded by the
    flags it read; then the cases are opened and closed by two set-based statements.
    """
    rule = zero_rule()
    q = connection.ops.quote_name
    person, household, case = Person._meta.db_table, Household._meta.db_table, ZeroEmploymentCase._meta.db_table
    able = sorted(rules.WITH_ABILITY)
    employed = sorted(rule.employed)
    oldest = _years_before(on, rule.max_age + 1)  # born after this day: at most max_age
    youngest = _years_before(on, rule.min_age)  # born on or before this day: at least min_age
    persons_in, persons_params = _id_filter("household_id", ids)
    plain_in, plain_params = _id_filter("h.id", ids)
    cases_in, cases_params = _id_filter(f"{q(case)}.household_id", ids)
    # The members' facts per household: active members only (a household whose members have
    # all died or left has none, hence no labour). PostgreSQL reads them from the covering index
    # ``person_household_facts`` alone (an index-only scan in household order).
    facts = (
        f"SELECT household_id,"  # noqa: S608 (table names and placeholders only)
        f" MAX(CASE WHEN willing AND labor_ability IN ({', '.join(['%s'] * len(able))})"
        f" AND birth_date > %s AND birth_date <= %s THEN 1 ELSE 0 END) AS labour,"
        f" MAX(CASE WHEN status IN ({', '.join(['%s'] * len(employed))}) THEN 1 ELSE 0 END) AS employed"
        f" FROM {q(person)} WHERE state = %s{persons_in} GROUP BY household_id"
    )
    facts_params: list[Any] = [*able, oldest, youngest, *employed, str(PersonState.ACTIVE), *persons_params]
    labour, zero = "(COALESCE(a.labour, 0) = 1)", "(COALESCE(a.labour, 0) = 1 AND COALESCE(a.employed, 0) = 0)"
    with connection.cursor() as cursor:
        # Every household (in ``ids``) whose flags differ from its members' verdict; an outer
        # join, so that a household with no members left is judged too. A read, not an
        # ``UPDATE … FROM``: PostgreSQL may share a read among parallel workers (an update it
        # never does), and the nightly run over every household is allowed both cores' worth
        # of them (the planner's default price of passing rows between processes keeps it on
        # one). Usually a few households come back; the first run on a city, all of them.
        parallel = ids is None and connection.vendor == "postgresql"
        if parallel:
            cursor.execute("SET LOCAL parallel_setup_cost = 0")
            cursor.execute("SET LOCAL parallel_tuple_cost = 0")
        cursor.execute(
            f"SELECT h.id, h.zero_employment, h.has_labor, {zero}, {labour}"  # noqa: S608
            f" FROM {q(household)} h LEFT JOIN ({facts}) AS a ON a.household_id = h.id"
            f" WHERE (h.zero_employment <> {zero} OR h.has_labor <> {labour}){plain_in}",
            [*facts_params, *plain_params],
        )
        verdicts: dict[tuple[bool, bool, bool, bool], list[int]] = defaultdict(list)
        for pk, was_zero, had_labour, is_zero, has_labour in cursor.fetchall():  # SQLite gives 0 / 1
            verdicts[bool(was_zero), bool(had_labour), bool(is_zero), bool(has_labour)].append(pk)
        if parallel:
            cursor.execute("RESET parallel_setup_cost")
            cursor.execute("RESET parallel_tuple_cost")
        changed = 0
        for (was_zero, had_labour, is_zero, has_labour), pks in sorted(verdicts.items()):
            # Guarded by the flags read: a household refreshed meanwhile (a status change
            # committed since the read) keeps what that refresh wrote.
            where, params = is_one_of("id", pks)
            cursor.execute(
                f"UPDATE {q(household)} SET zero_employment = %s, has_labor = %s"  # noqa: S608
                f" WHERE {where} AND zero_employment = %s AND has_labor = %s",
                [is_zero, has_labour, *params, was_zero, had_labour],
            )
            changed += cursor.rowcount
        # A case for each flagged household without an open one. The households that have one
        # are read once, before anything is written (a materialised CTE): an anti-join against
        # the table being written, planned while it looks empty, scans it once per household,
        # rows written by the statement itself included — quadratic (the first recompute of a
        # 1.5M city took 234 s). Limited to ``ids`` like the rest (an import batch reads its own
        # households' cases, not the city's). ON CONFLICT keeps a concurrent refresh from failing
        # on the unique index of open cases.
        cursor.execute(
            f"WITH has_case AS MATERIALIZED (SELECT household_id FROM {q(case)} WHERE status = %s{cases_in})"  # noqa: S608
            f" INSERT INTO {q(case)} (household_id, region_code, status, opened_on, deadline, close_note)"
            f" SELECT h.id, h.region_id, %s, %s, %s, '' FROM {q(household)} h WHERE h.zero_employment{plain_in}"
            f" AND h.id NOT IN (SELECT household_id FROM has_case)"
            f" ON CONFLICT (household_id) WHERE status = '{CaseStatus.OPEN.value}' DO NOTHING"
            f" RETURNING household_id",
            [CaseStatus.OPEN, *cases_params, CaseStatus.OPEN, on, on + timedelta(days=rule.clear_days), *plain_params],
        )
        opened = [row[0] for row in cursor.fetchall()]
        # Close the open cases of households no longer flagged: the flagged ones come from
        # their partial index (a few per cent of the households), not a scan of them all.
        cursor.execute(
            f"UPDATE {q(case)} SET status = %s, closed_on = %s,"  # noqa: S608
            f" close_note = CASE WHEN (SELECT h.has_labor FROM {q(household)} h WHERE h.id = {q(case)}.household_id)"
            f" THEN %s ELSE %s END"
            f" WHERE {q(case)}.status = %s{cases_in}"
            f" AND {q(case)}.household_id NOT IN (SELECT h.id FROM {q(household)} h WHERE h.zero_employment{plain_in})"
            f" RETURNING {q(case)}.household_id",
            [
                CaseStatus.CLOSED,
                on,
                str(_("已有成员就业")),
                str(_("家庭已无劳动力")),
                CaseStatus.OPEN,
                *cases_params,
                *plain_params,
            ],
        )
        closed = [row[0] for row in cursor.fetchall()]
    return {"changed": changed, "opened_ids": opened, "closed_ids": closed}


# --- persons ----------------------------------------------------------------------------------


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


def _on_record(person: Person, field: str, day: date) -> None:
    """Nothing is recorded for a person from the day he or she died or left the registry on (a
    correction of the time before stays possible)."""
    if person.state != PersonState.ACTIVE and person.state_date is not None and day >= person.state_date:
        raise ValidationError(
            {
                field: _("该人员自 %(date)s 起已%(state)s，此后的情况不再记录。")
                % {"date": person.state_date.isoformat(), "state": person.get_state_display()}
            }
        )


def _lock_person(person: Person) -> None:
    """Writes to one person are serialised: lock the row and read it again, so that the checks
    that follow (the open spell, the open registration, the registry state) see what a clerk who
    got there first has just committed, rather than race it into a duplicate or a 500."""
    person.refresh_from_db(from_queryset=Person.objects.select_for_update())


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


def _check_sensitive_groups(actor: Any, groups: Iterable[str]) -> None:
    """What a user may not see, he or she may not set either (the security label)."""
    barred = sorted(set(groups) & SENSITIVE_GROUPS)
    if barred and actor is not None and not can_view_sensitive(actor):
        labels = dict(KeyGroup.choices)
        raise ValidationError(
            {
                "groups": _("您没有查看敏感信息的授权，不能登记“%(value)s”。")
                % {"value": "、".join(str(labels[g]) for g in barred)}
            }
        )


def _check_choices(model: Any, **values: Any) -> None:
    """Every enumerated value a service is given is one of its field's choices (the forms, the
    API schemas and the import check them too; this is the last line, for every other caller)."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if value in (None, "") and field.blank:
            continue
        if value not in {choice for choice, _label in field.flatchoices}:
            errors[name] = _("“%(value)s”不是有效选项。") % {"value": value}
    if errors:
        raise ValidationError(errors)


def _not_after_today(field: str, day: date) -> None:
    """What has happened is recorded, not what is planned: a date after today is refused."""
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})


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
    _require_writable(actor, household.region_id)
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
    PersonGroup.objects.bulk_create([PersonGroup(person=person, group=g) for g in sorted(set(data.groups))])
    EmploymentSpell.objects.create(
        person=person,
        status=data.status,
        place=data.place or STATUS_PLACE.get(data.status, ""),  # type: ignore[call-overload]
        location=data.location,
        employer_name=data.employer_name,
        employer_credit_code=data.employer_credit_code,
        monthly_income=data.monthly_income,
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
    household_refresh(household=household)
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
    _require_writable(actor, person.region_id)
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
    household_refresh(household=current.household)
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
    _require_writable(actor, person.region_id)
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
    household_refresh(household=current.household)
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
    _require_writable(actor, person.region_id)
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
    _require_writable(actor, person.region_id)
    _lock_person(person)
    _check_choices(EmploymentSpell, status=status, place=place, source=source)
    if start > timezone.localdate():
        raise ValidationError({"start": _("开始日期不能晚于今天。")})
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
    household_refresh(household=person.household)
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


@retrying_atomic
def person_move(*, actor: Any, person: Person, household: Household, effective: date | None = None) -> Person:
    """Move a person to another household (possibly in another village) from ``effective``
    (default today; dated in the person's history): both must be writable."""
    _require_writable(actor, person.region_id)
    _lock_person(person)
    _require_writable(actor, household.region_id)
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
    household_refresh(household=old)
    household_refresh(household=household)
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
    _require_writable(actor, person.region_id)
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
    household_refresh(household=person.household)
    notify_records_changed(Person, since=on)
    return person


# --- registrations ----------------------------------------------------------------------------


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


@retrying_atomic
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
    """就业登记; it also ends an open 失业登记 (reason 已就业). The same act again changes nothing."""
    _require_writable(actor, person.region_id)
    _lock_person(person)
    if not form:
        raise ValidationError({"form": _("请选择就业形式。")})
    _check_choices(Registration, form=form)
    _on_record(person, "date", day)
    if day > timezone.localdate():
        raise ValidationError({"date": _("登记日期不能晚于今天。")})
    outcome, ended = _apply_act(person, registrations.Act(RegistrationKind.EMPLOYMENT, day))
    if outcome.effect == registrations.Effect.NONE:
        return _existing(person, RegistrationKind.EMPLOYMENT, day)
    registration = Registration.objects.create(
        person=person,
        region=region,
        kind=RegistrationKind.EMPLOYMENT,
        date=day,
        urban=bool(region.urban),
        form=form,
        employer_name=employer_name,
        employer_credit_code=employer_credit_code,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if ended is not None:
        _end(ended, day=day, reason=outcome.end_reason)
    audit_record(
        action=actions.EMPLOYMENT_REGISTRATION,
        actor=actor,
        obj=person,
        after={"date": day.isoformat(), "form": form},
    )
    notify_records_changed(Registration, since=day)
    return registration


@retrying_atomic
def registration_unemployment(
    *, actor: Any, person: Person, day: date, reason: str, region: Region, note: str = ""
) -> Registration:
    """失业登记, refused while one is open. The same act again changes nothing."""
    _require_writable(actor, person.region_id)
    _lock_person(person)
    if not reason:
        raise ValidationError({"reason": _("请选择失业原因。")})
    _check_choices(Registration, reason=reason)
    _on_record(person, "date", day)
    if day > timezone.localdate():
        raise ValidationError({"date": _("登记日期不能晚于今天。")})
    outcome, _ended = _apply_act(person, registrations.Act(RegistrationKind.UNEMPLOYMENT, day))
    if outcome.effect == registrations.Effect.NONE:
        return _existing(person, RegistrationKind.UNEMPLOYMENT, day)
    registration = Registration.objects.create(
        person=person,
        region=region,
        kind=RegistrationKind.UNEMPLOYMENT,
        date=day,
        urban=bool(region.urban),
        reason=reason,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action=actions.UNEMPLOYMENT_REGISTRATION,
        actor=actor,
        obj=person,
        after={"date": day.isoformat(), "reason": reason},
    )
    notify_records_changed(Registration, since=day)
    return registration


@retrying_atomic
def registration_end(*, actor: Any, person: Person, day: date, reason: str) -> Registration:
    """失业登记注销."""
    _require_writable(actor, person.region_id)
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


# --- zero-employment cases --------------------------------------------------------------------


@retrying_atomic
def case_assign(*, actor: Any, case: ZeroEmploymentCase, officer: Any) -> None:
    _require_writable(actor, case.household.region_id)
    cases.case_assign(actor=actor, case=case, officer=officer)


@retrying_atomic
def case_add_measure(*, actor: Any, case: ZeroEmploymentCase, kind: str, day: date, note: str = "") -> CaseMeasure:
    _require_writable(actor, case.household.region_id)
    _check_choices(CaseMeasure, kind=kind)
    return cases.case_add_measure(actor=actor, case=case, measure_model=CaseMeasure, kind=kind, day=day, note=note)


# --- revealing personal data ------------------------------------------------------------------


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
