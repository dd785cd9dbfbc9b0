"""Conflicts between transactions are retried, not shown (security bar C-4): a deadlock or a
serialization failure runs the service's transaction again from the start, with what the failed
attempt wrote rolled back and the instances passed in read again; one that lasts is a 503 that
says nothing was saved. On PostgreSQL the conflict is a real server error (raised by the server
with its SQLSTATE); on SQLite an equivalent exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.core import db
from jiuye.core.models import AuditEvent
from jiuye.registry import services
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.models import EmploymentSpell, Person
from jiuye.registry.services import zero_employment
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db


def raise_conflict(sqlstate: str = "40P01") -> None:
    """What the database driver raises when the server aborts a transaction for a conflict."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the server itself raises it
            cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '{sqlstate}'; END $$")
    error = {"40P01": psycopg.errors.DeadlockDetected, "40001": psycopg.errors.SerializationFailure}[sqlstate]
    raise OperationalError("conflict") from error("conflict")


def failing(original: Callable[..., Any], times: int, fail: Callable[[], None] = raise_conflict) -> Any:
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            fail()
        return original(*args, **kwargs)

    wrapper.calls = calls  # type: ignore[attr-defined]
    return wrapper


def refresh_failing(monkeypatch: pytest.MonkeyPatch, times: int, fail: Callable[[], None] = raise_conflict) -> Any:
    """The household refresh, which services run after writing the person and the audit row,
    failing its first ``times`` calls."""
    refresh = failing(zero_employment.household_refresh, times=times, fail=fail)
    monkeypatch.setattr(zero_employment, "household_refresh", refresh)
    return refresh


def change_status(officer: User, person: Person) -> Person:
    return services.status_change(
        actor=officer, person=person, status=EmploymentStatus.FLEXIBLE, start=date(2025, 6, 1)
    )


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "PAUSE", 0.0)


@pytest.fixture
def officer(personas: dict[str, User]) -> User:
    return personas["county_a"]


def test_what_counts_as_a_conflict() -> None:
    for state, expected in [("40P01", True), ("40001", True)]:
        with pytest.raises(OperationalError) as caught, transaction.atomic():
            raise_conflict(state)
        assert db.is_conflict(caught.value) is expected
    assert not db.is_conflict(OperationalError("no such table: x"))
    assert not db.is_conflict(ValueError("40P01"))
    assert db.is_conflict(OperationalError("database is locked")) is (connection.vendor == "sqlite")


def test_a_deadlock_runs_the_transaction_again_and_the_failed_attempt_leaves_nothing(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = factories.person(officer, factories.household(officer), since=date(2025, 1, 1))
    refresh = refresh_failing(monkeypatch, times=2)
    audit_before = AuditEvent.objects.filter(action="registry.status_change").count()
    change_status(officer, person)
    assert refresh.calls["n"] == 3
    spells = list(EmploymentSpell.objects.filter(person=person).order_by("start").values_list("start", "end"))
    assert spells == [(date(2025, 1, 1), date(2025, 5, 31)), (date(2025, 6, 1), None)]
    assert AuditEvent.objects.filter(action="registry.status_change").count() == audit_before + 1
    person.refresh_from_db()
    assert (person.status, person.version) == (EmploymentStatus.FLEXIBLE, 2)


def test_the_retry_reads_the_instances_passed_in_again(officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failed attempt had already pointed the in-memory person at the new household; read
    as it was, the retry would think the move done and return without moving anyone."""
    home = factories.household(officer)
    person = factories.person(officer, home)
    factories.person(officer, home, name="留下的家人", birth=date(1960, 1, 1), relation="spouse")
    target = factories.household(officer)
    refresh_failing(monkeypatch, times=1)
    services.person_move(actor=officer, person=person, household=target)
    assert Person.objects.get(pk=person.pk).household_id == target.pk
    move = AuditEvent.objects.filter(action="registry.person_move").get()
    assert move.before["household"] == str(home) and move.after["household"] == str(target)


def test_a_real_error_is_not_retried(officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    person = factories.person(officer, factories.household(officer), since=date(2025, 1, 1))

    def broken() -> None:
        raise OperationalError("disk I/O error")

    refresh = refresh_failing(monkeypatch, times=1, fail=broken)
    with pytest.raises(OperationalError, match="disk"):
        change_status(officer, person)
    assert refresh.calls["n"] == 1
    assert EmploymentSpell.objects.filter(person=person).count() == 1


def test_inside_a_callers_transaction_the_caller_retries_not_the_service(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = factories.person(officer, factories.household(officer), since=date(2025, 1, 1))
    refresh = refresh_failing(monkeypatch, times=1)
    with pytest.raises(OperationalError), transaction.atomic():
        change_status(officer, person)
    assert refresh.calls["n"] == 1


def test_a_lasting_conflict_is_a_503_that_says_nothing_was_saved(
    personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer), since=date(2025, 1, 1))
    refresh = refresh_failing(monkeypatch, times=1000)
    client = login(Client(), personas["village_a"])
    page = client.post(
        f"/registry/persons/{person.pk}/status/", {"status": EmploymentStatus.FLEXIBLE, "start": "2025-06-01"}
    )
    assert page.status_code == 503 and page["Retry-After"] == str(db.BUSY_RETRY_AFTER)
    assert "本次操作未保存" in page.content.decode()
    assert refresh.calls["n"] == db.ATTEMPTS
    api = client.post(
        f"/api/v1/registry/persons/{person.pk}/status",
        json.dumps({"status": EmploymentStatus.FLEXIBLE, "start": "2025-06-01"}),
        content_type="application/json",
    )
    assert api.status_code == 503 and api.json()["error"]["code"] == "busy"
    assert EmploymentSpell.objects.filter(person=person).count() == 1


def test_an_import_batch_in_conflict_is_committed_again(
    personas: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jiuye.imports.models import ImportStatus
    from jiuye.imports.tests.test_registry_import import row, run, write_csv

    # The household refresh runs inside each batch's transaction, after its persons are written.
    write = failing(zero_employment.households_refresh, times=2)
    monkeypatch.setattr(zero_employment, "households_refresh", write)
    rows = [row(**{"户编号": f"{n:03d}", "姓名": f"王{n}"}) for n in range(1, 6)]
    job = run(write_csv(tmp_path / "five.csv", rows), personas["county_a"])  # batches of 3: two batches
    assert write.calls["n"] == 4  # the first batch three times
    assert (job.status, job.created, job.rejected) == (ImportStatus.DONE, 5, 0)
    assert Person.objects.filter(name__startswith="王").count() == 5
    assert AuditEvent.objects.filter(action="registry.import_batch").count() == 2
