"""Dated history of a person's facts (``PersonChange``): labour ability, willingness, household and
relation, key groups entered and left. Services and the ledger import record each change with the
day it holds from; a snapshot of a past day (``registry.snapshot``) turns today's values back to
that day's by the changes dated after it.

One rule for every writer: a change holds from a day not after today, and not before the last
recorded change of the same fact (else the history would contradict itself: a value said to hold
from March, recorded after one said to hold from June).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from jiuye.core.bulk import fetch_frame
from jiuye.registry.choices import Fact
from jiuye.registry.models import PersonChange

# The person's columns whose changes are dated, and the fact each is.
FACTS = {
    "labor_ability": Fact.LABOR_ABILITY,
    "willing": Fact.WILLING,
    "household_id": Fact.HOUSEHOLD,
    "relation": Fact.RELATION,
}


def as_text(value: Any) -> str:
    """A fact's value as the history stores it: willingness as 1/0, a household by its id."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def latest(person_ids: Iterable[int], facts: Iterable[str]) -> dict[tuple[int, str], date]:
    """The day of the last recorded change of each (person, fact), for these persons."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found: dict[tuple[int, str], date] = {}
    for pid, fact, effective in (
        PersonChange.objects.filter(person_id__any=ids, fact__in=list(facts))
        .order_by("effective")
        .values_list("person_id", "fact", "effective")
    ):
        found[(pid, fact)] = effective
    return found


def refusal(effective: date, *, last: date | None, today: date) -> str | None:
    """Why a change cannot hold from ``effective`` (None when it can)."""
    if effective > today:
        return _("生效日期不能晚于今天。")
    if last is not None and effective < last:
        return _("生效日期不能早于该项上一次变更的日期（%(date)s）。") % {"date": last.isoformat()}
    return None


def field_changes(
    *, person_id: int, before: dict[str, Any], after: dict[str, Any], effective: date, source: str, actor: Any
) -> list[PersonChange]:
    """The dated changes of the person's columns that differ between ``before`` and ``after``."""
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    return [
        PersonChange(
            person_id=person_id,
            fact=fact,
            before=as_text(before[name]),
            after=as_text(after[name]),
            effective=effective,
            source=source,
            recorded_by=recorder,
        )
        for name, fact in FACTS.items()
        if name in before and name in after and as_text(before[name]) != as_text(after[name])
    ]


def group_changes(
    *, person_id: int, had: set[str], wants: set[str], effective: date, source: str, actor: Any
) -> list[PersonChange]:
    """Key groups entered (before empty) and left (after empty)."""
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    entered = [("", g) for g in sorted(wants - had)]
    left = [(g, "") for g in sorted(had - wants)]
    return [
        PersonChange(
            person_id=person_id,
            fact=Fact.GROUP,
            before=before,
            after=after,
            effective=effective,
            source=source,
            recorded_by=recorder,
        )
        for before, after in [*entered, *left]
    ]


# --- turning today's values back to a past day (the statistics' snapshot) --------------------------


def changes_after(day: date, where: str, params: list[Any], person_table: str) -> pl.DataFrame:
    """Every change dated after ``day`` of the persons ``where`` selects (``p.`` is the person)."""
    return fetch_frame(
        f"SELECT c.person_id, c.fact, c.before, c.after, CAST(c.effective AS TEXT), c.id"  # noqa: S608
        f" FROM {PersonChange._meta.db_table} c JOIN {person_table} p ON p.id = c.person_id"
        f" WHERE c.effective > %s AND {where}",
        [day, *params],
        {
            "person_id": pl.Int64,
            "fact": pl.Utf8,
            "before": pl.Utf8,
            "after": pl.Utf8,
            "effective": pl.Utf8,
            "id": pl.Int64,
        },
    )


def first_after(changes: pl.DataFrame, facts: list[str]) -> pl.DataFrame:
    """Per (person, fact), the first change after the day: its ``before`` is the day's value."""
    return (
        changes.filter(pl.col("fact").is_in(facts))
        .sort("effective", "id")
        .unique(["person_id", "fact"], keep="first", maintain_order=True)
    )


def persons_back(persons: pl.DataFrame, changes: pl.DataFrame, household_regions: pl.DataFrame) -> pl.DataFrame:
    """Today's labour ability, willingness and household (with its village) turned back to the
    snapshot's day. ``household_regions``: household id → region, for the households named."""
    first = first_after(changes, [Fact.LABOR_ABILITY, Fact.WILLING, Fact.HOUSEHOLD])
    if first.is_empty():
        return persons
    wide = first.pivot(on="fact", index="person_id", values="before")
    for fact in (Fact.LABOR_ABILITY, Fact.WILLING, Fact.HOUSEHOLD):
        if fact.value not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Utf8).alias(fact.value))
    wide = wide.select(
        "person_id",
        pl.col(Fact.LABOR_ABILITY.value).alias("__ability"),
        (pl.col(Fact.WILLING.value) == "1").alias("__willing"),
        pl.col(Fact.HOUSEHOLD.value).cast(pl.Int64, strict=False).alias("__household"),
    )
    back = persons.join(wide, on="person_id", how="left").join(
        household_regions.rename({"household_id": "__household", "region": "__region"}), on="__household", how="left"
    )
    return back.with_columns(
        pl.coalesce("__ability", "ability").alias("ability"),
        pl.coalesce("__willing", "willing").alias("willing"),
        pl.coalesce("__household", "household_id").alias("household_id"),
        pl.coalesce("__region", "region").alias("region"),
    ).drop("__ability", "__willing", "__household", "__region")


def groups_back(groups: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Today's key-group memberships turned back to the snapshot's day: a group entered after it
    was not held then; one left after it was."""
    first = (
        changes.filter(pl.col("fact") == Fact.GROUP)
        .with_columns(pl.when(pl.col("before") != "").then("before").otherwise("after").alias("group"))
        .sort("effective", "id")
        .unique(["person_id", "group"], keep="first", maintain_order=True)
    )
    if first.is_empty():
        return groups
    entered_later = first.filter(pl.col("before") == "").select("person_id", "group")
    left_later = first.filter(pl.col("before") != "").select("person_id", "group")
    kept = groups.join(entered_later, on=["person_id", "group"], how="anti")
    return pl.concat([kept, left_later.select(groups.columns)]).unique(maintain_order=True)
