"""Build registry rows for tests (the only way other apps' tests should make them)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from jiuye.regions.models import Region
from jiuye.registry import idcard, services
from jiuye.registry.choices import EmploymentStatus, LaborAbility, Relation, Source
from jiuye.registry.models import Household, Person

_sequence = itertools.count(1)


def id_number(*, birth: date = date(1985, 6, 15), region: str = "610924", male: bool = True) -> str:
    n = next(_sequence) % 500
    return idcard.make(region, birth, 2 * n + (1 if male else 0))


def household(actor: Any, *, village: str = "610924100001", number: str | None = None) -> Household:
    region = Region.objects.get(code=village)
    return services.household_get_or_create(actor=actor, region=region, number=number or f"H{next(_sequence):05d}")


def person(
    actor: Any,
    home: Household,
    *,
    relation: str = Relation.HEAD,
    birth: date = date(1985, 6, 15),
    status: str = EmploymentStatus.UNEMPLOYED,
    since: date = date(2025, 1, 1),
    ability: str = LaborAbility.ORDINARY,
    willing: bool = True,
    name: str = "张伟",
    **extra: Any,
) -> Person:
    data = services.PersonInput(
        name=name,
        id_number=extra.pop("id_number", None) or id_number(birth=birth, region=home.region_id[:6]),
        relation=relation,
        labor_ability=ability,
        willing=willing,
        status=status,
        status_since=since,
        source=Source.FORM,
        **extra,
    )
    return services.person_create(actor=actor, household=home, data=data)
