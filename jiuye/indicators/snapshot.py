"""The records as they stood on one day, as polars frames (one read per table, then columnar).

Calculators filter and join these frames instead of issuing one query per region: a month of
every indicator at every level is a handful of table scans. Each app registers the frames it
offers (``register_loader`` in its ``AppConfig.ready``: the registry's persons, households,
registrations …); a calculator asks for one by name (``snap.frame("registry.persons")``), and the
snapshot loads it once and shares it with every calculator of the month. The snapshot itself
knows only the day, the region prefix and the region table.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from jiuye.core.bulk import fetch_frame
from jiuye.regions.models import Region


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def text_date(column: str) -> pl.Expr:
    """A date read as text (``CAST(d AS TEXT)``, the same on SQLite and PostgreSQL) back to a date."""
    return pl.col(column).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def records(frame: pl.DataFrame, weight: str | None = None) -> pl.DataFrame:
    """A calculator's answer from a frame with ``region`` and ``record_id``: each record counts
    one, or the value of its ``weight`` column (openings, 分)."""
    sign = pl.col(weight).cast(pl.Int64) if weight else pl.lit(1, dtype=pl.Int8)
    return frame.select(pl.col("region"), pl.col("record_id"), sign.alias("sign"))


def person_records(frame: pl.DataFrame) -> pl.DataFrame:
    """A calculator's answer from a frame with ``region`` and ``person_id``: each person once."""
    return frame.unique("person_id", keep="first", maintain_order=True).select(
        pl.col("region"), pl.col("person_id").alias("record_id")
    )


Loader = Callable[["Snapshot"], Any]
_LOADERS: dict[str, Loader] = {}


def register_loader(name: str, loader: Loader) -> None:
    """``loader(snapshot)`` reads one frame of the app's records as they stood on ``snapshot.end``,
    limited to ``snapshot.prefix`` (``snapshot.where_region`` gives the condition)."""
    if name in _LOADERS and _LOADERS[name] is not loader:
        raise ValueError(f"snapshot frame {name} registered twice")
    _LOADERS[name] = loader


def loader_names() -> list[str]:
    return sorted(_LOADERS)


class Snapshot:
    """The records on ``end`` (a month's last day), limited to regions under ``prefix``."""

    def __init__(self, end: date, *, prefix: str = "") -> None:
        self.end = end
        self.year_start = date(end.year, 1, 1)
        self.prefix = prefix
        # Frames loaded, and intermediate frames that several calculators share (per-household facts …).
        self.cache: dict[str, Any] = {}

    def where_region(self, column: str) -> tuple[str, list[Any]]:
        """SQL (and its parameters) limiting ``column``, a region code, to the snapshot's prefix."""
        if not self.prefix:
            return "1 = 1", []
        return f"{column} LIKE %s", [self.prefix + "%"]

    def frame(self, name: str) -> Any:
        """A registered frame, loaded on first use and then shared."""
        key = f"frame:{name}"
        if key not in self.cache:
            try:
                loader = _LOADERS[name]
            except KeyError:
                raise LookupError(f"no app registers the snapshot frame {name}") from None
            self.cache[key] = loader(self)
        return self.cache[key]

    @cached_property
    def regions(self) -> pl.DataFrame:
        """Every region under the prefix, and whether it is urban (a 居委会)."""
        where, params = self.where_region("code")
        return fetch_frame(
            f"SELECT code, urban FROM {Region._meta.db_table} WHERE {where}",  # noqa: S608
            params,
            {"region": pl.Utf8, "urban": pl.Boolean},
        )
