"""The registry's definitions as pure functions over plain values (no ORM).

Defaults from IMPORT-TEMPLATES §1 and domain rules §1.7; the parameters live in
``ZeroEmploymentRule`` so a bureau can change them without a release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from jiuye.registry.choices import EmploymentStatus, LaborAbility, PersonState

DEFAULT_EMPLOYED = frozenset(
    {
        EmploymentStatus.IN_COUNTY,
        EmploymentStatus.IN_PROVINCE,
        EmploymentStatus.OUT_OF_PROVINCE,
        EmploymentStatus.SELF_EMPLOYED,
        EmploymentStatus.FLEXIBLE,
        EmploymentStatus.PUBLIC_WELFARE,
    }
)
# What a bureau may count as employed when it sets the rule (never 未就业, 在校学生, 退休或其他).
EMPLOYABLE = frozenset(
    set(EmploymentStatus) - {EmploymentStatus.UNEMPLOYED, EmploymentStatus.STUDENT, EmploymentStatus.RETIRED_OTHER}
)
WITH_ABILITY = frozenset({LaborAbility.SKILLED, LaborAbility.ORDINARY, LaborAbility.WEAK})


@dataclass(frozen=True)
class ZeroRule:
    min_age: int = 16
    max_age: int = 60
    employed: frozenset[str] = DEFAULT_EMPLOYED
    clear_days: int = 30

    def settings(self) -> dict[str, Any]:
        """The parameters as the rule's page, API and audit show them (and the service takes them)."""
        return {
            "min_age": self.min_age,
            "max_age": self.max_age,
            "employed": sorted(self.employed),
            "clear_days": self.clear_days,
        }


@dataclass(frozen=True)
class MemberFacts:
    birth_date: date
    labor_ability: str
    willing: bool
    status: str
    state: str = PersonState.ACTIVE


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_working_age(birth: date, day: date, rule: ZeroRule) -> bool:
    return rule.min_age <= age_on(birth, day) <= rule.max_age


def is_labor(member: MemberFacts, day: date, rule: ZeroRule) -> bool:
    """Of working age, able and willing to work (the household's "labour")."""
    return (
        member.state == PersonState.ACTIVE
        and member.willing
        and member.labor_ability in WITH_ABILITY
        and is_working_age(member.birth_date, day, rule)
    )


def is_employed(member: MemberFacts, rule: ZeroRule) -> bool:
    return member.state == PersonState.ACTIVE and member.status in rule.employed


@dataclass(frozen=True)
class HouseholdVerdict:
    has_labor: bool
    zero_employment: bool


def household_verdict(members: Iterable[MemberFacts], day: date, rule: ZeroRule) -> HouseholdVerdict:
    """零就业家庭: at least one member is labour, and no member is employed."""
    members = list(members)
    labor = any(is_labor(m, day, rule) for m in members)
    employed = any(is_employed(m, rule) for m in members)
    return HouseholdVerdict(has_labor=labor, zero_employment=labor and not employed)
