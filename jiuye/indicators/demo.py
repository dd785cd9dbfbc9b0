"""Statistics for the demo city: 城镇从业人员 entered per county (a labelled demo figure),
targets for the city split among its counties, and the measurements of the last months."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jiuye.indicators import catalogue, services, targets
from jiuye.indicators.models import EnteredValue, Measurement, Target
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.regions.models import Region

DEMO_SOURCE = "演示数据（虚构，仅供演示）"

# Targets as multiples of what the registry showed at the end of the previous year, so that the
# demo shows every colour of progress. Ceilings are the seed's (登记失业率 4%, 零就业 0).
GROWTH = {
    "urban_new_employment": Decimal("1.10"),
    "rural_transfer_employment": Decimal("1.02"),
    "poverty_alleviated_working": Decimal("1.03"),
}
CEILINGS = {"registered_unemployment_rate": Decimal(4), "zero_employment_households": Decimal(0)}


def seed(*, actor: Any, as_of: date, months: int = 13) -> dict[str, Any]:
    city = Region.objects.filter(level="city").order_by("code").first()
    if city is None:
        return {"skipped": "no regions"}
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    first = add_months(month_start(as_of), -(months - 1))
    periods = [add_months(first, k) for k in range(months)]
    if not EnteredValue.objects.exists():
        # Entered once a year (an entry holds for twelve months): the first month shown, and January.
        for period in sorted({periods[0], date(as_of.year, 1, 1)}):
            _enter_urban_employed(actor, counties, period)
    computed = [p for p in periods if not Measurement.objects.filter(period=p).exists()]
    for period in computed:
        services.compute_period(period)
    if not Target.objects.exists():
        _targets(actor, city, counties, as_of.year)
    return {"computed_months": [p.strftime("%Y-%m") for p in computed], "targets": Target.objects.count()}


def _enter_urban_employed(actor: Any, counties: list[Region], period: date) -> None:
    """A denominator for 登记失业率: ten times the urban workers the demo registry holds."""
    workers = services.compute_figures(period, indicators=[catalogue.get("willing_employed")])  # type: ignore[list-item]
    indicator = catalogue.get("urban_employed")
    if indicator is None:
        return
    for county in counties:
        value = (workers.get("willing_employed", county.code) or Decimal(0)) * 10 + 1000
        services.entered_value_set(
            actor=actor, indicator=indicator, region_code=county.code, period=period, value=value, source=DEMO_SOURCE
        )


def _targets(actor: Any, city: Region, counties: list[Region], year: int) -> None:
    base = date(year - 1, 12, 1)
    if not Measurement.objects.filter(period=base).exists():
        services.compute_period(base)
    for code, growth in GROWTH.items():
        indicator = catalogue.get(code)
        if indicator is None:
            continue
        values = dict(
            Measurement.objects.filter(
                indicator=code, period=base, region_code__in=[c.code for c in counties]
            ).values_list("region_code", "value")
        )
        parts = {
            c.code: (values.get(c.code, Decimal(0)) * growth).quantize(Decimal(1), ROUND_HALF_UP) for c in counties
        }
        targets.target_set(
            actor=actor,
            indicator=indicator,
            region_code=city.code,
            start_year=year,
            end_year=year,
            value=sum(parts.values(), Decimal(0)),
            note="演示目标",
        )
        targets.target_split(actor=actor, indicator=indicator, parent=city, start_year=year, end_year=year, parts=parts)
    for code, ceiling in CEILINGS.items():
        indicator = catalogue.get(code)
        if indicator is None:
            continue
        for region in [city, *counties]:
            targets.target_set(
                actor=actor, indicator=indicator, region_code=region.code, start_year=year, end_year=year, value=ceiling
            )
