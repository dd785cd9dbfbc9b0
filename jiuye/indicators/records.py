"""The records behind a figure, as a drill-down lists them: each app registers how to show the
records its calculators return (``Indicator.records``: "person", "household" …) — how to fetch
them for a user (always through ``visible_to``: a record outside the user's region is not
listed), which columns a row shows, and the page a row opens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordSource:
    records: str  # the kind of record, as the indicators name it
    fetch: Callable[[Any, list[int]], Iterable[Any]]  # (user, ids) → the rows the user may see
    columns: tuple[tuple[Any, Callable[[Any], Any]], ...]  # (header, the cell of a row); the first is linked
    url: Callable[[Any], str]  # the page of one record


_SOURCES: dict[str, RecordSource] = {}


def register(source: RecordSource) -> None:
    if source.records in _SOURCES and _SOURCES[source.records] != source:
        raise ValueError(f"records {source.records} registered twice")
    _SOURCES[source.records] = source


def source_for(records: str) -> RecordSource | None:
    return _SOURCES.get(records)


@dataclass(frozen=True)
class Row:
    url: str
    cells: list[Any]
    sign: int


def rows_for(source: RecordSource, user: Any, records: list[tuple[int, int]]) -> list[Row]:
    """The rows of one page of (record id, sign), in that order; those the user may not see left out."""
    fetched = {row.pk: row for row in source.fetch(user, [record_id for record_id, _sign in records])}
    return [
        Row(url=source.url(fetched[i]), cells=[cell(fetched[i]) for _header, cell in source.columns], sign=sign)
        for i, sign in records
        if i in fetched
    ]
