"""零就业家庭: the rule's parameters, the verdict of one household, of some (an import batch) and of all (the nightly set-based recompute), and the cases that follow it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import cases
from jiuye.core.audit import audit_record
from jiuye.core.bulk import is_one_of
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.registry import actions, rules
from jiuye.registry.choices import (
    CaseStatus,
    EmploymentStatus,
    PersonState,
)
from jiuye.registry.models import (
    CaseMeasure,
    Household,
    Person,
    ZeroEmploymentCase,
    ZeroEmploymentRule,
)
from jiuye.registry.services.common import _check_choices


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


@retrying_atomic
def case_assign(*, actor: Any, case: ZeroEmploymentCase, officer: Any) -> None:
    require_writable(actor, case.household.region_id)
    cases.case_assign(actor=actor, case=case, officer=officer)


@retrying_atomic
def case_add_measure(*, actor: Any, case: ZeroEmploymentCase, kind: str, day: date, note: str = "") -> CaseMeasure:
    require_writable(actor, case.household.region_id)
    _check_choices(CaseMeasure, kind=kind)
    return cases.case_add_measure(actor=actor, case=case, measure_model=CaseMeasure, kind=kind, day=day, note=note)
