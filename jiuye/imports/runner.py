"""The one import pipeline, for every kind (``imports.kinds``).

1. The file is read as the field sends it (``core.tabular``: ``.xlsx``/``.xls``/``.csv`` in
   UTF-8, UTF-8 with BOM or GB18030; title rows above the header; columns in any order).
2. A kind that needs it gets a first pass over a few columns of the whole file, a chunk at a time
   (nothing of the file is kept but what the kind keeps).
3. The rows come in batches; each batch becomes a polars frame (full-width characters folded,
   surrounding blanks removed) and the kind validates it column-wise — in a worker thread, for the
   next batch while the current one is written (the database waits release the interpreter lock).
4. Each batch is committed in one transaction: the kind's writes, and in the same transaction the
   caller's sink (the job's checkpoint, its counters, the batch's rejected rows), so that an
   import killed at any moment resumes after the last committed batch and loses nothing. A
   conflict with another writer runs the batch again (``core.db``). A dry run rolls the batch back
   and still reports what it would have done.
5. Every row is accounted for: ``rows read = created + updated + unchanged + rejected``; a batch
   whose kind left a row unaccounted stops the import (a defect, never a silent loss).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import polars as pl
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jiuye.core import db
from jiuye.core.tabular import Table, read_table
from jiuye.core.text import FULLWIDTH_FROM, FULLWIDTH_TO
from jiuye.imports.kinds import Batch, ImportKind, Outcome, RowError

Row = tuple[int, list[str], set[int]]  # (source row number, cells, indexes of cells Excel kept as numbers)
FIRST_PASS_CHUNK = 50_000


@dataclass
class BatchResult:
    """What one batch did, handed to the sink inside the batch's transaction."""

    last_row: int  # the last source row of the batch: the checkpoint
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    cells: dict[int, list[str]] = field(default_factory=dict)  # each rejected row as read

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})


@dataclass
class Summary:
    """The whole run: totals only (the rows themselves went to the sink, batch by batch)."""

    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the file's header, unknown columns as "?…"

    def add(self, part: BatchResult) -> None:
        self.created += part.created
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.rejected += part.rejected


Sink = Callable[[BatchResult], None]


class Unaccounted(RuntimeError):
    """A kind's commit left rows neither counted nor refused: the import stops (a defect)."""


def run(
    kind: ImportKind,
    path: Path | str,
    *,
    user: Any,
    as_of: date,
    dry_run: bool = False,
    batch_size: int = 5000,
    start_after_row: int = 0,
    sink: Sink | None = None,
) -> Summary:
    """Import a file of this kind as this user; raises ``TableError`` when the file as a whole
    cannot be read, ``ImportRefused`` when the user may not import it."""
    path = Path(path)
    context = kind.prepare(user=user, as_of=as_of, dry_run=dry_run)
    table = _open(kind, path)
    summary = Summary(columns=table.columns)
    blank = [i for i, name in enumerate(table.columns) if name == "?"]  # columns without a header
    filled: set[int] = set()
    with large_page_cache(), _without_cycle_collection():
        if kind.first_pass is not None:
            kind.first_pass(context, _first_pass_frames(kind, _open(kind, path)))
        size = 10**9 if kind.all_or_nothing else batch_size

        def prepare(rows: list[Row]) -> tuple[Batch, pl.DataFrame]:
            for i in blank:
                if i not in filled and any(i < len(cells) and cells[i].strip() for _n, cells, _x in rows):
                    filled.add(i)
            batch = make_batch(kind, table.columns, rows)
            return batch, kind.validate(context, batch)

        for read, prepared in _ahead(_batches(table.rows, size), start_after_row, prepare):
            summary.rows_read += read
            if prepared is None:
                continue
            batch, accepted = prepared
            part = _commit_with_retry(kind, context, batch, accepted, dry_run=dry_run, sink=sink)
            summary.add(part)
    summary.warnings[:0] = column_warnings(table.columns, filled)
    if kind.finish is not None and not dry_run:
        summary.warnings.extend(kind.finish(context))
    return summary


def _open(kind: ImportKind, path: Path) -> Table:
    return read_table(path, known_headers=kind.headers, required=kind.required)


def column_warnings(columns: list[str], filled: set[int]) -> list[str]:
    """The file's columns that are not the template's: by their header, or by their number when
    the header is blank and some row has a value there (an empty, unnamed column is only the
    spreadsheet's formatting reaching past the table, and says nothing)."""
    unknown = [
        name[1:] or _("第 %(n)d 列（无表头）") % {"n": i + 1}
        for i, name in enumerate(columns)
        if name.startswith("?") and (name != "?" or i in filled)
    ]
    if not unknown:
        return []
    return [_("以下列不是模板中的列，已忽略：%(columns)s") % {"columns": "、".join(unknown)}]


# --- batches ------------------------------------------------------------------------------------


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _positions(kind: ImportKind, columns: list[str], keys: list[str]) -> dict[str, int | None]:
    where = {name: i for i, name in enumerate(columns) if not name.startswith("?")}
    by_key = {c.key: c.header for c in kind.columns}
    return {key: where.get(by_key[key]) for key in keys}


def _transposed(rows: list[Row], positions: dict[str, int | None]) -> dict[str, list[str]]:
    """The rows' cells as columns (key → texts), by one transposition of the padded rows."""
    width = max((i for i in positions.values() if i is not None), default=-1) + 1
    padded = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for _n, cells, _x in rows]
    transposed = list(zip(*padded, strict=False)) if padded else []
    empty = [""] * len(rows)
    return {key: (list(transposed[i]) if i is not None and transposed else empty) for key, i in positions.items()}


def frame_of(rows: list[Row], positions: dict[str, int | None]) -> pl.DataFrame:
    """``__row`` and one text column per key: full-width characters folded, blanks stripped."""
    data: dict[str, list[Any]] = {"__row": [n for n, _c, _x in rows], **_transposed(rows, positions)}
    frame = pl.DataFrame(data, schema={"__row": pl.Int64, **dict.fromkeys(positions, pl.Utf8)})
    return frame.with_columns(
        pl.col(key).str.replace_many(FULLWIDTH_FROM, FULLWIDTH_TO).str.strip_chars() for key in positions
    )


def make_batch(kind: ImportKind, columns: list[str], rows: list[Row]) -> Batch:
    keys = [c.key for c in kind.columns]
    positions = _positions(kind, columns, keys)
    key_at = {i: key for key, i in positions.items() if i is not None}
    numeric = {(n, key_at[i]) for n, _cells, found in rows for i in found if i in key_at}
    return Batch(frame=frame_of(rows, positions), cells={n: cells for n, cells, _x in rows}, numeric=numeric)


def _first_pass_frames(kind: ImportKind, table: Table) -> Iterator[pl.DataFrame]:
    positions = _positions(kind, table.columns, list(kind.first_pass_keys))
    for chunk in _batches(table.rows, FIRST_PASS_CHUNK):
        yield frame_of(chunk, positions)


def _ahead(
    batches: Iterator[list[Row]], start_after_row: int, prepare: Callable[[list[Row]], Any]
) -> Iterator[tuple[int, Any]]:
    """(rows read, prepared batch or None when all its rows were done before) — the next batch is
    read and prepared in a worker thread while the caller writes the current one. Preparing needs
    no database; the database waits release the interpreter lock, so the two overlap."""
    language = translation.get_language()

    def step() -> tuple[int, Any] | None:
        with translation.override(language):
            batch = next(batches, None)
            if batch is None:
                return None
            todo = [row for row in batch if row[0] > start_after_row]
            return len(batch), (prepare(todo) if todo else None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool:
        pending = pool.submit(step)
        while (item := pending.result()) is not None:
            pending = pool.submit(step)
            yield item


# --- committing ---------------------------------------------------------------------------------


class _RollBack(Exception):
    pass


def _commit_with_retry(
    kind: ImportKind, context: Any, batch: Batch, accepted: pl.DataFrame, *, dry_run: bool, sink: Sink | None
) -> BatchResult:
    for attempt in range(1, db.ATTEMPTS + 1):
        try:
            return _commit(kind, context, batch, accepted, dry_run=dry_run, sink=sink)
        except IntegrityError:
            # Another import created the same record meanwhile: read again and write the batch again.
            if attempt == db.ATTEMPTS:
                raise
        except OperationalError as exc:
            # A deadlock with a clerk's write or another import (C-4): the batch again, from the start.
            if not db.is_conflict(exc) or attempt == db.ATTEMPTS:
                raise
            db.pause(attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _commit(
    kind: ImportKind, context: Any, batch: Batch, accepted: pl.DataFrame, *, dry_run: bool, sink: Sink | None
) -> BatchResult:
    rows = batch.frame.get_column("__row").to_list()
    result = BatchResult(last_row=max(rows))
    if kind.all_or_nothing and batch.errors:  # refused as a whole before anything is written
        result.errors = sorted(batch.errors, key=lambda e: (e.row, e.column))
        _refuse_all(result, batch, rows)
        _record(sink, result)
        return result
    try:
        with transaction.atomic():
            outcome = kind.commit(context, accepted, batch) if not accepted.is_empty() else Outcome()
            _account(kind, batch, outcome, result, rows)
            if kind.all_or_nothing and result.errors:
                _refuse_all(result, batch, rows)
                raise _RollBack
            if dry_run:
                raise _RollBack
            if sink is not None:
                sink(result)  # with the rows: the checkpoint and the rejected rows commit with them
    except _RollBack:
        _record(sink, result)  # nothing was written; what would have been, and what was refused, is
    return result


def _record(sink: Sink | None, result: BatchResult) -> None:
    if sink is not None:
        with transaction.atomic():
            sink(result)


def _account(kind: ImportKind, batch: Batch, outcome: Outcome, result: BatchResult, rows: list[int]) -> None:
    errors = sorted([*batch.errors, *outcome.errors], key=lambda e: (e.row, e.column))
    refused = {e.row for e in errors}
    counted = outcome.created + outcome.updated + outcome.unchanged
    if counted + len(refused) != len(rows) or not refused <= set(rows):
        raise Unaccounted(
            f"import kind {kind.code}: rows {min(rows)}-{max(rows)}: {len(rows)} read, {counted} counted,"
            f" {len(refused)} refused"
        )
    result.created, result.updated, result.unchanged = outcome.created, outcome.updated, outcome.unchanged
    result.errors = errors
    result.cells = {n: batch.cells[n] for n in sorted(refused)}


def _refuse_all(result: BatchResult, batch: Batch, rows: list[int]) -> None:
    """A table written whole or not at all, with an error somewhere: every row is reported (those
    without an error of their own with the reason why), none is written."""
    bad = {e.row for e in result.errors}
    reason = _("文件中有 %(n)d 行有错误，本表须整体导入，全部未导入；更正后重新导入。") % {"n": len(bad)}
    result.errors.extend(RowError(n, "", "", reason) for n in rows if n not in bad)
    result.errors.sort(key=lambda e: (e.row, e.column))
    result.created = result.updated = result.unchanged = 0
    result.cells = {n: batch.cells[n] for n in rows}


# --- the run's surroundings -----------------------------------------------------------------------


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while the import runs: a batch is tens of thousands
    of short-lived lists and strings (freed by reference counting; the import makes no cycles),
    and each full collection walks every live object again: 40 % of the first pass's time at 50,000
    rows. One collection at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


@contextmanager
def large_page_cache(mebibytes: int = 128) -> Iterator[None]:
    """SQLite only: a larger page cache for this connection while the import runs. Keyed hashes
    are random keys, so every insert lands on another page of their indexes; with the default
    2 MiB cache most of those pages are read again (inserting 50,000 persons beside 50,000: 5.6 s
    with the default cache, 3.8 s with this one)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{mebibytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
