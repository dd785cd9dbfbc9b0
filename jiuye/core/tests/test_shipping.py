"""Shipping the audit log to an external JSON-lines store (security bar L-8): every event once,
in order, across restarts and crashes; a broken chain stops it; the archive then witnesses any
later rewrite of the database."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command

from jiuye.conftest import audit_action
from jiuye.core import shipping
from jiuye.core.audit import audit_record
from jiuye.core.models import AuditEvent, AuditShipCursor
from jiuye.core.tests.test_audit import guard_lifted

pytestmark = pytest.mark.django_db


def _events(n: int) -> None:
    for i in range(n):
        audit_record(action=audit_action("test.ship"), object_type="t", object_id=str(i), after={"i": i})


def _shipped(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _all_seqs() -> list[int]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def _command(*args: str) -> tuple[int, dict[str, Any]]:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_every_event_once_in_order_with_its_fields(tmp_path: Path) -> None:
    _events(25)
    archive = tmp_path / "audit.jsonl"
    code, result = _command("ship_audit", "--to", str(archive), "--batch", "10")
    assert code == 0 and result["shipped"] == AuditEvent.objects.count()
    lines = _shipped(archive)
    assert [line["seq"] for line in lines] == _all_seqs()
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert lines[-1] == json.loads(shipping.event_line(last))
    assert set(lines[-1]) == set(shipping.FIELDS)
    assert lines[-1]["at"].endswith("+00:00")
    # New events only, the next time.
    _events(3)
    code, result = _command("ship_audit", "--to", str(archive))
    assert result["shipped"] == 3
    assert [line["seq"] for line in _shipped(archive)] == _all_seqs()
    assert AuditShipCursor.objects.get().last_seq == _all_seqs()[-1]


@pytest.mark.parametrize("crash_after_batches", [1, 2, 3])
def test_a_crash_between_writing_and_recording_loses_and_repeats_nothing(
    tmp_path: Path, crash_after_batches: int
) -> None:
    _events(40)
    archive = tmp_path / "audit.jsonl"
    real_save = AuditShipCursor.save
    calls = {"n": 0}

    def crashing_save(self: AuditShipCursor, *args: Any, **kwargs: Any) -> None:
        calls["n"] += "update_fields" in kwargs  # a batch recorded (not the cursor's creation)
        if calls["n"] > crash_after_batches:
            raise KeyboardInterrupt("killed after the file was written, before the cursor was")
        real_save(self, *args, **kwargs)

    with mock.patch.object(AuditShipCursor, "save", crashing_save), pytest.raises(KeyboardInterrupt):
        shipping.ship_to_file(archive, batch=10)
    written = len(_shipped(archive))
    assert written == 10 * (crash_after_batches + 1)  # the file holds one batch more than the record
    shipping.ship_to_file(archive, batch=10)  # restarted
    assert [line["seq"] for line in _shipped(archive)] == _all_seqs()


def test_a_half_written_line_is_cut_and_written_again(tmp_path: Path) -> None:
    _events(5)
    archive = tmp_path / "audit.jsonl"
    shipping.ship_to_file(archive)
    _events(2)
    first_new = AuditEvent.objects.order_by("-seq")[1]
    with archive.open("a", encoding="utf-8") as handle:  # a crash in the middle of a write
        handle.write(shipping.event_line(first_new)[:40])
    shipping.ship_to_file(archive)
    assert [line["seq"] for line in _shipped(archive)] == _all_seqs()


def test_a_rotated_file_goes_on_from_the_record(tmp_path: Path) -> None:
    _events(4)
    archive = tmp_path / "audit.jsonl"
    shipping.ship_to_file(archive)
    before = len(_shipped(archive))
    archive.rename(tmp_path / "audit.jsonl.1")  # logrotate
    _events(3)
    shipping.ship_to_file(archive)
    assert len(_shipped(archive)) == 3
    assert before + 3 == AuditEvent.objects.count()


def test_a_tampered_row_is_not_shipped(tmp_path: Path) -> None:
    _events(6)
    victim = AuditEvent.objects.order_by("seq")[3]
    with guard_lifted():
        AuditEvent.objects.filter(pk=victim.pk).update(after={"i": 999})
    code, result = _command("ship_audit", "--to", str(tmp_path / "a.jsonl"))
    assert code == 1 and result["ok"] is False
    assert f"第{victim.seq}条" in result["error"] and "篡改" in result["error"]
    assert [line["seq"] for line in _shipped(tmp_path / "a.jsonl")] == _all_seqs()[:3]


def test_the_archive_witnesses_a_rewrite_with_the_key(tmp_path: Path) -> None:
    """Someone with database rights and the chain key rewrites a row and re-signs the chain
    after it: verify_audit alone is satisfied, the comparison with the archive is not."""
    from jiuye.core.audit import compute_hmac
    from jiuye.core.models import AuditChainHead

    _events(8)
    archive = tmp_path / "audit.jsonl"
    shipping.ship_to_file(archive)
    events = list(AuditEvent.objects.order_by("seq"))
    target = events[4].seq
    with guard_lifted():
        prev_hmac = events[3].hmac
        for event in events[4:]:
            if event.seq == target:
                event.after = {"i": "rewritten"}
            event.prev_hmac = prev_hmac
            event.hmac = compute_hmac(event)
            AuditEvent.objects.filter(pk=event.pk).update(after=event.after, prev_hmac=event.prev_hmac, hmac=event.hmac)
            prev_hmac = event.hmac
        AuditChainHead.objects.filter(pk=1).update(hmac=prev_hmac)
    code, result = _command("verify_audit")
    assert code == 0  # the chain alone cannot tell
    code, result = _command("verify_audit", "--against", str(archive))
    assert code == 1 and result["first_broken_seq"] == target
    assert "外部存档" in result["reason"]
    # And the shipper refuses to go on from an archive the database contradicts.
    _events(1)
    with pytest.raises(shipping.ShipError):
        shipping.ship_to_file(archive)


def test_an_intact_archive_compares_clean(tmp_path: Path) -> None:
    _events(7)
    archive = tmp_path / "audit.jsonl"
    shipping.ship_to_file(archive)
    code, result = _command("verify_audit", "--against", str(archive))
    assert code == 0 and result["ok"] is True
