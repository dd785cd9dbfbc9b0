"""Acknowledged writes must survive a crash (security bar B-1, B-6): in production the
application refuses to work on a database that would lose them.

- PostgreSQL: ``fsync``, ``full_page_writes`` on, and ``synchronous_commit`` not ``off``.
- SQLite: WAL journal and ``synchronous=FULL`` (set by the connection's init command).

Checked once per new connection (``connection_created``): a misconfigured server makes every
request fail with ``ImproperlyConfigured`` rather than acknowledge writes it may lose. The same
check is a system check (``manage.py check --database default``) for any environment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

PG_SETTINGS = ("fsync", "full_page_writes", "synchronous_commit")


def current_settings(connection: Any) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = {}
            for name in PG_SETTINGS:
                cursor.execute(f"SHOW {name}")
                values[name] = str(cursor.fetchone()[0]).lower()
            return values
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal = str(cursor.fetchone()[0]).lower()
            cursor.execute("PRAGMA synchronous")
            return {"journal_mode": journal, "synchronous": str(cursor.fetchone()[0])}
    return {}


def problems(vendor: str, values: dict[str, str]) -> list[str]:
    """What in these settings would lose acknowledged writes."""
    found = []
    if vendor == "postgresql":
        for name in ("fsync", "full_page_writes"):
            if values.get(name) != "on":
                found.append(f"{name}={values.get(name)} (must be on)")
        if values.get("synchronous_commit") == "off":
            found.append("synchronous_commit=off (must not be off)")
    elif vendor == "sqlite":
        # An in-memory database (tests) has no journal to speak of.
        if values.get("journal_mode") not in ("wal", "memory"):
            found.append(f"journal_mode={values.get('journal_mode')} (must be wal)")
        if values.get("journal_mode") == "wal" and values.get("synchronous") not in ("2", "3"):
            found.append(f"synchronous={values.get('synchronous')} (must be FULL)")
    return found


def refuse_unsafe_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: in production, a database that may lose acknowledged
    writes is refused."""
    if not settings.PRODUCTION or getattr(connection, "_jiuye_durability_checked", False):
        return
    found = problems(connection.vendor, current_settings(connection))
    if found:
        raise ImproperlyConfigured("database durability settings refused: " + "; ".join(found))
    connection._jiuye_durability_checked = True


@checks.register(checks.Tags.database)
def durability_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        for problem in problems(connection.vendor, current_settings(connection)):
            messages.append(
                checks.Error(
                    f"Database {alias!r} may lose acknowledged writes: {problem}.",
                    hint="See docs/operations.md (Production deployment).",
                    id="jiuye.E001",
                )
            )
    return messages
