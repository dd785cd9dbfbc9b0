"""One rendering of figures: units by level and size, ceilings by margin, warnings by severity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, TOWN_A
from jiuye.indicators import catalogue, display, targets
from jiuye.indicators.catalogue import Indicator
from jiuye.indicators.models import Target

CITY = "610900000000"
PERIOD = date(2025, 6, 1)


def _indicator(code: str) -> Indicator:
    indicator = catalogue.get(code)
    assert indicator is not None
    return indicator


def _progress(code: str, region: str, target: Decimal, actual: Decimal | None) -> targets.Progress:
    indicator = _indicator(code)
    row = Target(indicator=code, region_code=region, start_year=2025, end_year=2025, value=target)
    share = targets.elapsed_share(2025, 2025, PERIOD)
    light, ratio = targets.light_for(indicator, actual=actual, target=target, share=share)
    return targets.Progress(indicator, row, actual, share, ratio, light)


def test_counts_are_in_persons_below_the_city_and_under_ten_thousand() -> None:
    urban = _indicator("urban_new_employment")
    assert urban.unit == "万人"  # the seed's unit, kept for the city's large figures
    assert display.scale_for(urban, region_code=CITY, values=[Decimal(32000)]).text(Decimal(32000)) == "3.20万人"
    assert display.scale_for(urban, region_code=CITY, values=[Decimal(8200)]).text(Decimal(8200)) == "8,200人"
    assert display.scale_for(urban, region_code=COUNTY_A, values=[Decimal(82000)]).text(Decimal(82000)) == "82,000人"
    assert display.scale_for(urban, region_code=TOWN_A).unit == "人"
    # One unit for a group: a city's 3.2万 beside a target under 1万 is shown in 人 too.
    group = display.scale_for(urban, region_code=CITY, values=[Decimal(32000), Decimal(9000)])
    assert (group.text(Decimal(32000)), group.text(Decimal(9000))) == ("32,000人", "9,000人")
    rate = _indicator("registered_unemployment_rate")
    assert display.scale_for(rate, region_code=COUNTY_A).text(Decimal("3.2449")) == "3.24%"


def test_progress_comes_from_the_exact_figures_not_the_rounded_ones() -> None:
    # 紫阳县: 82 of 100 persons — in 万人 both would read 0.01, and the rate 100 %.
    text = display.progress_text(_progress("urban_new_employment", COUNTY_A, Decimal(100), Decimal(82)))
    assert (text.target, text.actual, text.completion) == ("100人", "82人", "82.0%")
    assert text.summary == "完成 82.0%，序时进度 50.0%"


def test_a_ceiling_is_shown_against_its_margin_not_as_a_completion_rate() -> None:
    under = display.progress_text(_progress("registered_unemployment_rate", COUNTY_A, Decimal(4), Decimal("3.24")))
    assert under.completion == "低 0.76 个百分点" and under.completion_percent is None
    assert under.summary == "控制在目标内，低 0.76 个百分点"
    assert (under.target, under.actual) == ("4.00%", "3.24%")
    over = display.progress_text(_progress("registered_unemployment_rate", COUNTY_A, Decimal(4), Decimal("4.5")))
    assert over.summary == "超出目标，高 0.50 个百分点"
    missing = display.progress_text(_progress("registered_unemployment_rate", COUNTY_A, Decimal(4), None))
    assert missing.completion == "—" and missing.actual == "暂无数据"


def test_warnings_sort_worst_first() -> None:
    rows = [
        _progress("urban_new_employment", COUNTY_A, Decimal(1000), Decimal(480)),  # amber: 48 % of 50 %
        _progress("urban_new_employment", COUNTY_B, Decimal(1000), Decimal(100)),  # red: 10 %
        _progress("urban_new_employment", TOWN_A, Decimal(1000), Decimal(300)),  # red: 30 %
        _progress("registered_unemployment_rate", COUNTY_A, Decimal(4), Decimal(6)),  # red: 50 % over
    ]
    ordered = sorted((display.progress_text(p) for p in rows), key=lambda w: w.severity)
    assert [(w.progress.target.region_code, w.light) for w in ordered] == [
        (COUNTY_A, targets.Light.RED),  # the ceiling exceeded by half
        (COUNTY_B, targets.Light.RED),
        (TOWN_A, targets.Light.RED),
        (COUNTY_A, targets.Light.AMBER),
    ]


@given(st.integers(min_value=0, max_value=10**9))
def test_a_typed_whole_count_is_stored_as_typed(n: int) -> None:
    assert _indicator("urban_new_employment").base.parse(f"{n:,}") == n


@pytest.mark.parametrize("typed", ["0.5", "-1", "x", "Infinity", "1e3000000"])
def test_a_typed_count_that_is_not_whole_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        _indicator("urban_new_employment").base.parse(typed)


@pytest.mark.django_db
def test_the_dashboard_shows_a_county_in_persons_and_the_ten_worst_warnings(
    personas: dict[str, User], client_for: object
) -> None:
    """Twelve lagging targets: the ten worst are listed, the rest behind 全部; tiles in 人."""
    from jiuye.indicators.models import Measurement
    from jiuye.regions.models import Region

    admin = personas["city_admin"]
    urban = _indicator("urban_new_employment")
    towns = list(Region.objects.filter(parent_id=COUNTY_A).order_by("code").values_list("code", flat=True)[:12])
    assert len(towns) == 12
    now = date(2025, 12, 1)
    for n, town in enumerate([COUNTY_A, *towns]):
        Measurement.objects.create(
            indicator=urban.code, region_code=town, period=now, value=n, computed_at=timezone.now()
        )
        targets.target_set(
            actor=admin, indicator=urban, region_code=town, start_year=2025, end_year=2025, value=Decimal(100)
        )
    client: Client = client_for("county_a")  # type: ignore[operator]
    page = client.get(f"/stats/{COUNTY_A}/?period=2025-12&focus=urban_new_employment")
    board = page.context["board"]
    shown = [w.progress.actual for w in board.warnings]
    assert shown == sorted(shown) and len(shown) == 13  # worst (least done) first
    html = page.content.decode()
    listed, rest = html.split('<details class="more">')
    assert listed.count('<li class="light-red">') == 10 and "全部 13 项" in rest
    assert rest.split("</details>")[0].count('<li class="light-red">') == 3
    tile = next(t for t in board.tiles if t.indicator.code == urban.code)
    assert tile.scale.unit == "人" and "万人" not in html.split('class="kpis"')[1].split("</div>")[0]
