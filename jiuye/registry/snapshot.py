"""The registry as it stood on one day, for the statistics (``indicators.snapshot``): the frames
the registry registers, and the queries its calculators run on a snapshot.

The persons frame carries what the definitions need — the status each person held on the day
(from the spells), their age on the day, whether they were still in the registry — and nothing
personal beyond ids and codes.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db import connection

from jiuye.core.bulk import fetch_frame, is_one_of
from jiuye.indicators.snapshot import Snapshot, register_loader, text_date
from jiuye.registry.choices import Fact, PersonState
from jiuye.registry.history import changes_after, first_after, groups_back, persons_back
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup, Registration

PERSONS = "registry.persons"
GROUPS = "registry.groups"
HOUSEHOLDS = "registry.households"
REGISTRATIONS = "registry.registrations"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def load_persons(snap: Snapshot) -> pl.DataFrame:
    """Persons who held a status on ``end`` and were in the registry that day."""
    where, params = snap.where_region("p.region_id")
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
        f" WHERE s.start <= %s AND (s.{_q('end')} IS NULL OR s.{_q('end')} >= %s) AND {where}",
        [snap.end, snap.end, *params],
        {"person_id": pl.Int64, "status": pl.Utf8, "start": pl.Utf8, "spell_id": pl.Int64},
    )
    # Overlapping spells cannot arise through the services; if a row says otherwise the latest
    # start wins, as in ``status_on``.
    current = spells.sort(["start", "spell_id"]).unique("person_id", keep="last").select("person_id", "status")
    end = snap.end
    frame = people.with_columns(text_date("birth").alias("birth"), text_date("state_date").alias("state_date")).join(
        current, on="person_id", how="inner"
    )
    birthday_passed = (pl.col("birth").dt.month().cast(pl.Int32) * 100 + pl.col("birth").dt.day().cast(pl.Int32)) <= (
        end.month * 100 + end.day
    )
    frame = frame.with_columns(
        (end.year - pl.col("birth").dt.year().cast(pl.Int32) - (~birthday_passed).cast(pl.Int32)).alias("age"),
        (
            (pl.col("state") == PersonState.ACTIVE)
            | (pl.col("state_date").is_not_null() & (pl.col("state_date") > pl.lit(end)))
        ).alias("active"),
    )
    frame = frame.filter(pl.col("active")).drop("state", "state_date", "active")
    # Labour ability, willingness and household as they were on the day, not as they are now.
    changes = _changes(snap)
    named = first_after(changes, [Fact.HOUSEHOLD]).get_column("before").cast(pl.Int64, strict=False).drop_nulls()
    frame = persons_back(frame, changes, _household_regions(named.unique().to_list()))
    return frame.join(snap.regions, on="region", how="left").with_columns(pl.col("urban").fill_null(False))


def _changes(snap: Snapshot) -> pl.DataFrame:
    """The persons' dated changes after the day (shared by the persons and the groups)."""
    if "registry.changes" not in snap.cache:
        where, params = snap.where_region("p.region_id")
        snap.cache["registry.changes"] = changes_after(snap.end, where, params, Person._meta.db_table)
    frame: pl.DataFrame = snap.cache["registry.changes"]
    return frame


def _household_regions(ids: list[int]) -> pl.DataFrame:
    schema = {"household_id": pl.Int64, "region": pl.Utf8}
    if not ids:
        return pl.DataFrame(schema=schema)
    where, params = is_one_of("id", ids)
    return fetch_frame(f"SELECT id, region_id FROM {Household._meta.db_table} WHERE {where}", params, schema)  # noqa: S608


def load_groups(snap: Snapshot) -> pl.DataFrame:
    """Key-group memberships held on the day (today's, turned back by the changes after it)."""
    where, params = snap.where_region("p.region_id")
    today = fetch_frame(
        f"SELECT g.person_id, g.{_q('group')} FROM {PersonGroup._meta.db_table} g"  # noqa: S608
        f" JOIN {Person._meta.db_table} p ON p.id = g.person_id WHERE {where}",
        params,
        {"person_id": pl.Int64, "group": pl.Utf8},
    )
    return groups_back(today, _changes(snap))


def load_households(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_id")
    return fetch_frame(
        f"SELECT id, region_id, relocation_site FROM {Household._meta.db_table} WHERE {where}",  # noqa: S608
        params,
        {"household_id": pl.Int64, "region": pl.Utf8, "relocation_site": pl.Utf8},
    )


def load_registrations(snap: Snapshot) -> pl.DataFrame:
    """Registrations made on or before ``end``, with their end if they had ended by then."""
    where, params = snap.where_region("region_id")
    frame = fetch_frame(
        f"SELECT person_id, region_id, kind, CAST(date AS TEXT), urban, form, CAST(ended_on AS TEXT), end_reason"  # noqa: S608
        f" FROM {Registration._meta.db_table} WHERE date <= %s AND {where}",
        [snap.end, *params],
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
    return frame.with_columns(text_date("date").alias("date"), text_date("ended_on").alias("ended_on"))


def register() -> None:
    """Called by the registry's ``AppConfig.ready``."""
    register_loader(PERSONS, load_persons)
    register_loader(GROUPS, load_groups)
    register_loader(HOUSEHOLDS, load_households)
    register_loader(REGISTRATIONS, load_registrations)


# --- what the calculators read beside the frames ------------------------------------------------


def persons(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(PERSONS)  # type: ignore[no-any-return]


def groups(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(GROUPS)  # type: ignore[no-any-return]


def households(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(HOUSEHOLDS)  # type: ignore[no-any-return]


def registrations(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(REGISTRATIONS)  # type: ignore[no-any-return]


def persons_in_groups(snap: Snapshot, wanted: list[str]) -> pl.DataFrame:
    ids = groups(snap).filter(pl.col("group").is_in(wanted)).select("person_id").unique()
    return persons(snap).join(ids, on="person_id", how="semi")


def spells_overlapping(snap: Snapshot, statuses: list[str], start: date) -> pl.DataFrame:
    """Persons with a spell of one of ``statuses`` overlapping [start, end], with their region."""
    where, params = snap.where_region("p.region_id")
    placeholders = ", ".join(["%s"] * len(statuses))
    return fetch_frame(
        f"SELECT DISTINCT s.person_id, p.region_id FROM {EmploymentSpell._meta.db_table} s"  # noqa: S608
        f" JOIN {Person._meta.db_table} p ON p.id = s.person_id"
        f" WHERE s.status IN ({placeholders}) AND s.start <= %s AND (s.{_q('end')} IS NULL OR s.{_q('end')} >= %s)"
        f" AND {where}",
        [*statuses, snap.end, start, *params],
        {"person_id": pl.Int64, "region": pl.Utf8},
    )


def spells_starting(snap: Snapshot, statuses: list[str], start: date) -> pl.DataFrame:
    """Persons who entered one of ``statuses`` between ``start`` and ``end``."""
    where, params = snap.where_region("p.region_id")
    placeholders = ", ".join(["%s"] * len(statuses))
    return fetch_frame(
        f"SELECT DISTINCT s.person_id, p.region_id FROM {EmploymentSpell._meta.db_table} s"  # noqa: S608
        f" JOIN {Person._meta.db_table} p ON p.id = s.person_id"
        f" WHERE s.status IN ({placeholders}) AND s.start >= %s AND s.start <= %s AND {where}",
        [*statuses, start, snap.end, *params],
        {"person_id": pl.Int64, "region": pl.Utf8},
    )


def state_changes(snap: Snapshot, states: list[str], start: date) -> pl.DataFrame:
    """Persons who left the registry (death …) between ``start`` and ``end``."""
    where, params = snap.where_region("region_id")
    placeholders = ", ".join(["%s"] * len(states))
    return fetch_frame(
        f"SELECT id, region_id FROM {Person._meta.db_table}"  # noqa: S608
        f" WHERE state IN ({placeholders}) AND state_date >= %s AND state_date <= %s AND {where}",
        [*states, start, snap.end, *params],
        {"person_id": pl.Int64, "region": pl.Utf8},
    )
