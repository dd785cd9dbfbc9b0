"""The audit log: chained, append-only, fail-closed, masked, readable only by the auditor."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from jiuye.accounts.models import User
from jiuye.accounts.services import user_update
from jiuye.conftest import COUNTY_A, COUNTY_B, audit_action, login
from jiuye.core.audit import audit_record, verify_chain
from jiuye.core.models import AuditEvent
from jiuye.regions.models import Region

pytestmark = pytest.mark.django_db


@contextmanager
def guard_lifted() -> Iterator[None]:
    """What an attacker with database rights would do first: lift the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    yield


def _chain(n: int = 12) -> list[AuditEvent]:
    return [
        audit_record(action=audit_action("test.event"), object_type="t", object_id=str(i), after={"i": i})
        for i in range(n)
    ]


def _verify_exit() -> tuple[int, dict[str, Any]]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_an_intact_chain_verifies() -> None:
    _chain()
    code, result = _verify_exit()
    assert code == 0 and result["ok"] is True and result["checked"] == AuditEvent.objects.count()


def test_the_database_refuses_updates_and_deletes() -> None:
    event = _chain(1)[0]
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_an_altered_row_is_reported() -> None:
    events = _chain()
    target = events[5]
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET outcome = 'failure' WHERE id = %s", [target.pk])
    code, result = _verify_exit()
    assert code == 1 and result["first_broken_seq"] == target.seq


def test_a_deleted_row_is_reported() -> None:
    events = _chain()
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[4].pk])
    code, result = _verify_exit()
    assert code == 1 and result["first_broken_seq"] == events[5].seq


def test_a_deleted_last_row_is_reported() -> None:
    events = _chain()
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    code, result = _verify_exit()
    assert code == 1 and "末尾" in result["reason"]


def test_swapped_rows_are_reported() -> None:
    events = _chain()
    a, b = events[3], events[7]
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = -1 WHERE id = %s", [a.pk])
        cursor.execute("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
        cursor.execute("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    code, result = _verify_exit()
    assert code == 1 and result["first_broken_seq"] == a.seq


def test_a_row_inserted_out_of_order_is_reported() -> None:
    events = _chain()
    forged = events[2]
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = -(seq + 1) WHERE seq > %s", [forged.seq])
        cursor.execute("UPDATE core_auditevent SET seq = -seq WHERE seq < 0")
    # Room made after row 3; now copy row 3 in as row 4 (its HMAC does not match its new place).
    AuditEvent.objects.create(
        **{f.name: getattr(forged, f.name) for f in AuditEvent._meta.fields if f.name not in ("id", "seq")},
        seq=forged.seq + 1,
    )
    code, result = _verify_exit()
    assert code == 1 and result["first_broken_seq"] == forged.seq + 1


def test_random_tampering_is_always_detected() -> None:
    rng = random.Random(20261127)
    events = _chain(40)
    columns = ["action", "actor_username", "object_id", "outcome", "region_code", "request_id"]
    with guard_lifted():
        for trial in range(60):
            victim = rng.choice(events)
            column = rng.choice(columns)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column} FROM core_auditevent WHERE id = %s", [victim.pk])  # noqa: S608
                (original,) = cursor.fetchone()
                cursor.execute(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [f"x{trial}", victim.pk])  # noqa: S608
            report = verify_chain()
            assert not report.ok and report.breaks[0].seq == victim.seq
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [original, victim.pk])  # noqa: S608
    assert verify_chain().ok


def test_a_failed_audit_write_rolls_the_change_back(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    count = AuditEvent.objects.count()
    with (
        mock.patch.object(AuditEvent, "save", side_effect=RuntimeError("audit store down")),
        pytest.raises(RuntimeError),
    ):
        user_update(
            actor=personas["security_admin"],
            user=officer,
            role="county_officer",
            region=Region.objects.get(code=COUNTY_B),
            full_name="",
            is_active=True,
        )
    officer.refresh_from_db()
    assert officer.region_id == COUNTY_A
    assert AuditEvent.objects.count() == count


def test_a_failed_audit_write_over_http_is_a_clean_error(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin"])
    target = personas["village_a"]
    client.raise_request_exception = False
    with mock.patch.object(AuditEvent, "save", side_effect=RuntimeError("audit store down")):
        response = client.patch(
            f"/api/v1/users/{target.pk}", json.dumps({"full_name": "改名"}), content_type="application/json"
        )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error" and "audit store" not in response.content.decode()
    target.refresh_from_db()
    assert target.full_name == ""


def test_personal_values_are_masked_in_the_log() -> None:
    event = audit_record(
        action=audit_action("test.mask"),
        after={"id_number": "61092419900101123X", "phone": "13812345678", "password": "s"},
    )
    assert event.after == {"id_number": "610924********123X", "phone": "138****5678", "password": "******"}


def test_a_county_auditor_reads_only_that_county(personas: dict[str, User]) -> None:
    audit_record(action=audit_action("test.a"), region_code="610924100001")
    audit_record(action=audit_action("test.b"), region_code="610902001001")
    client = login(Client(), personas["audit_admin_a"])
    page = client.get("/audit/?action=test.")
    actions = [e.action for e in page.context["page"].object_list]
    assert actions == ["test.a"]
    api = client.get("/api/v1/audit/events?action=test.").json()
    assert [e["action"] for e in api["items"]] == ["test.a"]
    city = login(Client(), personas["audit_admin"])
    assert {e["action"] for e in city.get("/api/v1/audit/events?action=test.").json()["items"]} == {"test.a", "test.b"}


def test_the_audit_page_can_verify_the_chain(personas: dict[str, User]) -> None:
    _chain(3)
    client = login(Client(), personas["audit_admin"])
    response = client.post("/audit/verify/")
    assert "日志链完整" in response.content.decode()


def test_system_events_are_read_by_city_auditors_only(personas: dict[str, User]) -> None:
    audit_record(action=audit_action("test.system"))  # no user, no region: e.g. a region load from the command line
    city = login(Client(), personas["audit_admin"]).get("/api/v1/audit/events?action=test.").json()
    county = login(Client(), personas["audit_admin_a"]).get("/api/v1/audit/events?action=test.").json()
    assert [e["action"] for e in city["items"]] == ["test.system"]
    assert county["items"] == []
