"""The set-based nightly recompute agrees with the household-by-household rule."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import pytest
from django.core.management import call_command

from jiuye.accounts.models import User
from jiuye.registry import rules, services
from jiuye.registry.choices import CaseStatus, EmploymentStatus, LaborAbility, PersonState
from jiuye.registry.models import Household, Person, ZeroEmploymentCase
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db


def test_recompute_all_matches_the_rule_and_keeps_cases_in_step(personas: dict[str, User]) -> None:
    admin = personas["city_admin"]
    rng = random.Random(11)
    for _ in range(40):
        home = factories.household(admin, village=rng.choice(["610924100001", "610924100200"]))
        for n in range(rng.randint(1, 4)):
            factories.person(
                admin,
                home,
                relation="head" if n == 0 else "child",
                birth=date(rng.choice([1950, 1966, 1967, 1985, 2009, 2010]), rng.randint(1, 12), rng.randint(1, 28)),
                status=rng.choice(list(EmploymentStatus)),
                ability=rng.choice(list(LaborAbility)),
                willing=rng.random() < 0.8,
            )
    # Scramble the stored flags, as if time had passed with nothing recorded.
    Household.objects.update(zero_employment=False, has_labor=True)
    person = Person.objects.order_by("pk").first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(state=PersonState.DECEASED)
    on = date(2027, 3, 1)  # some members change age band by then
    result = services.households_recompute_all(on=on)
    rule = services.zero_rule()
    expected_zero = set()
    for home in Household.objects.all():
        facts = [
            rules.MemberFacts(p.birth_date, p.labor_ability, p.willing, p.status, p.state) for p in home.members.all()
        ]
        verdict = rules.household_verdict(facts, on, rule)
        assert (home.zero_employment, home.has_labor) == (verdict.zero_employment, verdict.has_labor), home.pk
        if verdict.zero_employment:
            expected_zero.add(home.pk)
    assert result["flagged"] == len(expected_zero)
    open_cases = set(ZeroEmploymentCase.objects.filter(status=CaseStatus.OPEN).values_list("household_id", flat=True))
    assert open_cases == expected_zero
    again = services.households_recompute_all(on=on)
    assert again == {"flagged": len(expected_zero), "changed": 0, "opened": 0, "closed": 0}
    out = io.StringIO()
    call_command("refresh_zero_employment", stdout=out)
    assert "flagged" in json.loads(out.getvalue())


def test_recompute_keeps_what_a_refresh_wrote_between_its_read_and_its_write(personas: dict[str, User]) -> None:
    """The recompute reads the households to change, then writes them guarded by the flags it
    read: a household whose flags changed in between (a status change's own refresh, committed
    meanwhile) is left as that refresh wrote it, and the others are still written."""
    from django.db import connection

    admin = personas["city_admin"]
    raced, other = factories.household(admin), factories.household(admin)
    for home in (raced, other):
        factories.person(admin, home, relation="head", status=EmploymentStatus.UNEMPLOYED)
    Household.objects.update(zero_employment=False, has_labor=False)  # both stale: should be flagged

    def concurrent_refresh(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        # The moment the recompute starts writing households, the other writer has just
        # committed its own verdict for one of them (here: as if its member had found work).
        if sql.startswith("UPDATE") and "SET zero_employment" in sql and not raced_once:
            raced_once.append(True)
            Household.objects.filter(pk=raced.pk).update(zero_employment=False, has_labor=True)
        return execute(sql, params, many, context)

    raced_once: list[bool] = []
    with connection.execute_wrapper(concurrent_refresh):
        result = services.households_recompute_all()
    assert raced_once
    raced.refresh_from_db()
    other.refresh_from_db()
    assert (raced.zero_employment, raced.has_labor) == (False, True)
    assert (other.zero_employment, other.has_labor) == (True, True)
    assert result["changed"] == 1
    assert set(ZeroEmploymentCase.objects.filter(status=CaseStatus.OPEN).values_list("household_id", flat=True)) == {
        other.pk
    }
