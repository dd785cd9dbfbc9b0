"""The set-based nightly recompute agrees with the household-by-household rule."""

from __future__ import annotations

import io
import json
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.core.tests.fuzzing import fuzz_settings
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


# --- the three forms of the verdict agree -------------------------------------------------------

VILLAGE = "610924100001"
_ids = iter(range(10**6))


def _member() -> st.SearchStrategy[tuple[int | str, int, str, bool, str, str]]:
    """(an age — or one of the rule's edges, named — a shift of a day around the birthday, …)."""
    return st.tuples(
        st.one_of(st.sampled_from(["min-1", "min", "max", "max+1"]), st.integers(0, 90)),
        st.integers(-1, 1),
        st.sampled_from(list(LaborAbility)),
        st.booleans(),
        st.sampled_from(list(EmploymentStatus)),
        st.sampled_from([PersonState.ACTIVE, PersonState.ACTIVE, PersonState.ACTIVE, PersonState.DECEASED]),
    )


RULES = st.builds(
    rules.ZeroRule,
    min_age=st.integers(14, 30),
    max_age=st.integers(45, 75),
    employed=st.frozensets(st.sampled_from(sorted(rules.EMPLOYABLE)), min_size=1),
)


@fuzz_settings()
@given(
    households=st.lists(st.lists(_member(), min_size=0, max_size=5), min_size=1, max_size=25),
    rule=RULES,
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)),
)
def test_the_rule_the_nightly_sql_and_the_statistics_agree_on_every_household(
    households: list[list[tuple[int | str, int, str, bool, str, str]]], rule: rules.ZeroRule, day: date
) -> None:
    """The zero-employment verdict is written once (``rules.household_verdict``); the nightly
    recompute (set-based SQL) and the indicator (polars over a snapshot) are faster forms of it.
    On generated households, members and rule parameters, all three flag the same households."""
    from django.db import transaction

    from jiuye.indicators.snapshot import Snapshot
    from jiuye.registry.indicators import zero_households
    from jiuye.registry.models import EmploymentSpell, ZeroEmploymentRule

    with transaction.atomic():
        ZeroEmploymentRule.objects.all().delete()
        ZeroEmploymentRule.objects.create(
            min_age=rule.min_age, max_age=rule.max_age, employed_statuses=sorted(rule.employed)
        )
        homes = Household.objects.bulk_create(
            [
                Household(region_id=VILLAGE, number=f"P{next(_ids)}", key=f"{VILLAGE}/P{n}-{next(_ids)}")
                for n in range(len(households))
            ]
        )
        edges = {"min-1": rule.min_age - 1, "min": rule.min_age, "max": rule.max_age, "max+1": rule.max_age + 1}

        def birth_of(age: int | str, shift: int) -> date:
            years = edges[age] if isinstance(age, str) else age
            return services._years_before(day, years) + timedelta(days=shift)  # that age's birthday is ``day``

        generated = [[(birth_of(a, s), *rest) for a, s, *rest in members] for members in households]
        persons, expected = [], set()
        for home, members in zip(homes, generated, strict=True):
            facts = [
                rules.MemberFacts(birth, ability, willing, status, state)
                for birth, ability, willing, status, state in members
            ]
            if rules.household_verdict(facts, day, rule).zero_employment:
                expected.add(home.pk)
            for birth, ability, willing, status, state in members:
                n = next(_ids)
                persons.append(
                    Person(
                        household=home,
                        region_id=VILLAGE,
                        relation="other",
                        name="验",
                        id_number=f"X{n}",
                        id_hash=f"h{n}",
                        id_masked="*",
                        gender="M",
                        birth_date=birth,
                        labor_ability=ability,
                        willing=willing,
                        status=status,
                        status_since=date(2000, 1, 1),
                        state=state,
                        state_date=date(2000, 1, 2) if state != PersonState.ACTIVE else None,
                    )
                )
        Person.objects.bulk_create(persons)
        EmploymentSpell.objects.bulk_create(
            [EmploymentSpell(person=p, status=p.status, start=date(2000, 1, 1), source="form") for p in persons]
        )
        ids = [h.pk for h in homes]
        services._recompute_households(on=day, ids=ids)
        by_sql = set(Household.objects.filter(pk__in=ids, zero_employment=True).values_list("pk", flat=True))
        snap = Snapshot(day, prefix=VILLAGE)
        by_polars = set(zero_households(snap, {}).get_column("record_id").to_list()) & set(ids)
        assert by_sql == expected
        assert by_polars == expected
        transaction.set_rollback(True)
