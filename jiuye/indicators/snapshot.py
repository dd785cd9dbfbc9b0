"""The registry as it stood on one day, as polars frames (one read per table, then columnar).

Calculators filter and join these frames instead of issuing one query per region: a month of
every indicator at every level is a handful of table scans. The frames carry what the
definitions need — the status each person held on the day (from the spells), their age on the
day, whether they were still in the registry — and nothing personal beyond ids and codes.
"""

from __future__ import annotations

import calendar
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl
from django.db import connection

from jiuye.core.bulk import fetch_frame
from jiuye.regions.models import Region
from jiuye.registry.choices import PersonState
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup, Registration


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _date(column: str) -> pl.Expr:
    return pl.col(column).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


class Snapshot:
    """The registry on ``end`` (a month's last day), limited to regions under ``prefix``."""

    def __init__(self, end: date, *, prefix: str = "") -> None:
        self.end = end
        self.year_start = date(end.year, 1, 1)
        self.prefix = prefix
        self._q = connection.ops.quote_name
        # Intermediate frames that several calculators share (per-household facts …).
        self.cache: dict[str, Any] = {}

    def _where_region(self, column: str) -> tuple[str, list[Any]]:
        if not self.prefix:
            return "1 = 1", []
        return f"{column} LIKE %s", [self.prefix + "%"]

    @cached_property
    def regions(self) -> pl.DataFrame:
        where, params = self._where_region("code")
        return fetch_frame(
            f"SELECT code, urban FROM {Region._meta.db_table} WHERE {where}",  # noqa: S608
            params,
            {"region": pl.Utf8, "urban": pl.Boolean},
        )

    @cached_property
    def persons(self) -> pl.DataFrame:
        """Persons who held a status on ``end`` and were in the registry that day."""
        q = self._q
        where, params = self._where_region("p.region_id")
        people = fetch_frame(
            f"SELECT p.id, p.region_id, p.household_id, CAST(p.birth_date AS TEXT), p.gender, p.labor_ability,"  # noqa: S608
            f" p.willing, p.state, CAST(p.state_date AS TEXT) FROM {Person._meta.db_table} p WHERE {where}",
            params,
            {
                "person_id": pl.Int64,
                "region": pl.Utf8,
                "household_id": pl.Int64,
                "birth": pl.Utf8,
                "gender": pl.Utf8,
                "ability": pl.Utf8,
                "willing": pl.Boolean,
                "state": pl.Utf8,
                "state_date": pl.Utf8,
            },
        )
        spells = fetch_frame(
            f"SELECT s.person_id, s.status, CAST(s.start AS TEXT), s.id FROM {EmploymentSpell._meta.db_table} s"  # noqa: S608
            f" JOIN {Person._meta.db_table} p ON p.id = s.person_id"
            f" WHERE s.start <= %s AND (s.{q('end')} IS NULL OR s.{q('end')} >= %s) AND {where}",
            [self.end, self.end, *params],
            {"person_id": pl.Int64, "status": pl.Utf8, "start": pl.Utf8, "spell_id": pl.Int64},
        )
        # Overlapping spells cannot arise through the services; if a row says otherwise the
        # latest start wins, as in ``status_on``.
        current = spells.sort(["start", "spell_id"]).unique("person_id", keep="last").select("person_id", "status")
        end = self.end
        frame = people.with_columns(_date("birth").alias("birth"), _date("state_date").alias("state_date")).join(
            current, on="person_id", how="inner"
        )
        birthday_passed = (
            pl.col("birth").dt.month().cast(pl.Int32) * 100 + pl.col("birth").dt.day().cast(pl.Int32)
        ) <= (end.month * 100 + end.day)
        frame = frame.with_columns(
            (end.year - pl.col("birth").dt.year().cast(pl.Int32) - (~birthday_passed).cast(pl.Int32)).alias("age"),
            (
                (pl.col("state") == PersonState.ACTIVE)
                | (pl.col("state_date").is_not_null() & (pl.col("state_date") > pl.lit(end)))
            ).alias("active"),
        )
        frame = frame.filter(pl.col("active")).drop("state", "state_date", "active")
        return frame.join(self.regions, on="region", how="left").with_columns(pl.col("urban").fill_null(False))

    @cached_property
    def groups(self) -> pl.DataFrame:
        where, params = self._where_region("p.region_id")
        return fetch_frame(
            f"SELECT g.person_id, g.{self._q('group')} FROM {PersonGroup._meta.db_table} g"  # noqa: S608
            f" JOIN {Person._meta.db_table} p ON p.id = g.person_id WHERE {where}",
            params,
            {"person_id": pl.Int64, "group": pl.Utf8},
        )

    def persons_in_groups(self, groups: list[str]) -> pl.DataFrame:
        ids = self.groups.filter(pl.col("group").is_in(groups)).select("person_id").unique()
        return self.persons.join(ids, on="person_id", how="semi")

    @cached_property
    def households(self) -> pl.DataFrame:
        where, params = self._where_region("region_id")
        return fetch_frame(
            f"SELECT id, region_id, relocation_site FROM {Household._meta.db_table} WHERE {where}",  # noqa: S608
            params,
            {"household_id": pl.Int64, "region": pl.Utf8, "relocation_site": pl.Utf8},
        )

    @cached_property
    def registrations(self) -> pl.DataFrame:
        """Registrations made on or before ``end``, with their end if they had ended by then."""
        where, params = self._where_region("region_id")
        frame = fetch_frame(
            f"SELECT person_id, region_id, kind, CAST(date AS TEXT), urban, form, CAST(ended_on AS TEXT), end_reason"  # noqa: S608
            f" FROM {Registration._meta.db_table} WHERE date <= %s AND {where}",
            [self.end, *params],
            {
                "person_id": pl.Int64,
                "region": pl.Utf8,
                "kind": pl.Utf8,
                "date": pl.Utf8,
                "urban": pl.Boolean,
                "form": pl.Utf8,
                "ended_on": pl.Utf8,
                "end_reason": pl.Utf8,
            },
        )
        return frame.with_columns(_date("date").alias("date"), _date("ended_on").alias("ended_on"))

    def spells_overlapping(self, statuses: list[str], start: date) -> pl.DataFrame:
        """Persons with a spell of one of ``statuses`` overlapping [start, end], with their region."""
        q = self._q
        where, params = self._where_region("p.region_id")
        placeholders = ", ".join(["%s"] * len(statuses))
        return fetch_frame(
            f"SELECT DISTINCT s.person_id, p.region_id FROM {EmploymentSpell._meta.db_table} s"  # noqa: S608
            f" JOIN {Person._meta.db_table} p ON p.id = s.person_id"
            f" WHERE s.status IN ({placeholders}) AND s.start <= %s AND (s.{q('end')} IS NULL OR s.{q('end')} >= %s)"
            f" AND {where}",
            [*statuses, self.end, start, *params],
            {"person_id": pl.Int64, "region": pl.Utf8},
        )

    def spells_starting(self, statuses: list[str], start: date) -> pl.DataFrame:
        """Persons who entered one of ``statuses`` between ``start`` and ``end``."""
        where, params = self._where_region("p.region_id")
        placeholders = ", ".join(["%s"] * len(statuses))
        return fetch_frame(
            f"SELECT DISTINCT s.person_id, p.region_id FROM {EmploymentSpell._meta.db_table} s"  # noqa: S608
            f" JOIN {Person._meta.db_table} p ON p.id = s.person_id"
            f" WHERE s.status IN ({placeholders}) AND s.start >= %s AND s.start <= %s AND {where}",
            [*statuses, start, self.end, *params],
            {"person_id": pl.Int64, "region": pl.Utf8},
        )

    def state_changes(self, states: list[str], start: date) -> pl.DataFrame:
        """Persons who left the registry (death …) between ``start`` and ``end``."""
        where, params = self._where_region("region_id")
        placeholders = ", ".join(["%s"] * len(states))
        return fetch_frame(
            f"SELECT id, region_id FROM {Person._meta.db_table}"  # noqa: S608
            f" WHERE state IN ({placeholders}) AND state_date >= %s AND state_date <= %s AND {where}",
            [*states, start, self.end, *params],
            {"person_id": pl.Int64, "region": pl.Utf8},
        )
