"""The bulk write path: many rows into one table without building a model object per row.

PostgreSQL gets ``COPY … FROM STDIN`` (the physical baseline of the import benchmark); SQLite
gets one prepared ``INSERT`` run with ``executemany``. Callers pass values already in database
form: use ``db_date``/``db_datetime`` and encrypt sensitive columns themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection


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
