"""The ledger import's reads and its household writes: one query per batch (a single array or JSON
parameter, however many keys), answered as polars frames."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from jiuye.core.bulk import db_datetime, fetch_frame, insert_many, is_one_of
from jiuye.registry.choices import PersonState, Relation
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup

_TEXT = pl.Utf8


def _frame_of(sql: str, column: str, values: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql`` (its ``{where}`` standing for "``column`` is one of ``values``") into a frame."""
    if not values:
        return pl.DataFrame(schema=schema)
    where, params = is_one_of(column, values)
    return fetch_frame(sql.format(where=where), params, schema)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def existing_persons(hashes: list[str]) -> pl.DataFrame:
    schema = {
        "__pid": pl.Int64,
        "__hash": _TEXT,
        "p_household": pl.Int64,
        "p_region": _TEXT,
        "p_relation": _TEXT,
        "p_name": _TEXT,
        "p_ability": _TEXT,
        "p_willing": pl.Boolean,
        "p_education": _TEXT,
        "p_phone_hash": _TEXT,
        "p_note": _TEXT,
        "p_status": _TEXT,
        "p_state": _TEXT,
    }
    return _frame_of(
        "SELECT id, id_hash, household_id, region_id, relation, name, labor_ability, willing, education,"  # noqa: S608
        f" phone_hash, note, status, state FROM {_table(Person)} WHERE {{where}}",
        "id_hash",
        hashes,
        schema,
    )


def households(rows: pl.DataFrame) -> pl.DataFrame:
    keys = rows.select(pl.concat_str("village", pl.lit("/"), "household").unique()).to_series().sort().to_list()
    return _frame_of(
        f"SELECT region_id, number, id, relocation_site FROM {_table(Household)} WHERE {{where}}",  # noqa: S608
        "key",
        keys,
        {"village": _TEXT, "household": _TEXT, "__hid": pl.Int64, "h_site": _TEXT},
    )


def heads_in_db(rows: pl.DataFrame) -> pl.DataFrame:
    frame = _frame_of(
        f"SELECT household_id, id_hash FROM {_table(Person)} WHERE {{where}}"  # noqa: S608
        f" AND relation = '{Relation.HEAD}' AND state = '{PersonState.ACTIVE}' ORDER BY id",
        "household_id",
        rows.get_column("__hid").drop_nulls().unique().to_list(),
        {"__hid": pl.Int64, "__head_hash": _TEXT},
    )
    return frame.unique(subset="__hid", keep="last")


def open_spells(pids: list[int]) -> pl.DataFrame:
    return _frame_of(
        "SELECT person_id, 1, location, employer_name, employer_credit_code, monthly_income"  # noqa: S608
        f' FROM {_table(EmploymentSpell)} WHERE {{where}} AND "end" IS NULL',
        "person_id",
        pids,
        {
            "__pid": pl.Int64,
            "s_open": pl.Int64,
            "s_location": _TEXT,
            "s_employer": _TEXT,
            "s_credit": _TEXT,
            "s_income": pl.Int64,
        },
    )


def groups_of(pids: list[int], *, hidden: frozenset[str] = frozenset()) -> pl.DataFrame:
    frame = _frame_of(
        f'SELECT person_id, "group" FROM {_table(PersonGroup)} WHERE {{where}}',  # noqa: S608
        "person_id",
        pids,
        {"__pid": pl.Int64, "group": _TEXT},
    )
    if hidden:
        frame = frame.filter(~pl.col("group").is_in(list(hidden)))
    return frame.group_by("__pid").agg(g_groups=pl.col("group").unique().sort().str.join(","))


def create_households(rows: pl.DataFrame) -> None:
    keys = (
        rows.select("village", "household", "__site")
        .unique(subset=["village", "household"])
        .sort("village", "household")
        .rows()
    )
    now = db_datetime(timezone.now())
    insert_many(
        Household._meta.db_table,
        ["region_id", "number", "key", "relocation_site", "zero_employment", "has_labor", "updated_at"],
        [(v, n, Household.make_key(v, n), site, False, False, now) for v, n, site in keys],
    )


def update_sites(rows: pl.DataFrame) -> list[int]:
    """Households the file gives a relocation site other than the one stored (never cleared by an
    empty cell: a ledger without the column says nothing about sites)."""
    changes = (
        rows.filter((pl.col("__site") != "") & (pl.col("__site") != pl.col("h_site")))
        .select("__hid", "__site")
        .unique()
        .rows()
    )
    by_site: dict[str, list[int]] = defaultdict(list)
    for hid, site in changes:
        by_site[site].append(hid)
    now = timezone.now()
    for site, ids in by_site.items():  # one statement per site named (a batch names few)
        Household.objects.filter(pk__any=ids).update(relocation_site=site, updated_at=now)
    return [hid for hid, _site in changes]
