"""Import kinds: what an app brings to the one import pipeline (``imports.runner``).

An app registers each of its kinds in ``AppConfig.ready``. A kind brings only what is its own:

- its **template**: the columns (header, whether required, the choices of a drop-down, an example
  cell), from which the downloadable ``.xlsx`` is made;
- **prepare**: what it needs to know once per run (the importer's scope, code tables); it refuses
  a user who may not import it;
- optionally a **first pass** over a few columns of the whole file, for rules that span rows
  (an ID number twice in the file, one head per household);
- **validate**: the column-wise checks of one batch, without the database (it runs in a worker
  thread while the previous batch is written); it returns the accepted rows and reports the rest;
- **commit**: the writes of one batch's accepted rows, in the runner's transaction, through the
  app's own rules; it reports what it creates, updates, finds unchanged or refuses;
- optionally **finish**: warnings once the file is through (targets whose parts no longer add up).

The runner does everything else, once for all kinds: reading ``.xlsx``/``.xls``/``.csv`` in any
encoding the field sends, locating the header, folding full-width characters, batches, checkpoints
and resume, the dry run, the background task, the audit row, the error workbook, and the account
``rows read = created + updated + unchanged + rejected``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from jiuye.core.permissions import Perm, has_perm


@dataclass(frozen=True)
class RowError:
    """One reason a source row was not imported: its number in the sheet, the column, the value."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class Column:
    header: str  # as the template and the field write it: 公民身份号码
    key: str  # the frame's column name: id_number
    required: bool = False
    choices: tuple[str, ...] = ()  # the labels a drop-down offers (the template's data validation)
    example: str = ""  # the template's filled example row
    width: int = 14
    note: str = ""  # shown as the header cell's comment in the template


@dataclass
class Batch:
    """Rows of the file as read: ``frame`` has ``__row`` (the source row number) and one text
    column per template key (blank for a column the file lacks), full-width characters folded and
    surrounding blanks removed. ``numeric`` are the (row, key) cells Excel stored as numbers."""

    frame: pl.DataFrame
    cells: dict[int, list[str]]  # row number → the cells as read (for the error workbook)
    numeric: set[tuple[int, str]] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)

    def reject(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row, column, value, reason))

    @property
    def rejected_rows(self) -> set[int]:
        return {e.row for e in self.errors}


@dataclass
class Outcome:
    """What one batch's commit did. Every accepted row is counted once, or refused in ``errors``."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ImportKind:
    code: str  # "registry.persons"
    title: Any  # 劳动力信息采集表
    perm: Perm  # the right to import it
    columns: tuple[Column, ...]
    prepare: Callable[..., Any]  # (*, user, as_of, dry_run) → the run's context; raises ImportRefused
    validate: Callable[[Any, Batch], pl.DataFrame]  # (context, batch) → accepted rows; no database
    commit: Callable[[Any, pl.DataFrame, Batch], Outcome]  # (context, accepted, batch), in a transaction
    description: Any = ""
    notes: tuple[Any, ...] = ()  # the template's 填写说明, one line each
    first_pass_keys: tuple[str, ...] = ()  # the columns the first pass reads
    first_pass: Callable[[Any, Iterator[pl.DataFrame]], None] | None = None
    finish: Callable[[Any], list[str]] | None = None
    # A table that is written whole or not at all (the region codes: one with holes is worse than
    # the old one): the file is one batch, and any error refuses every row.
    all_or_nothing: bool = False
    # The as-of date (数据截至日期) means something for this kind (the ledger's day); else it is hidden.
    uses_as_of: bool = True
    template_name: str = ""  # the downloaded template's file name (default: the title)
    order: int = 100  # its place on the import page (the ledger first)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


class ImportRefused(Exception):
    """The user may not run this import at all; the message is for the user, in Chinese."""


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"import kind {kind.code} registered twice")
    _KINDS[kind.code] = kind


def get(code: str) -> ImportKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[ImportKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def kinds_for(user: Any) -> list[ImportKind]:
    """The kinds this user may import, in their order on the import page."""
    return [kind for kind in all_kinds() if has_perm(user, kind.perm)]
