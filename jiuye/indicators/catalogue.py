"""The indicator catalogue: one entry per figure, registered by the app that can compute it.

An entry says what the figure means (name, unit, rounding, direction, definition) and how it
comes about — exactly one of:

- ``calculate(snapshot, params)``: the records behind the figure, as a polars frame with a
  ``region`` column (where each record lives), a ``record_id`` column and optionally a ``sign``
  (+1, or -1 for a deduction). The value for a region is the sum of signs of its records, so the
  drill-down list and the figure are one and the same computation;
- ``derive(values)``: a formula over other indicators of the same region and month (rates);
- ``entered``: a figure that comes from elsewhere and is entered by an officer with its source.

Adding an indicator is a calculator plus an entry in the app's ``indicators`` module; the
dashboard, the measurements, the targets and the report pick it up by its code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import polars as pl

    from jiuye.indicators.snapshot import Snapshot


class Direction(StrEnum):
    HIGHER = "higher"  # more is better: progress is value ÷ target
    CEILING = "ceiling"  # must stay at or below the target (登记失业率 < 4%)


class Kind(StrEnum):
    STOCK = "stock"  # the state on the month's last day
    FLOW = "flow"  # counted from 1 January to the month's last day (year to date)


DIRECTION_LABELS = {Direction.HIGHER: _("越高越好"), Direction.CEILING: _("不超过目标")}
KIND_LABELS = {Kind.STOCK: _("期末时点数"), Kind.FLOW: _("年初至期末累计")}


@dataclass(frozen=True)
class Param:
    """One parameter of a definition: its label, its default and (for lists) its choices."""

    label: Any
    default: Any
    choices: tuple[tuple[str, Any], ...] = ()


TOO_LARGE = Decimal(10) ** 15  # a stored figure has 16 digits before the point


@dataclass(frozen=True)
class Scale:
    """A unit a figure is shown in: how the stored value becomes the number people read."""

    unit: str
    divisor: int  # stored value ÷ divisor = the figure in ``unit``
    decimals: int

    def value(self, stored: Decimal | None) -> Decimal | None:
        """The figure in this unit, rounded half up to its decimals (for a chart or a cell)."""
        if stored is None:
            return None
        quantum = Decimal(1).scaleb(-self.decimals)
        return (Decimal(stored) / self.divisor).quantize(quantum, rounding=ROUND_HALF_UP)

    def stored(self, typed: Decimal) -> Decimal:
        """A figure typed in this unit, as stored."""
        return Decimal(typed) * self.divisor

    def parse(self, typed: str) -> Decimal:
        """A figure typed in this unit (a target), as stored: a number, not negative, with no
        more decimals than the unit has (whole persons are whole)."""
        try:
            value = Decimal(typed.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValidationError(_("“%(typed)s”不是数字。") % {"typed": typed}) from exc
        if not value.is_finite() or value < 0:
            raise ValidationError(_("“%(typed)s”：目标值应为不小于 0 的数字。") % {"typed": typed})
        if value.adjusted() > 15 or self.stored(value) >= TOO_LARGE:
            raise ValidationError(_("“%(typed)s”：数值过大。") % {"typed": typed})
        if value.scaleb(self.decimals) % 1:
            if self.decimals == 0:
                raise ValidationError(_("“%(typed)s”：按%(unit)s填写整数。") % {"typed": typed, "unit": self.unit})
            raise ValidationError(
                _("“%(typed)s”：最多 %(n)d 位小数（%(unit)s）。")
                % {"typed": typed, "n": self.decimals, "unit": self.unit}
            )
        return self.stored(value)

    def number(self, stored: Decimal | None, *, missing: str = "—") -> str:
        """The figure without its unit: ``4,865``, ``1.23``."""
        shown = self.value(stored)
        return missing if shown is None else f"{shown:,.{self.decimals}f}"

    def text(self, stored: Decimal | None, *, missing: str = "—") -> str:
        """The figure with its unit: ``4,865人``, ``1.23万人``, ``3.24%``."""
        shown = self.value(stored)
        return missing if shown is None else f"{shown:,.{self.decimals}f}{self.unit}"

    @property
    def difference_unit(self) -> str:
        """A difference of percentages is in 个百分点."""
        return str(_("个百分点")) if self.unit == "%" else self.unit


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any
    unit: Any
    definition: Any
    decimals: int = 0
    scale: int = 1  # stored value ÷ scale = the figure in ``unit`` (人 stored, 万人 shown)
    direction: Direction = Direction.HIGHER
    kind: Kind = Kind.STOCK
    records: str = ""  # "person" or "household": what a drill-down lists
    calculate: Callable[[Snapshot, Mapping[str, Any]], pl.DataFrame] | None = None
    derive: Callable[[Mapping[str, Decimal | None]], Decimal | None] | None = None
    inputs: tuple[str, ...] = ()
    entered: bool = False
    additive: bool = True  # parts add up to the whole (counts), unlike rates
    params: Mapping[str, Param] = field(default_factory=dict)
    key: bool = False  # a tile of the dashboard
    module: str = ""
    base_unit: Any = ""  # the unit of the stored value when ``scale`` > 1 (人 under 万人)
    # Whether listing its records (the drill-down) says something sensitive about each person, for
    # the parameters in force: e.g. who is 残疾人 or 脱贫人口. Such lists need the security label.
    sensitive: Callable[[Mapping[str, Any]], bool] | None = None

    def __post_init__(self) -> None:
        ways = sum([self.calculate is not None, self.derive is not None, self.entered])
        if ways != 1:
            raise ValueError(f"indicator {self.code}: exactly one of calculate, derive, entered")

    def lists_sensitive(self, params: Mapping[str, Any]) -> bool:
        return self.sensitive is not None and self.sensitive(params)

    @property
    def module_name(self) -> str:
        """The module's name as people read it: its app's ``verbose_name`` (劳动力台账)."""
        from django.apps import apps

        try:
            return str(apps.get_app_config(self.module).verbose_name)
        except LookupError:
            return self.module

    @property
    def source_label(self) -> Any:
        if self.entered:
            return _("录入")
        return _("由其他指标计算") if self.derive else _("由台账记录计算")

    @property
    def headline(self) -> Scale:
        """The indicator's own unit (万人 where the city's report uses it)."""
        return Scale(str(self.unit), self.scale, self.decimals)

    @property
    def base(self) -> Scale:
        """Whole persons (households) for a count shown in 万; otherwise the indicator's own unit."""
        if self.scale > 1 and self.base_unit:
            return Scale(str(self.base_unit), 1, 0)
        return self.headline

    def shown(self, value: Decimal | None) -> Decimal | None:
        """The stored value in the indicator's unit, rounded half up to its decimals."""
        return self.headline.value(value)

    def stored(self, shown: Decimal) -> Decimal:
        """A figure typed in the indicator's unit (a target), as stored."""
        return self.headline.stored(shown)

    def format(self, value: Decimal | None) -> str:
        """The figure in the indicator's unit, without the unit ("" when there is none)."""
        return self.headline.number(value, missing="")


_CATALOGUE: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _CATALOGUE:
        raise ValueError(f"indicator {indicator.code} registered twice")
    for code in indicator.inputs:
        if code not in _CATALOGUE:
            raise ValueError(f"indicator {indicator.code}: input {code} must be registered first")
    _CATALOGUE[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator | None:
    return _CATALOGUE.get(code)


def all_indicators() -> list[Indicator]:
    """In registration order, which is also a valid computation order (inputs come first)."""
    return list(_CATALOGUE.values())


def key_indicators() -> list[Indicator]:
    return [i for i in _CATALOGUE.values() if i.key]
