"""A person's status history follows one rule (``registry.spells``), whether the new status comes
from a clerk's form or API call (``services.status_change``) or from a ledger row (the import)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.core.tests.fuzzing import fuzz_settings
from jiuye.core.text import labels
from jiuye.imports import services as imports
from jiuye.imports.tests.test_registry_import import row, write_csv
from jiuye.registry import services, spells
from jiuye.registry.choices import EmploymentStatus, Source
from jiuye.registry.models import EmploymentSpell, Person
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

SINCE = date(2025, 3, 1)
STATUSES = [
    EmploymentStatus.IN_COUNTY,
    EmploymentStatus.OUT_OF_PROVINCE,
    EmploymentStatus.FLEXIBLE,
    EmploymentStatus.UNEMPLOYED,
]
DETAILS = st.fixed_dictionaries(
    {
        "location": st.sampled_from(["", "广东省东莞市"]),
        "employer_name": st.sampled_from(["", "茶厂"]),
        "monthly_income": st.sampled_from([None, 300000]),
    }
)


def _history(person: Person) -> list[tuple[Any, ...]]:
    return list(
        EmploymentSpell.objects.filter(person=person)
        .order_by("start", "id")
        .values_list("status", "place", "location", "employer_name", "monthly_income", "start", "end")
    )


def test_the_rule_itself() -> None:
    current = spells.SpellFacts("in_county", place="in_county", employer_name="茶厂")
    same = spells.SpellFacts("in_county", employer_name="茶厂")
    other = spells.SpellFacts("flexible")
    plan = spells.plan
    assert plan(current=None, since=None, report=other, start=None, default=SINCE).step == spells.Step.SUCCEED
    assert (
        plan(current=current, since=SINCE, report=same, start=SINCE - timedelta(days=9), default=SINCE).step == "none"
    )
    with pytest.raises(spells.SpellRefused, match="不能早于"):
        plan(current=current, since=SINCE, report=other, start=SINCE - timedelta(days=1), default=SINCE)
    assert plan(current=current, since=SINCE, report=other, start=SINCE, default=SINCE).step == spells.Step.REPLACE
    later = plan(current=current, since=SINCE, report=other, start=date(2025, 6, 1), default=SINCE)
    assert (later.step, later.close_on) == (spells.Step.SUCCEED, date(2025, 5, 31))
    corrected = spells.SpellFacts("in_county", employer_name="茶叶厂")
    assert plan(current=current, since=SINCE, report=corrected, start=None, default=SINCE).step == spells.Step.AMEND


@fuzz_settings()
@given(
    first=st.sampled_from(STATUSES),
    first_details=DETAILS,
    second=st.sampled_from(STATUSES),
    second_details=DETAILS,
    shift=st.sampled_from([-10, 0, 45]),
)
def test_a_form_and_a_ledger_row_make_the_same_history(
    personas: dict[str, User],
    tmp_path_factory: pytest.TempPathFactory,
    first: str,
    first_details: dict[str, Any],
    second: str,
    second_details: dict[str, Any],
    shift: int,
) -> None:
    officer = personas["county_a"]
    start = SINCE + timedelta(days=shift)
    with transaction.atomic():
        by_form, by_file = (
            factories.person(officer, factories.household(officer), status=first, since=SINCE, **first_details)
            for _ in range(2)
        )
        try:
            services.status_change(actor=officer, person=by_form, status=second, start=start, **second_details)
            form_refused = False
        except ValidationError:
            form_refused = True
        income = second_details["monthly_income"]
        line = row(
            **{
                "户编号": by_file.household.number,
                "公民身份号码": by_file.id_number,
                "就业状态": labels(EmploymentStatus)[second],
                "就业地点": second_details["location"],
                "就业单位": second_details["employer_name"],
                "月收入(元)": "" if income is None else str(income // 100),
                "就业开始日期": start.isoformat(),
            }
        )
        path = write_csv(tmp_path_factory.mktemp("row") / "row.csv", [line])
        job = imports.import_run(
            job=imports.import_stage(
                user=officer, source=path, original_name="row.csv", as_of=start + timedelta(days=1)
            )
        )
        assert job.rejected == (1 if form_refused else 0), list(job.row_errors.values_list("reason", flat=True))
        assert _history(by_form) == _history(by_file)
        by_form.refresh_from_db()
        by_file.refresh_from_db()
        assert (by_form.status, by_form.status_since) == (by_file.status, by_file.status_since)
        transaction.set_rollback(True)


def test_a_same_day_correction_keeps_one_spell_both_ways(personas: dict[str, User], tmp_path: Path) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer), status="in_county", since=SINCE)
    services.status_change(actor=officer, person=person, status="flexible", start=SINCE, source=Source.FORM)
    assert [s[0] for s in _history(person)] == ["flexible"]
