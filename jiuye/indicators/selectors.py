"""Reads for the dashboard, drill-downs and exports — measurements only, always scoped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from jiuye.core.scoping import code_prefix, get_visible_or_404
from jiuye.indicators import catalogue, display, targets
from jiuye.indicators.catalogue import Indicator, Scale
from jiuye.indicators.models import Measurement, PeriodLock, StalePeriod, Target
from jiuye.indicators.services import effective_params, period_end
from jiuye.indicators.snapshot import Snapshot, add_months, month_start
from jiuye.regions.models import Region


def latest_period(region_code: str) -> date | None:
    return Measurement.objects.filter(region_code=region_code).aggregate(p=Max("period"))["p"]


def computed_periods(region_code: str) -> list[date]:
    return list(
        Measurement.objects.filter(region_code=region_code)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


@dataclass
class Tile:
    indicator: Indicator
    region_code: str
    value: Decimal | None
    previous: Decimal | None  # the same month a year earlier
    progress: targets.Progress | None

    @property
    def scale(self) -> Scale:
        """The value and its target in one unit (人 below the city or under 1万)."""
        target = self.progress.target.value if self.progress else None
        return display.scale_for(self.indicator, region_code=self.region_code, values=[self.value, target])

    @property
    def shown(self) -> str:
        return self.scale.number(self.value)

    @property
    def progress_text(self) -> display.ProgressText | None:
        return display.ProgressText(self.progress, self.scale) if self.progress else None


@dataclass
class ChildRow:
    region: Region
    value: Decimal | None
    progress: targets.Progress | None
    rank: int = 0

    @property
    def progress_text(self) -> display.ProgressText | None:
        """In whole persons, as the comparison chart draws the subdivisions."""
        return display.ProgressText(self.progress, self.progress.indicator.base) if self.progress else None


@dataclass
class Dashboard:
    region: Region
    period: date
    focus: Indicator
    tiles: list[Tile]
    table: list[tuple[Indicator, Decimal | None, Scale]]  # every indicator, with the unit it is shown in

    @property
    def chart_scale(self) -> Scale:
        """The focus's trend and its subdivisions' figures, as the charts draw them: in whole
        persons (households) where the headline is in 万."""
        return self.focus.base

    trend: list[tuple[date, Decimal | None]]
    trend_target: Decimal | None
    children: list[ChildRow]
    warnings: list[display.ProgressText]  # the worst first
    periods: list[date]
    locked: bool
    stale: bool
    extra: dict[str, Any] = field(default_factory=dict)


def _one_year_target(candidates: list[Target], code: str, region: str, year: int) -> Target | None:
    """The target that rules a year: the one-year target, else the shortest span covering it."""
    matching = [t for t in candidates if t.indicator == code and t.region_code == region]
    matching.sort(key=lambda t: (t.end_year - t.start_year, t.start_year))
    return matching[0] if matching else None


def dashboard(*, user: Any, region: Region, period: date, focus_code: str | None) -> Dashboard:
    keys = catalogue.key_indicators()
    focus = catalogue.get(focus_code or "") or keys[0]
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    child_codes = [c.code for c in children]
    codes = {i.code for i in keys} | {focus.code}
    year_targets = targets.targets_for([region.code, *child_codes], period)
    first = min([add_months(period, -11), *(date(t.start_year, 1, 1) for t in year_targets)])
    book = targets.MeasurementBook(
        codes | {t.indicator for t in year_targets}, [region.code, *child_codes], first, period
    )
    progress_cache: dict[int, targets.Progress | None] = {}

    def progress(target: Target | None) -> targets.Progress | None:
        if target is None:
            return None
        if target.pk not in progress_cache:
            progress_cache[target.pk] = targets.progress_of(target, period, book)
        return progress_cache[target.pk]

    a_year_ago = add_months(period, -12)
    previous = {
        code: value
        for code, value in Measurement.objects.filter(
            region_code=region.code, period=a_year_ago, indicator__in=codes
        ).values_list("indicator", "value")
    }
    tiles = [
        Tile(
            indicator=i,
            region_code=region.code,
            value=book.at(i.code, region.code, period),
            previous=previous.get(i.code),
            progress=progress(_one_year_target(year_targets, i.code, region.code, period.year)),
        )
        for i in keys
    ]
    all_values = dict(
        Measurement.objects.filter(region_code=region.code, period=period).values_list("indicator", "value")
    )
    # A figure with a tile is shown in the tile's unit (beside its target); the others alone.
    tile_scales = {t.indicator.code: t.scale for t in tiles}
    table = [
        (
            i,
            all_values.get(i.code),
            tile_scales.get(i.code) or display.scale_for(i, region_code=region.code, values=[all_values.get(i.code)]),
        )
        for i in catalogue.all_indicators()
    ]
    trend = [(m, book.at(focus.code, region.code, m)) for m in (add_months(period, -k) for k in range(11, -1, -1))]
    focus_target = _one_year_target(year_targets, focus.code, region.code, period.year)
    rows = [
        ChildRow(
            region=c,
            value=book.at(focus.code, c.code, period),
            progress=progress(_one_year_target(year_targets, focus.code, c.code, period.year)),
        )
        for c in children
    ]
    ranked = sorted(
        (r for r in rows if r.value is not None),
        key=lambda r: (r.progress.ratio if r.progress and r.progress.ratio is not None else r.value) or Decimal(0),
        reverse=focus.direction == catalogue.Direction.HIGHER,
    )
    for n, row in enumerate(ranked, start=1):
        row.rank = n
    rows.sort(key=lambda r: (r.rank == 0, r.rank, r.region.code))
    warnings = [
        display.progress_text(p)
        for p in (progress(t) for t in year_targets)
        if p is not None and p.light in (targets.Light.RED, targets.Light.AMBER)
    ]
    warnings.sort(key=lambda w: (w.severity, w.progress.target.region_code, w.indicator.code))
    return Dashboard(
        region=region,
        period=period,
        focus=focus,
        tiles=tiles,
        table=table,
        trend=trend,
        trend_target=focus_target.value if focus_target else None,
        children=rows,
        warnings=warnings,
        periods=computed_periods(region.code)[:36],
        locked=PeriodLock.objects.filter(period=period, locked=True).exists(),
        stale=StalePeriod.objects.filter(period=period).exists(),
    )


# --- drill-down -------------------------------------------------------------------------------


@dataclass
class Drill:
    indicator: Indicator
    region: Region
    period: date
    stored: Decimal | None
    records: list[tuple[int, int]]  # (record id, sign)

    @property
    def total(self) -> int:
        return sum(sign for _id, sign in self.records)


def drill(*, user: Any, region_code: str, indicator: Indicator, period: date) -> Drill:
    """The records behind one figure: the calculator run on the region's own records (scoped)."""
    region = get_visible_or_404(Region.objects.all(), user, code=region_code)
    period = month_start(period)
    stored = (
        Measurement.objects.filter(indicator=indicator.code, region_code=region.code, period=period)
        .values_list("value", flat=True)
        .first()
    )
    records: list[tuple[int, int]] = []
    if indicator.calculate is not None:
        snap = Snapshot(period_end(period), prefix=code_prefix(region.code))
        frame = indicator.calculate(snap, effective_params(indicator))
        if "sign" not in frame.columns:
            frame = frame.with_columns(sign=1)
        frame = frame.sort(["sign", "record_id"], descending=[True, False])
        records = list(zip(frame["record_id"].to_list(), frame["sign"].to_list(), strict=True))
    return Drill(indicator=indicator, region=region, period=period, stored=stored, records=records)


def default_period(region_code: str) -> date:
    return latest_period(region_code) or month_start(timezone.localdate())
