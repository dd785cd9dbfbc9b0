"""Targets: the cascade's arithmetic, who may set what, progress against time, the colours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, TOWN_A
from jiuye.indicators import catalogue, targets
from jiuye.indicators.catalogue import Indicator
from jiuye.indicators.models import Measurement, Target
from jiuye.regions.models import Region

pytestmark = pytest.mark.django_db
CITY = "610900000000"


def _indicator(code: str) -> Indicator:
    indicator = catalogue.get(code)
    assert indicator is not None
    return indicator


def _measure(code: str, region: str, period: date, value: int | str) -> None:
    Measurement.objects.create(
        indicator=code, region_code=region, period=period, value=Decimal(value), computed_at=timezone.now()
    )


@pytest.mark.parametrize(
    ("start", "end", "period", "share"),
    [
        (2026, 2026, date(2026, 6, 1), Decimal("0.5")),
        (2026, 2026, date(2026, 12, 1), Decimal(1)),
        (2026, 2026, date(2025, 12, 1), Decimal(0)),
        (2021, 2025, date(2023, 6, 1), Decimal(30) / Decimal(60)),
        (2021, 2025, date(2027, 1, 1), Decimal(1)),
    ],
)
def test_elapsed_share(start: int, end: int, period: date, share: Decimal) -> None:
    assert targets.elapsed_share(start, end, period) == share


def test_lights_for_flows_stocks_and_ceilings() -> None:
    flow = _indicator("urban_new_employment")
    half = Decimal("0.5")
    assert targets.light_for(flow, actual=Decimal(50), target=Decimal(100), share=half)[0] == targets.Light.GREEN
    assert targets.light_for(flow, actual=Decimal(46), target=Decimal(100), share=half)[0] == targets.Light.AMBER
    assert targets.light_for(flow, actual=Decimal(44), target=Decimal(100), share=half)[0] == targets.Light.RED
    assert targets.light_for(flow, actual=None, target=Decimal(100), share=half)[0] == targets.Light.NONE
    stock = _indicator("rural_transfer_employment")  # compared with the target itself
    assert targets.light_for(stock, actual=Decimal(95), target=Decimal(100), share=half)[0] == targets.Light.AMBER
    assert targets.light_for(stock, actual=Decimal(100), target=Decimal(100), share=half)[0] == targets.Light.GREEN
    ceiling = _indicator("registered_unemployment_rate")
    assert targets.light_for(ceiling, actual=Decimal("3.99"), target=Decimal(4), share=half)[0] == targets.Light.GREEN
    assert targets.light_for(ceiling, actual=Decimal("4.3"), target=Decimal(4), share=half)[0] == targets.Light.AMBER
    assert targets.light_for(ceiling, actual=Decimal("4.5"), target=Decimal(4), share=half)[0] == targets.Light.RED
    zero = _indicator("zero_employment_households")
    assert targets.light_for(zero, actual=Decimal(0), target=Decimal(0), share=half)[0] == targets.Light.GREEN
    assert targets.light_for(zero, actual=Decimal(1), target=Decimal(0), share=half)[0] == targets.Light.RED


def test_progress_of_a_flow_over_a_five_year_span(personas: dict[str, User]) -> None:
    admin = personas["city_admin"]
    code = "urban_new_employment"
    target = targets.target_set(
        actor=admin, indicator=_indicator(code), region_code=CITY, start_year=2021, end_year=2025, value=Decimal(1000)
    )
    _measure(code, CITY, date(2021, 12, 1), 200)
    _measure(code, CITY, date(2022, 11, 1), 150)  # 2022's last computed month
    _measure(code, CITY, date(2023, 6, 1), 100)
    progress = targets.progress_of(target, date(2023, 6, 1))
    assert progress is not None
    assert progress.actual == 450
    assert progress.share == Decimal(30) / Decimal(60)
    assert progress.light == targets.Light.AMBER  # 45 % done against 50 % of the time
    assert progress.percent == Decimal("45.0")
    # A month not computed yet has no progress rather than a wrong one.
    later = targets.progress_of(target, date(2023, 7, 1))
    assert later is not None and later.light == targets.Light.NONE


def test_split_must_add_up_or_say_why(personas: dict[str, User]) -> None:
    admin = personas["city_admin"]
    indicator = _indicator("urban_new_employment")
    city = Region.objects.get(code=CITY)
    targets.target_set(
        actor=admin, indicator=indicator, region_code=CITY, start_year=2026, end_year=2026, value=Decimal(100)
    )
    with pytest.raises(ValidationError) as refused:
        targets.target_split(
            actor=admin,
            indicator=indicator,
            parent=city,
            start_year=2026,
            end_year=2026,
            parts={COUNTY_A: Decimal(60), COUNTY_B: Decimal(30)},
        )
    assert "不一致" in str(refused.value)
    assert not Target.objects.filter(region_code=COUNTY_A).exists()
    targets.target_split(
        actor=admin,
        indicator=indicator,
        parent=city,
        start_year=2026,
        end_year=2026,
        parts={COUNTY_A: Decimal(60), COUNTY_B: Decimal(30)},
        note="高新区另行下达10人",
    )
    assert Target.objects.get(region_code=COUNTY_A).value == 60
    targets.target_split(
        actor=admin,
        indicator=indicator,
        parent=city,
        start_year=2026,
        end_year=2026,
        parts={COUNTY_A: Decimal(70), COUNTY_B: Decimal(30)},
    )
    assert Target.objects.get(region_code=COUNTY_A).value == 70
    # Rates do not add up: no note needed.
    rate = _indicator("registered_unemployment_rate")
    targets.target_split(
        actor=admin,
        indicator=rate,
        parent=city,
        start_year=2026,
        end_year=2026,
        parts={COUNTY_A: Decimal(4), COUNTY_B: Decimal(4)},
    )
    with pytest.raises(ValidationError):
        targets.target_split(
            actor=admin, indicator=indicator, parent=city, start_year=2026, end_year=2026, parts={TOWN_A: Decimal(1)}
        )  # a town is not a child of the city


def test_targets_come_from_above(personas: dict[str, User]) -> None:
    indicator = _indicator("urban_new_employment")
    county = personas["county_a"]
    assert targets.can_set_target_for(county, TOWN_A)
    assert not targets.can_set_target_for(county, COUNTY_A)  # its own target is the city's to set
    assert not targets.can_set_target_for(county, COUNTY_B)
    assert targets.can_set_target_for(personas["city_admin"], CITY)
    assert not targets.can_set_target_for(personas["leader"], TOWN_A)
    with pytest.raises(ValidationError):
        targets.target_set(
            actor=county, indicator=indicator, region_code=COUNTY_B, start_year=2026, end_year=2026, value=Decimal(1)
        )
    with pytest.raises(ValidationError):
        targets.target_set(
            actor=personas["city_admin"],
            indicator=indicator,
            region_code=CITY,
            start_year=2026,
            end_year=2025,
            value=Decimal(1),
        )
