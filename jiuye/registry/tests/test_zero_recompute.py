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
