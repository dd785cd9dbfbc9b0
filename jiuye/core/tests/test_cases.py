"""Deadline cases (``core.cases``): the stage of a case on a day, and the steps every case kind
shares, shown on the zero-employment cases that use them now."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.core import cases
from jiuye.core.cases import Stage, stage_on
from jiuye.core.models import AuditEvent
from jiuye.registry.models import CaseMeasure, ZeroEmploymentCase
from jiuye.registry.tests import factories

DEADLINE = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("status", "day", "stage"),
    [
        ("open", date(2026, 6, 1), Stage.OPEN),
        ("open", date(2026, 6, 22), Stage.OPEN),
        ("open", date(2026, 6, 23), Stage.WARNED),  # seven days before, the deadline day included
        ("open", DEADLINE, Stage.WARNED),
        ("open", date(2026, 7, 1), Stage.OVERDUE),
        ("closed", date(2026, 7, 1), Stage.CLOSED),
    ],
)
def test_the_stage_of_a_case_on_a_day(status: str, day: date, stage: Stage) -> None:
    assert stage_on(status=status, deadline=DEADLINE, day=day, warn_days=7) == stage


def test_a_reopened_case_gets_its_new_deadline_from_the_reopening() -> None:
    assert cases.reopen_deadline(closed_on=date(2026, 6, 1), day=date(2026, 6, 10), days=30) == date(2026, 7, 10)
    with pytest.raises(ValidationError):
        cases.reopen_deadline(closed_on=date(2026, 6, 1), day=date(2026, 5, 31), days=30)


@pytest.mark.django_db
def test_zero_employment_cases_are_deadline_cases(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = factories.person(personas["city_admin"], factories.household(personas["city_admin"]))
    case = ZeroEmploymentCase.objects.get(household_id=person.household_id)
    today = timezone.localdate()
    assert case.stage(today) in (Stage.OPEN, Stage.WARNED)
    assert case.stage(case.deadline + timedelta(days=1)) == Stage.OVERDUE
    cases.case_assign(actor=officer, case=case, officer=officer)
    measure = cases.case_add_measure(actor=officer, case=case, measure_model=CaseMeasure, kind="training", day=today)
    assert measure.recorded_by == officer and case.measures.count() == 1
    with pytest.raises(ValidationError):
        cases.case_add_measure(
            actor=officer, case=case, measure_model=CaseMeasure, kind="training", day=today + timedelta(days=1)
        )
    cases.case_close(actor=officer, case=case, on=today, note="已有成员就业")
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.stage()) == ("closed", today, Stage.CLOSED)
    with pytest.raises(ValidationError, match="已办结"):
        cases.case_close(actor=officer, case=case, on=today, note="再次")
    # A zero-employment case follows its household's verdict: never reopened by hand.
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="不能重新开立"):
        cases.case_reopen(actor=officer, case=case, on=today, reason="清零记录有误", days=30)
    assert AuditEvent.objects.count() == events
    actions = list(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"registry.zero_case_assign", "registry.zero_case_measure", "registry.zero_case_close"} <= set(actions)
