"""The audit log: chained, append-only, fail-closed, masked, readable only by the auditor."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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
    actions = [e.action for e in client.get("/audit/").context["page"].object_list]
    assert "test.a" in actions and "test.b" not in actions
    assert list(client.get("/audit/?action=test.b").context["page"].object_list) == []
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


def test_the_log_reads_in_the_bureaus_words_and_keeps_the_codes(personas: dict[str, User]) -> None:
    """Actions by their Chinese names, objects and regions by name, changes as 字段：旧值 → 新值;
    the codes and the JSON as recorded in the detail page and the export."""
    from decimal import Decimal

    from python_calamine import CalamineWorkbook

    from jiuye.indicators import catalogue, targets

    admin = personas["security_admin"]
    officer = personas["county_a"]
    user_update(
        actor=admin,
        user=officer,
        role=officer.role,
        region=officer.region,
        full_name="紫阳县新经办员",
        is_active=False,
    )
    indicator = catalogue.get("urban_new_employment")
    assert indicator is not None
    targets.target_set(
        actor=personas["city_admin"],
        indicator=indicator,
        region_code=COUNTY_A,
        start_year=2026,
        end_year=2026,
        value=Decimal(300),
    )
    client = login(Client(), personas["audit_admin"])
    page = client.get("/audit/")
    html = page.content.decode()
    table = html.split("<tbody>")[1]
    assert "修改用户" in table and "下达目标任务" in table
    assert "user.update" not in table and "indicators.target_set" not in table and "accounts.user" not in table
    assert "用户 紫阳县新经办员" in table and "目标任务 城镇新增就业 2026" in table
    assert "紫阳县" in table and COUNTY_A not in table  # the region by name
    assert "姓名：" in table and "→ 紫阳县新经办员" in table
    assert f"{User._meta.get_field('is_active').verbose_name}：是 → 否" in table  # the field's own name
    assert '{"' not in table  # no raw JSON
    event = AuditEvent.objects.filter(action="user.update").latest("seq")
    detail = client.get(f"/audit/{event.seq}/").content.decode()
    assert "user.update" in detail and "accounts.user" in detail and "&quot;is_active&quot;: false" in detail
    assert event.hmac in detail
    # A county auditor: the city's event in the county is visible, the detail of another is 404.
    county = login(Client(), personas["audit_admin_a"])
    assert county.get(f"/audit/{event.seq}/").status_code == 200  # an event of 紫阳县
    elsewhere = audit_record(action=audit_action("test.b"), region_code=COUNTY_B)
    assert county.get(f"/audit/{elsewhere.seq}/").status_code == 404
    export = client.get("/audit/export.xlsx?action=user.update")
    path = Path(tempfile.mkdtemp()) / "audit.xlsx"
    path.write_bytes(export.content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[1]
    record = dict(zip(header, rows[2], strict=True))
    assert record["操作"] == "修改用户" and record["操作代码"] == "user.update"
    assert record["对象类型"] == "accounts.user" and record["对象"] == "用户 紫阳县新经办员"
    assert json.loads(record["变更后（JSON）"])["is_active"] is False
    assert len(rows) == 3  # the watermark, the header, the one filtered event
    assert AuditEvent.objects.filter(action="audit.export").exists()
    # Codes an event keeps in one string are named one by one (the groups a sensitive view showed).
    from jiuye.core.audit_text import describe
    from jiuye.registry.choices import KeyGroup

    viewed = audit_record(
        action=audit_action("registry.sensitive_view"),
        after={"groups": f"{KeyGroup.POVERTY_ALLEVIATED.value},{KeyGroup.RELOCATED.value}", "income": True},
    )
    [(_, text)] = describe([viewed])
    assert text.changes_text == (
        f"重点群体：{KeyGroup.POVERTY_ALLEVIATED.label}、{KeyGroup.RELOCATED.label}；月收入：是"
    ), text.changes_text
