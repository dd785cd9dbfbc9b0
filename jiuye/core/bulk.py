"""The bulk write path: many rows into one table without building a model object per row.

PostgreSQL gets ``COPY … FROM STDIN`` (the physical baseline of the import benchmark); SQLite
gets one prepared ``INSERT`` run with ``executemany``. Callers pass values already in database
form: use ``db_date``/``db_datetime`` and encrypt sensitive columns themselves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import polars as pl
from django.db import connection, models
from django.db.models import Lookup


def db_date(value: date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def insert_many(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            # Django's exception classes (IntegrityError …) for errors raised by the raw COPY.
            with connection.wrap_database_errors, raw.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})", rows)  # noqa: S608


def insert_frame(table: str, frame: pl.DataFrame) -> None:
    """Insert a polars frame whose column names are the table's columns, values in database
    form except dates and booleans (converted here). PostgreSQL: ``COPY`` of CSV text written by
    polars in one call; SQLite: ``executemany`` over the frame's row tuples."""
    if frame.is_empty():
        return
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Strings quoted, NULL as an unquoted empty field: "" stays an empty string.
            text = frame.write_csv(include_header=False, quote_style="non_numeric", null_value="")
            raw = cursor.cursor
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN WITH (FORMAT csv)") as copy,
            ):
                copy.write(text)
        else:
            frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"), pl.col(pl.Boolean).cast(pl.Int8))
            placeholders = ", ".join(["%s"] * len(frame.columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({placeholders})",  # noqa: S608
                frame.iter_rows(),  # type: ignore[arg-type]  # any iterable of rows will do
            )


_sequences: dict[str, str] = {}


def _sequence(table: str) -> str:
    """The sequence behind a PostgreSQL table's id (looked up once per process)."""
    if table not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            _sequences[table] = cursor.fetchone()[0]
    return _sequences[table]


def allocate_ids(table: str, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, taken before they are written (so that related
    rows can be written in the same pass). PostgreSQL draws from the table's sequence; SQLite,
    whose transactions here take the write lock at the start (``transaction_mode=IMMEDIATE``),
    continues from the largest id."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(table), count])
            return [row[0] for row in cursor.fetchall()]
        # Past the largest id ever given (AUTOINCREMENT's counter), not only the largest now.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"  # noqa: S608
            f" COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def fetch_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a polars frame of this schema. Booleans come back from SQLite as 0/1:
    read as integers, then cast."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    read = {name: (pl.Int8 if dtype == pl.Boolean else dtype) for name, dtype in schema.items()}
    return pl.DataFrame(rows, schema=read, orient="row", strict=False).cast(schema)  # type: ignore[arg-type]


def is_one_of(column: str, values: Sequence[Any], *, vendor: str | None = None) -> tuple[str, list[Any]]:
    """SQL for "``column`` is one of ``values``" with a single parameter, however many values:
    a PostgreSQL array literal (built here: psycopg's list adapter costs ~10 µs a value), or a
    JSON list that SQLite unpacks with ``json_each``. ``column`` is SQL, written by the caller."""
    values = list(values)
    if not values:  # nothing is one of no values (and an empty array has no type to compare with)
        return "1 = 0", []
    if (vendor or connection.vendor) != "postgresql":
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]  # noqa: S608
    if values and isinstance(values[0], int):
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, values)) + "}"]
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return f"{column} = ANY(%s::text[])", ["{" + ",".join(quoted) + "}"]


class AnyLookup(Lookup):  # type: ignore[type-arg]
    """``field__any=[…]``: the ORM's form of ``is_one_of``, one parameter however many keys (no
    query of thousands of placeholders to build and parse, no cap on SQLite's parameters)."""

    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        return [self.lhs.output_field.get_prep_value(v) for v in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = is_one_of(lhs, self.rhs, vendor=connection.vendor)
        return sql, [*lhs_params, *params]


models.CharField.register_lookup(AnyLookup)
models.IntegerField.register_lookup(AnyLookup)
models.ForeignKey.register_lookup(AnyLookup)
