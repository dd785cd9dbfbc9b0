"""How figures are shown to people — one rendering for the web pages, Excel, Word and PDF.

A count that the city's report gives in 万人 (stored in persons) means nothing as "0.01 万人" for
a county: below the city, or wherever a figure of a group is under 1万, counts are shown in 人
(户). Figures that sit side by side — a value and its target, a target table's columns — share
one unit (never 户 beside 万户). Progress is always computed from the exact stored values; only
the text is rounded.

A ceiling (登记失业率 ≤ 4 %) has no completion rate: it is shown as the value against the ceiling
and the margin ("控制在目标内，低 0.76 个百分点").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jiuye.core.scoping import code_level
from jiuye.indicators.catalogue import Direction, Indicator, Kind, Scale
from jiuye.indicators.targets import Light, Progress

NO_DATA = "暂无数据"
CITY = "city"


def scale_for(indicator: Indicator, *, region_code: str, values: Iterable[Decimal | None] = ()) -> Scale:
    """The unit for related figures of a region: in 人 below the city or when any of them is
    under 1万 (one unit for the whole group)."""
    if indicator.base == indicator.headline:
        return indicator.headline
    if code_level(region_code) != CITY or any(v is not None and abs(v) < indicator.scale for v in values):
        return indicator.base
    return indicator.headline


def percent(progress: Progress) -> str:
    return "—" if progress.percent is None else f"{progress.percent}%"


@dataclass(frozen=True)
class ProgressText:
    """A target's progress as text, all in one unit."""

    progress: Progress
    scale: Scale

    @property
    def indicator(self) -> Indicator:
        return self.progress.indicator

    @property
    def light(self) -> Light:
        return self.progress.light

    @property
    def is_ceiling(self) -> bool:
        return self.indicator.direction == Direction.CEILING

    @property
    def target(self) -> str:
        return self.scale.text(self.progress.target.value)

    @property
    def actual(self) -> str:
        return self.scale.text(self.progress.actual, missing=NO_DATA)

    @property
    def completion_percent(self) -> Decimal | None:
        """完成率 in per cent, a number (a spreadsheet's cell); none for a ceiling."""
        return None if self.is_ceiling else self.progress.percent

    @property
    def completion(self) -> str:
        """完成率 for a target to reach; for a ceiling the margin to it (低/高 X 个百分点)."""
        if not self.is_ceiling:
            return percent(self.progress)
        return self.margin or "—"

    @property
    def margin(self) -> str:
        """How far a ceiling's value is below (or above) it, in the figures' unit."""
        actual = self.progress.actual
        if actual is None:
            return ""
        gap = self.progress.target.value - actual
        number = self.scale.number(abs(gap))
        if gap >= 0:
            return _("低 %(gap)s %(unit)s") % {"gap": number, "unit": self.scale.difference_unit}
        return _("高 %(gap)s %(unit)s") % {"gap": number, "unit": self.scale.difference_unit}

    @property
    def status(self) -> str:
        return str(self.progress.light_label)

    @property
    def summary(self) -> str:
        """One line: "完成 82.0%，序时进度 91.7%" or "控制在目标内，低 0.76 个百分点"."""
        if self.progress.actual is None:
            return self.status
        if self.is_ceiling:
            return f"{self.status}，{self.margin}"
        return _("完成 %(done)s，序时进度 %(share)s%%") % {
            "done": percent(self.progress),
            "share": self.progress.share_percent,
        }

    @property
    def severity(self) -> tuple[int, Decimal]:
        """For sorting warnings, worst first: red before amber, then the furthest behind."""
        rank = {Light.RED: 0, Light.AMBER: 1}.get(self.light, 2)
        return rank, behind(self.progress)


def behind(progress: Progress) -> Decimal:
    """How far behind a target is, as a share (smaller is worse): completion minus the share of
    time elapsed; for a ceiling, minus the relative excess over it."""
    target = progress.target.value
    actual = progress.actual
    if actual is None:
        return Decimal(0)
    if progress.indicator.direction == Direction.CEILING:
        return (target - actual) / target if target else -actual
    ratio = progress.ratio if progress.ratio is not None else Decimal(1)
    expected = progress.share if progress.indicator.kind == Kind.FLOW else Decimal(1)
    return ratio - expected


def progress_text(progress: Progress) -> ProgressText:
    values = (progress.target.value, progress.actual)
    return ProgressText(progress, scale_for(progress.indicator, region_code=progress.target.region_code, values=values))


def figure(indicator: Indicator, stored: Decimal | None, *, region_code: str, missing: str = NO_DATA) -> str:
    """One figure of a region, with its unit."""
    return scale_for(indicator, region_code=region_code, values=[stored]).text(stored, missing=missing)
