"""The bulk write path: many rows into one table without building a model object per row.

PostgreSQL gets ``COPY … FROM STDIN`` (the physical baseline of the import benchmark); SQLite
gets one prepared ``INSERT`` run with ``executemany``. Callers pass values already in database
form: use ``db_date``/``db_datetime`` and encrypt sensitive columns themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

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


class AnyLookup(Lookup):  # type: ignore[type-arg]
    """``field__any=[…]``: ``= ANY(%s)`` with one array parameter on PostgreSQL (no query of
    thousands of placeholders to build and parse), a plain ``IN`` elsewhere."""

    lookup_name = "any"

    def get_prep_lookup(self) -> Any:
        return [self.lhs.output_field.get_prep_value(v) for v in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


models.CharField.register_lookup(AnyLookup)
models.IntegerField.register_lookup(AnyLookup)
models.ForeignKey.register_lookup(AnyLookup)


def lookup_batch_size() -> int:
    """How many keys one ``__any`` lookup may carry: SQLite caps parameters, PostgreSQL needs one."""
    return 20_000 if connection.vendor == "postgresql" else 900
