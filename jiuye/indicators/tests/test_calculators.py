"""Each calculator against a small hand-built registry with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, TOWN_A, VILLAGE_A
from jiuye.indicators import catalogue, records, services
from jiuye.indicators.catalogue import Indicator
from jiuye.indicators.models import EnteredValue
from jiuye.registry import services as registry
from jiuye.registry.choices import EmploymentForm, EmploymentStatus, KeyGroup, LaborAbility, PersonState
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

RURAL_VILLAGE = "610924100200"  # 新桃村委会, under 紫阳县城关镇
CITY = "610900000000"
PERIOD = date(2026, 6, 1)  # figures describe 2026-06-30
TODAY = date(2026, 11, 27)


def _compute(code: str, period: date = PERIOD) -> dict[str, Decimal]:
    indicator = catalogue.get(code)
    assert indicator is not None
    figures = services.compute_figures(period, indicators=_with_inputs(indicator), today=TODAY)
    return figures.values[code]


def _with_inputs(indicator: Indicator) -> list[Indicator]:
    found = [catalogue.get(code) for code in indicator.inputs]
    return [*[i for i in found if i is not None], indicator]


@pytest.fixture
def admin(personas: dict[str, User]) -> User:
    return personas["city_admin"]


def test_the_rural_village_of_the_fixture_is_rural() -> None:
    from jiuye.regions.models import Region

    assert Region.objects.get(code=RURAL_VILLAGE).urban is False
    assert Region.objects.get(code=VILLAGE_A).urban is True


def test_rural_transfer_counts_rural_non_farm_workers_of_working_age_on_the_day(admin: User) -> None:
    home = factories.household(admin, village=RURAL_VILLAGE)
    factories.person(admin, home, status=EmploymentStatus.OUT_OF_PROVINCE, since=date(2026, 1, 1))  # counts
    factories.person(
        admin, home, relation="spouse", status=EmploymentStatus.FARMING, since=date(2026, 1, 1)
    )  # farming: no
    late = factories.person(admin, home, relation="child", status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1))
    registry.status_change(
        actor=admin, person=late, status=EmploymentStatus.IN_COUNTY, start=date(2026, 7, 1)
    )  # after June
    early = factories.person(admin, home, relation="child", status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1))
    registry.status_change(
        actor=admin, person=early, status=EmploymentStatus.FLEXIBLE, start=date(2026, 6, 30)
    )  # the last day counts
    factories.person(
        admin,
        home,
        relation="parent",
        birth=date(1960, 1, 1),
        status=EmploymentStatus.IN_COUNTY,
        since=date(2026, 1, 1),
    )  # 66 on the day: over age
    urban_home = factories.household(admin, village=VILLAGE_A)
    factories.person(admin, urban_home, status=EmploymentStatus.IN_COUNTY, since=date(2026, 1, 1))  # urban: no
    values = _compute("rural_transfer_employment")
    assert values[RURAL_VILLAGE] == 2
    assert values[TOWN_A] == 2 and values[COUNTY_A] == 2 and values[CITY] == 2
    assert values[VILLAGE_A] == 0
    assert _compute("rural_transfer_employment", date(2026, 7, 1))[RURAL_VILLAGE] == 3


def test_rural_transfer_parameters_change_the_definition(admin: User) -> None:
    home = factories.household(admin, village=RURAL_VILLAGE)
    factories.person(admin, home, status=EmploymentStatus.PUBLIC_WELFARE, since=date(2026, 1, 1))
    urban_home = factories.household(admin, village=VILLAGE_A)
    factories.person(admin, urban_home, status=EmploymentStatus.IN_COUNTY, since=date(2026, 1, 1))
    assert _compute("rural_transfer_employment")[CITY] == 2 - 1  # the urban worker is left out
    indicator = catalogue.get("rural_transfer_employment")
    assert indicator is not None
    services.params_update(actor=admin, indicator=indicator, params={"rural_only": False})
    assert _compute("rural_transfer_employment")[CITY] == 2
    services.params_update(actor=admin, indicator=indicator, params={"statuses": [EmploymentStatus.IN_COUNTY]})
    assert _compute("rural_transfer_employment")[CITY] == 1  # public-welfare posts no longer count


def test_urban_new_employment_counts_each_person_once_a_year_with_optional_attrition(admin: User) -> None:
    home = factories.household(admin, village=VILLAGE_A)
    a = factories.person(admin, home)
    b = factories.person(admin, home, relation="spouse")
    c = factories.person(admin, home, relation="child")
    registry.registration_employment(
        actor=admin, person=a, day=date(2026, 2, 1), form=EmploymentForm.EMPLOYER, region=home.region
    )
    registry.registration_employment(
        actor=admin, person=a, day=date(2026, 5, 1), form=EmploymentForm.FLEXIBLE, region=home.region
    )
    registry.registration_employment(
        actor=admin, person=b, day=date(2025, 12, 31), form=EmploymentForm.EMPLOYER, region=home.region
    )  # last year
    registry.registration_employment(
        actor=admin, person=c, day=date(2026, 7, 2), form=EmploymentForm.EMPLOYER, region=home.region
    )  # after June
    rural = factories.household(admin, village=RURAL_VILLAGE)
    d = factories.person(admin, rural)
    registry.registration_employment(
        actor=admin, person=d, day=date(2026, 3, 1), form=EmploymentForm.EMPLOYER, region=rural.region
    )  # rural registration
    assert _compute("urban_new_employment")[CITY] == 1
    assert _compute("urban_new_employment", date(2026, 7, 1))[CITY] == 2
    assert _compute("urban_new_employment", date(2025, 12, 1))[CITY] == 1  # b, in 2025
    # 自然减员 deducted only when the parameter says so
    registry.person_set_state(actor=admin, person=b, state=PersonState.DECEASED, on=date(2026, 4, 1))
    indicator = catalogue.get("urban_new_employment")
    assert indicator is not None
    assert _compute("urban_new_employment")[CITY] == 1
    services.params_update(actor=admin, indicator=indicator, params={"deduct_attrition": True})
    assert _compute("urban_new_employment")[CITY] == 0
    services.params_update(
        actor=admin, indicator=indicator, params={"deduct_attrition": False, "forms": [EmploymentForm.FLEXIBLE]}
    )
    assert _compute("urban_new_employment")[CITY] == 1  # a counts through the flexible registration only


def test_registered_unemployment_rate_formula(admin: User) -> None:
    home = factories.household(admin, village=VILLAGE_A)
    people = [factories.person(admin, home, relation="head" if n == 0 else "child") for n in range(3)]
    for person in people:
        registry.registration_unemployment(
            actor=admin, person=person, day=date(2026, 3, 1), reason="other", region=home.region
        )
    registry.registration_end(actor=admin, person=people[0], day=date(2026, 5, 10), reason="employed")
    registry.registration_end(
        actor=admin, person=people[1], day=date(2026, 7, 10), reason="employed"
    )  # still open on 30 June
    assert _compute("registered_unemployed")[COUNTY_A] == 2
    # No 城镇从业人员 entered: the rate is absent, not zero.
    assert COUNTY_A not in _compute("registered_unemployment_rate")
    EnteredValue.objects.create(
        indicator="urban_employed",
        region_code=COUNTY_A,
        period=date(2026, 1, 1),
        value=Decimal(98),
        source="县统计局",
        entered_by=admin,
    )
    rate = _compute("registered_unemployment_rate")[COUNTY_A]
    assert rate == Decimal("2.0000")  # 2 ÷ (98 + 2) × 100
    indicator = catalogue.get("registered_unemployment_rate")
    assert indicator is not None and indicator.format(rate) == "2.00"
    assert services.compute_figures(PERIOD, today=TODAY).get("registered_unemployment_rate", TOWN_A) is None


def test_entered_values_complete_upward_only_when_every_child_has_one(admin: User) -> None:
    from jiuye.indicators.regiontree import RegionTree
    from jiuye.regions.models import Region

    tree = RegionTree.load()
    counties = list(Region.objects.filter(parent_id=CITY).values_list("code", flat=True))
    indicator = catalogue.get("urban_employed")
    assert indicator is not None
    for code in counties[:-1]:
        EnteredValue.objects.create(
            indicator="urban_employed",
            region_code=code,
            period=PERIOD,
            value=Decimal(10),
            source="统计局",
            entered_by=admin,
        )
    assert CITY not in services._entered_values(indicator, PERIOD, tree)
    EnteredValue.objects.create(
        indicator="urban_employed",
        region_code=counties[-1],
        period=PERIOD,
        value=Decimal(5),
        source="统计局",
        entered_by=admin,
    )
    assert services._entered_values(indicator, PERIOD, tree)[CITY] == 10 * (len(counties) - 1) + 5
    # An entry older than twelve months is not carried forward.
    assert CITY not in services._entered_values(indicator, date(2027, 6, 1), tree)


def _family(admin: User, village: str, statuses: list[str], **extra: Any) -> Any:
    home = factories.household(admin, village=village, **extra)
    for n, status in enumerate(statuses):
        factories.person(admin, home, relation="head" if n == 0 else "child", status=status, since=date(2026, 1, 1))
    return home


def test_zero_employment_households_at_the_period_end(admin: User) -> None:
    zero = _family(admin, VILLAGE_A, [EmploymentStatus.UNEMPLOYED, EmploymentStatus.UNEMPLOYED])
    _family(admin, VILLAGE_A, [EmploymentStatus.UNEMPLOYED, EmploymentStatus.IN_COUNTY])  # someone works
    no_labour = factories.household(admin, village=VILLAGE_A)
    factories.person(
        admin, no_labour, ability=LaborAbility.LOST, status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1)
    )
    cleared_later = _family(admin, RURAL_VILLAGE, [EmploymentStatus.UNEMPLOYED])
    head = cleared_later.members.get()
    registry.status_change(actor=admin, person=head, status=EmploymentStatus.IN_PROVINCE, start=date(2026, 8, 1))
    june = _compute("zero_employment_households")
    assert june[VILLAGE_A] == 1 and june[RURAL_VILLAGE] == 1 and june[COUNTY_A] == 2
    august = _compute("zero_employment_households", date(2026, 8, 1))
    assert august[COUNTY_A] == 1
    assert zero.pk in _drill_ids("zero_employment_households", VILLAGE_A)


def _drill_ids(code: str, region: str, period: date = PERIOD) -> list[int]:
    from jiuye.core.scoping import code_prefix
    from jiuye.indicators.snapshot import Snapshot

    indicator = catalogue.get(code)
    assert indicator is not None and indicator.calculate is not None
    frame = indicator.calculate(
        Snapshot(services.period_end(period, today=TODAY), prefix=code_prefix(region)),
        services.effective_params(indicator),
    )
    return frame["record_id"].to_list()


def test_relocated_households(admin: User) -> None:
    site = _family(admin, RURAL_VILLAGE, [EmploymentStatus.UNEMPLOYED, EmploymentStatus.FLEXIBLE])
    site.relocation_site = "城关安置点"
    site.save()
    group_only = factories.household(admin, village=RURAL_VILLAGE)
    factories.person(
        admin, group_only, status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1), groups=[KeyGroup.RELOCATED]
    )
    _family(admin, RURAL_VILLAGE, [EmploymentStatus.UNEMPLOYED])  # not relocated
    assert _compute("relocated_households_with_labour")[RURAL_VILLAGE] == 2
    assert _compute("relocated_zero_cleared")[RURAL_VILLAGE] == 1
    assert _compute("relocated_zero_households")[RURAL_VILLAGE] == 1
    relocated = catalogue.get("relocated_zero_cleared")
    assert relocated is not None and relocated.format(Decimal(1)) == "0.00"  # 万户, two decimals


def test_group_indicators(admin: User) -> None:
    home = factories.household(admin, village=RURAL_VILLAGE)
    factories.person(
        admin,
        home,
        status=EmploymentStatus.OUT_OF_PROVINCE,
        since=date(2026, 1, 1),
        groups=[KeyGroup.POVERTY_ALLEVIATED],
    )
    factories.person(
        admin,
        home,
        relation="spouse",
        status=EmploymentStatus.UNEMPLOYED,
        since=date(2026, 1, 1),
        groups=[KeyGroup.POVERTY_ALLEVIATED, KeyGroup.HARD_TO_EMPLOY],
    )
    welfare = factories.person(
        admin,
        home,
        relation="child",
        status=EmploymentStatus.PUBLIC_WELFARE,
        since=date(2026, 2, 1),
        groups=[KeyGroup.HARD_TO_EMPLOY],
    )
    registry.status_change(actor=admin, person=welfare, status=EmploymentStatus.UNEMPLOYED, start=date(2026, 4, 1))
    factories.person(
        admin,
        home,
        relation="child",
        status=EmploymentStatus.IN_COUNTY,
        since=date(2026, 1, 1),
        groups=[KeyGroup.RELOCATED],
    )
    assert _compute("poverty_alleviated_working")[RURAL_VILLAGE] == 1
    assert _compute("public_welfare_placement")[RURAL_VILLAGE] == 1  # held a post between January and June
    assert _compute("public_welfare_placement", date(2025, 12, 1))[RURAL_VILLAGE] == 0
    assert _compute("relocated_employment")[RURAL_VILLAGE] == 1
    assert _compute("labour_force.poverty_alleviated")[RURAL_VILLAGE] == 2
    assert _compute("labour_force.hard_to_employ")[RURAL_VILLAGE] == 2
    assert _compute("labour_force")[RURAL_VILLAGE] == 4


def test_willing_employment_rate(admin: User) -> None:
    home = factories.household(admin, village=VILLAGE_A)
    factories.person(admin, home, status=EmploymentStatus.IN_COUNTY, since=date(2026, 1, 1))
    factories.person(admin, home, relation="spouse", status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1))
    factories.person(admin, home, relation="child", status=EmploymentStatus.FLEXIBLE, since=date(2026, 1, 1))
    factories.person(
        admin, home, relation="child", willing=False, status=EmploymentStatus.UNEMPLOYED, since=date(2026, 1, 1)
    )
    figures = services.compute_figures(PERIOD, today=TODAY)
    assert figures.get("willing_labour", VILLAGE_A) == 3
    assert figures.get("willing_employed", VILLAGE_A) == 2
    assert figures.get("willing_not_employed", VILLAGE_A) == 1
    assert catalogue.get("willing_employment_rate").format(figures.get("willing_employment_rate", VILLAGE_A)) == "66.67"  # type: ignore[union-attr]


def test_a_person_who_left_the_registry_counts_until_the_day_he_left(admin: User) -> None:
    home = factories.household(admin, village=RURAL_VILLAGE)
    person = factories.person(admin, home, status=EmploymentStatus.OUT_OF_PROVINCE, since=date(2026, 1, 1))
    registry.person_set_state(actor=admin, person=person, state=PersonState.MOVED_OUT, on=date(2026, 7, 15))
    assert _compute("rural_transfer_employment")[RURAL_VILLAGE] == 1
    assert _compute("rural_transfer_employment", date(2026, 8, 1))[RURAL_VILLAGE] == 0


def test_the_catalogue_is_complete_and_well_formed() -> None:
    codes = [i.code for i in catalogue.all_indicators()]
    assert len(codes) == len(set(codes))
    for indicator in catalogue.all_indicators():
        assert str(indicator.name) and str(indicator.unit) and str(indicator.definition)
        assert all(code in codes[: codes.index(indicator.code)] for code in indicator.inputs)
        if indicator.calculate:  # a drill-down can list its records: some app shows that kind
            assert records.source_for(indicator.records) is not None, indicator.code
    with pytest.raises(ValueError):
        Indicator(code="x", name="x", unit="人", definition="x")  # no way to compute
