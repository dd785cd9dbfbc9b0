"""目标责任制: targets by region and span of years, their cascade, and progress against time.

Progress (序时进度): for a flow (counted through the year) the actual figure is compared with
the share of the span elapsed — green at or ahead of it, amber within 10 % behind, red further
behind. A stock is compared with the target itself. A ceiling (登记失业率 ≤ 4 %) is green at
or below the target, amber up to 10 % above it, red beyond.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import code_prefix, write_prefix
from jiuye.indicators import actions, catalogue
from jiuye.indicators.catalogue import Direction, Indicator, Kind
from jiuye.indicators.models import Measurement, Target
from jiuye.regions.models import Region

AMBER_MARGIN = Decimal("0.9")
CEILING_MARGIN = Decimal("1.1")


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"


LIGHT_LABELS = {
    Light.GREEN: gettext_lazy("达到序时进度"),
    Light.AMBER: gettext_lazy("略低于序时进度"),
    Light.RED: gettext_lazy("明显滞后"),
    Light.NONE: gettext_lazy("暂无数据"),
}
CEILING_LABELS = {
    Light.GREEN: gettext_lazy("控制在目标内"),
    Light.AMBER: gettext_lazy("略超目标"),
    Light.RED: gettext_lazy("超出目标"),
    Light.NONE: gettext_lazy("暂无数据"),
}


def elapsed_share(start_year: int, end_year: int, period: date) -> Decimal:
    """The share of the span's months elapsed at the end of ``period`` (0 to 1)."""
    total = (end_year - start_year + 1) * 12
    done = (period.year - start_year) * 12 + period.month
    return Decimal(min(max(done, 0), total)) / Decimal(total)


def light_for(
    indicator: Indicator, *, actual: Decimal | None, target: Decimal, share: Decimal
) -> tuple[Light, Decimal | None]:
    """The colour and the completion ratio (actual ÷ target) of one target."""
    if actual is None:
        return Light.NONE, None
    ratio = actual / target if target else None
    if indicator.direction == Direction.CEILING:
        if actual <= target:
            return Light.GREEN, ratio
        return (Light.AMBER if target and actual <= target * CEILING_MARGIN else Light.RED), ratio
    expected = share if indicator.kind == Kind.FLOW else Decimal(1)
    if ratio is None:
        return Light.GREEN, ratio
    if ratio >= expected:
        return Light.GREEN, ratio
    return (Light.AMBER if ratio >= expected * AMBER_MARGIN else Light.RED), ratio


class MeasurementBook:
    """The measurements a page needs, read in one query: (indicator, region) → month → value."""

    def __init__(self, codes: Iterable[str], regions: Iterable[str], first: date, last: date) -> None:
        self.values: dict[tuple[str, str], dict[date, Decimal]] = {}
        for code, region, period, value in Measurement.objects.filter(
            indicator__in=list(codes), region_code__in=list(regions), period__gte=first, period__lte=last
        ).values_list("indicator", "region_code", "period", "value"):
            self.values.setdefault((code, region), {})[period] = value

    def at(self, code: str, region: str, period: date) -> Decimal | None:
        return self.values.get((code, region), {}).get(period)

    def year_latest(self, code: str, region: str, year: int, limit: date) -> tuple[date, Decimal] | None:
        months = [p for p in self.values.get((code, region), {}) if p.year == year and p <= limit]
        if not months:
            return None
        latest = max(months)
        return latest, self.values[(code, region)][latest]


def actual_for(
    indicator: Indicator, region_code: str, start_year: int, end_year: int, period: date, book: MeasurementBook
) -> Decimal | None:
    """The figure that counts against a target at ``period``: a flow sums the years of the span
    (each year's last measured month), a stock is the month's value."""
    if indicator.kind == Kind.STOCK or not indicator.additive:
        return book.at(indicator.code, region_code, period)
    if min(end_year, period.year) < start_year:
        return None
    total, found = Decimal(0), False
    for year in range(start_year, min(end_year, period.year) + 1):
        limit = period if year == period.year else date(year, 12, 1)
        latest = book.year_latest(indicator.code, region_code, year, limit)
        if latest is None:
            continue
        if year == period.year and latest[0] != period:
            return None  # the month asked for is not computed yet
        total += latest[1]
        found = True
    return total if found else None


@dataclass
class Progress:
    indicator: Indicator
    target: Target
    actual: Decimal | None
    share: Decimal
    ratio: Decimal | None
    light: Light

    @property
    def light_label(self) -> Any:
        if self.indicator.direction == Direction.CEILING:
            return CEILING_LABELS[self.light]
        return LIGHT_LABELS[self.light]

    @property
    def percent(self) -> Decimal | None:
        return None if self.ratio is None else (self.ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def book_for(targets: Iterable[Target], period: date) -> MeasurementBook:
    targets = list(targets)
    first = min((t.start_year for t in targets), default=period.year)
    return MeasurementBook({t.indicator for t in targets}, {t.region_code for t in targets}, date(first, 1, 1), period)


def progress_of(target: Target, period: date, book: MeasurementBook | None = None) -> Progress | None:
    indicator = catalogue.get(target.indicator)
    if indicator is None:
        return None
    book = book or book_for([target], period)
    share = elapsed_share(target.start_year, target.end_year, period)
    actual = actual_for(indicator, target.region_code, target.start_year, target.end_year, period, book)
    light, ratio = light_for(indicator, actual=actual, target=target.value, share=share)
    return Progress(indicator, target, actual, share, ratio, light)


def targets_for(region_codes: Iterable[str], period: date) -> list[Target]:
    """The targets whose span covers ``period``'s year, for these regions."""
    return list(
        Target.objects.filter(
            region_code__in=list(region_codes), start_year__lte=period.year, end_year__gte=period.year
        ).order_by("indicator", "region_code", "end_year", "start_year")
    )


# --- setting targets --------------------------------------------------------------------------


def can_set_target_for(actor: Any, region_code: str) -> bool:
    """Targets come from above: a region's target is set by the level above it (the city's own
    target by the city)."""
    prefix = write_prefix(actor)
    if prefix is None or not region_code.startswith(prefix):
        return False
    own = actor.region_id
    return region_code != own or (actor.region is not None and actor.region.level == "city")


def _check_span(start_year: int, end_year: int) -> None:
    if not 2000 <= start_year <= end_year <= 2100:
        raise ValidationError({"end_year": _("年度范围不正确：终止年度不能早于起始年度。")})


@retrying_atomic
def target_set(
    *,
    actor: Any,
    indicator: Indicator,
    region_code: str,
    start_year: int,
    end_year: int,
    value: Decimal,
    note: str = "",
) -> Target:
    """Set one target (``value`` in stored units)."""
    _check_span(start_year, end_year)
    if not can_set_target_for(actor, region_code):
        raise ValidationError({"region": _("只能为下辖区划下达目标（市级可下达本市目标）。")})
    if value < 0:
        raise ValidationError({"value": _("目标值不能为负。")})
    old = Target.objects.filter(
        indicator=indicator.code, region_code=region_code, start_year=start_year, end_year=end_year
    ).first()
    target, _created = Target.objects.update_or_create(
        indicator=indicator.code,
        region_code=region_code,
        start_year=start_year,
        end_year=end_year,
        defaults={"value": value, "note": note.strip(), "set_by": actor},
    )
    audit_record(
        action=actions.TARGET_SET,
        actor=actor,
        obj=target,
        region_code=region_code,
        before={"value": str(old.value)} if old else None,
        after={"indicator": indicator.code, "years": f"{start_year}-{end_year}", "value": str(value), "note": note},
    )
    return target


@dataclass
class SplitCheck:
    parent: Decimal | None
    parts: Decimal
    adds_up: bool


def split_check(indicator: Indicator, parent: Decimal | None, parts: Mapping[str, Decimal]) -> SplitCheck:
    total = sum(parts.values(), Decimal(0))
    if not indicator.additive or parent is None:
        return SplitCheck(parent, total, True)
    return SplitCheck(parent, total, total == parent)


@retrying_atomic
def target_set_and_split(
    *,
    actor: Any,
    indicator: Indicator,
    parent: Region,
    start_year: int,
    end_year: int,
    whole: Decimal | None,
    parts: Mapping[str, Decimal],
    note: str = "",
) -> list[Target]:
    """The split page's one form, in one transaction: the region's own target (when given, and
    the user may set it) and its split among the children. A refused split saves nothing, the
    whole included."""
    if whole is not None and can_set_target_for(actor, parent.code):
        target_set(
            actor=actor,
            indicator=indicator,
            region_code=parent.code,
            start_year=start_year,
            end_year=end_year,
            value=whole,
            note=note,
        )
    return target_split(
        actor=actor,
        indicator=indicator,
        parent=parent,
        start_year=start_year,
        end_year=end_year,
        parts=parts,
        note=note,
    )


@retrying_atomic
def target_split(
    *,
    actor: Any,
    indicator: Indicator,
    parent: Region,
    start_year: int,
    end_year: int,
    parts: Mapping[str, Decimal],
    note: str = "",
) -> list[Target]:
    """Split a region's target among its children: the parts must add up to the whole, or the
    note must say why not (rates do not add up and need no note)."""
    _check_span(start_year, end_year)
    children = set(Region.objects.filter(parent=parent).values_list("code", flat=True))
    outside = set(parts) - children
    if outside:
        raise ValidationError({"parts": _("不是下一级区划：%(codes)s") % {"codes": "、".join(sorted(outside))}})
    whole = (
        Target.objects.filter(
            indicator=indicator.code, region_code=parent.code, start_year=start_year, end_year=end_year
        )
        .values_list("value", flat=True)
        .first()
    )
    check = split_check(indicator, whole, parts)
    if not check.adds_up and not note.strip():
        raise ValidationError(
            {
                "note": _("分解之和 %(parts)s 与上级目标 %(whole)s 不一致，请说明原因。")
                % {"parts": indicator.base.text(check.parts), "whole": indicator.base.text(whole)}
            }
        )
    prefix = code_prefix(parent.code)
    if not all(code.startswith(prefix) for code in parts):
        raise ValidationError({"parts": _("区划不在上级范围内。")})
    return [
        target_set(
            actor=actor,
            indicator=indicator,
            region_code=code,
            start_year=start_year,
            end_year=end_year,
            value=value,
            note=note,
        )
        for code, value in sorted(parts.items())
    ]


def split_warnings(code: str, region: str, start: int, end: int) -> list[str]:
    """If ``region``'s parent has a target for the same span, do the children add up to it?"""
    indicator = catalogue.get(code)
    parent = Region.objects.filter(code=region).values_list("parent_id", flat=True).first()
    if indicator is None or not indicator.additive or not parent:
        return []
    whole = Target.objects.filter(indicator=code, region_code=parent, start_year=start, end_year=end).first()
    if whole is None:
        return []
    children = Region.objects.filter(parent_id=parent).values_list("code", flat=True)
    parts = {
        t.region_code: t.value
        for t in Target.objects.filter(indicator=code, region_code__in=list(children), start_year=start, end_year=end)
    }
    check = split_check(indicator, whole.value, parts)
    if check.adds_up or whole.note:
        return []
    return [
        _("%(name)s %(years)s：下级目标之和 %(parts)s 与上级目标 %(whole)s 不一致。")
        % {
            "name": indicator.name,
            "years": f"{start}-{end}",
            "parts": indicator.base.text(check.parts),
            "whole": indicator.base.text(whole.value),
        }
    ]
