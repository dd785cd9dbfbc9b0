"""The zero-employment rule as a pure function."""

from __future__ import annotations

from datetime import date

from jiuye.registry.choices import EmploymentStatus as S
from jiuye.registry.choices import LaborAbility as A
from jiuye.registry.choices import PersonState
from jiuye.registry.rules import MemberFacts, ZeroRule, age_on, household_verdict

DAY = date(2026, 6, 30)
RULE = ZeroRule()


def member(
    birth: date = date(1980, 1, 1),
    ability: str = A.ORDINARY,
    willing: bool = True,
    status: str = S.UNEMPLOYED,
    state: str = PersonState.ACTIVE,
) -> MemberFacts:
    return MemberFacts(birth, ability, willing, status, state)


def test_age_counts_whole_years_to_the_day() -> None:
    assert age_on(date(2010, 6, 30), DAY) == 16
    assert age_on(date(2010, 7, 1), DAY) == 15


def test_a_household_with_willing_labour_and_nobody_employed_is_zero_employment() -> None:
    assert household_verdict([member(), member(status=S.FARMING)], DAY, RULE).zero_employment


def test_one_employed_member_of_any_age_clears_it() -> None:
    assert not household_verdict(
        [member(), member(birth=date(1950, 1, 1), status=S.FLEXIBLE)], DAY, RULE
    ).zero_employment


def test_no_labour_means_not_zero_employment() -> None:
    cases = [
        [member(ability=A.LOST)],
        [member(willing=False)],
        [member(birth=date(2010, 7, 1))],  # 15 on the day
        [member(birth=date(1965, 6, 29))],  # 61 on the day
        [member(state=PersonState.DECEASED)],
    ]
    for members in cases:
        verdict = household_verdict(members, DAY, RULE)
        assert not verdict.has_labor and not verdict.zero_employment


def test_the_boundaries_of_working_age_are_inclusive() -> None:
    assert household_verdict([member(birth=date(2010, 6, 30))], DAY, RULE).zero_employment  # 16 today
    assert household_verdict([member(birth=date(1966, 7, 1))], DAY, RULE).zero_employment  # 59, turns 60 tomorrow
    assert household_verdict([member(birth=date(1966, 6, 30))], DAY, RULE).zero_employment  # 60 today
    assert not household_verdict([member(birth=date(1965, 6, 30))], DAY, RULE).has_labor  # 61 today


def test_parameters_change_the_verdict() -> None:
    farming_counts = ZeroRule(employed=frozenset({S.FARMING}))
    assert not household_verdict([member(status=S.FARMING)], DAY, farming_counts).zero_employment
    younger = ZeroRule(max_age=50)
    assert not household_verdict([member(birth=date(1970, 1, 1))], DAY, younger).has_labor
