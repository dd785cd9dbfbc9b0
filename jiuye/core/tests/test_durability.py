"""Production refuses a database that may lose acknowledged writes (security bar B-1, B-6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from jiuye.core import durability
from jiuye.core.tests.test_settings import _manage, _production_env

SAFE_PG = {"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on"}


@pytest.mark.parametrize(
    ("changed", "refused"),
    [
        ({}, False),
        ({"synchronous_commit": "local"}, False),
        ({"synchronous_commit": "remote_apply"}, False),
        ({"fsync": "off"}, True),
        ({"full_page_writes": "off"}, True),
        ({"synchronous_commit": "off"}, True),
    ],
)
def test_postgresql_settings(changed: dict[str, str], refused: bool) -> None:
    assert bool(durability.problems("postgresql", {**SAFE_PG, **changed})) is refused


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ({"journal_mode": "wal", "synchronous": "2"}, False),
        ({"journal_mode": "wal", "synchronous": "1"}, True),  # NORMAL: the last commits can go
        ({"journal_mode": "delete", "synchronous": "2"}, True),
        ({"journal_mode": "memory", "synchronous": "0"}, False),  # the tests' in-memory database
    ],
)
def test_sqlite_settings(values: dict[str, str], refused: bool) -> None:
    assert bool(durability.problems("sqlite", values)) is refused


@pytest.mark.parametrize("flipped", ["fsync", "full_page_writes", "synchronous_commit"])
def test_production_refuses_each_flipped_setting(settings: Any, flipped: str) -> None:
    settings.PRODUCTION = True
    fake = mock.Mock(vendor="postgresql", spec=["vendor"])
    with (
        mock.patch.object(durability, "current_settings", return_value={**SAFE_PG, flipped: "off"}),
        pytest.raises(ImproperlyConfigured, match=flipped),
    ):
        durability.refuse_unsafe_connection(None, fake)
    # A safe server is checked once per connection.
    with mock.patch.object(durability, "current_settings", return_value=SAFE_PG) as read:
        durability.refuse_unsafe_connection(None, fake)
        durability.refuse_unsafe_connection(None, fake)
    assert read.call_count == 1


def test_development_does_not_refuse(settings: Any) -> None:
    settings.PRODUCTION = False
    with mock.patch.object(durability, "current_settings", return_value={**SAFE_PG, "fsync": "off"}) as read:
        durability.refuse_unsafe_connection(None, mock.Mock(vendor="postgresql"))
    read.assert_not_called()


@pytest.mark.django_db
def test_the_settings_are_read_from_the_live_connection() -> None:
    values = durability.current_settings(connection)
    expected = set(durability.PG_SETTINGS) if connection.vendor == "postgresql" else {"journal_mode", "synchronous"}
    assert set(values) == expected and all(values.values())


def test_a_production_sqlite_file_passes_the_database_check(tmp_path: Path) -> None:
    env = {**_production_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    result = _manage("check", "--database", "default", "--fail-level", "ERROR", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
