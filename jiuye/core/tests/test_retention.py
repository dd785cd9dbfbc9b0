"""Audit retention (security bar L-5): the purge deletes only archived events older than 180 days,
keeps approvals, disclosures and ledgers three years, and leaves signed gaps across which the
chain, the shipper and the archive comparison still verify. The database refuses the rest."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from freezegun import freeze_time

from jiuye.conftest import audit_action
from jiuye.core import retention
from jiuye.core.audit import audit_record, compute_hmac, verify_chain
from jiuye.core.models import AuditEvent, AuditPurgeGap, AuditShipCursor
from jiuye.core.shipping import compare_with_archive, ship_to_file

pytestmark = pytest.mark.django_db


def _event(days_ago: int, action: str = "test.event", **after: Any) -> AuditEvent:
    with freeze_time(timezone.now() - timedelta(days=days_ago)):
        return audit_record(action=audit_action(action), object_type="t", object_id=action, after=after)


def _ages() -> list[tuple[str, int]]:
    now = timezone.now()
    return [(e.action, (now - e.at).days) for e in AuditEvent.objects.filter(object_type="t").order_by("seq")]


def _base() -> int:
    """The events written before the test's own (the regions' load, in the fixtures)."""
    return AuditEvent.objects.count()


def _ship(tmp_path: Path) -> Path:
    archive = tmp_path / "audit.jsonl"
    ship_to_file(archive)
    return archive


def test_the_bars_rows_minus_179_181_and_1100_days(tmp_path: Path) -> None:
    """The security bar's own test: 0 rows younger than 180 days deleted, the long-kept ones
    untouched for three years, the chain whole afterwards."""
    b = _base()
    _event(1100, "test.old")
    _event(1100, "export.approve")  # long-kept, but older than three years
    _event(400, "export.approve")
    _event(181, "test.old")
    _event(181, "registry.reveal")  # a disclosure: kept
    _event(179, "test.recent")
    _event(1, "test.recent")
    archive = _ship(tmp_path)
    result = retention.purge_audit()
    assert (result.deleted, result.kept_long) == (3, 2)
    assert _ages() == [("export.approve", 400), ("registry.reveal", 181), ("test.recent", 179), ("test.recent", 1)]
    assert list(AuditPurgeGap.objects.values_list("first_seq", "last_seq")) == [(b + 1, b + 2), (b + 4, b + 4)]
    assert verify_chain().ok
    assert compare_with_archive(archive).ok
    # The purge is itself recorded, and kept three years.
    purge = AuditEvent.objects.get(action="audit.purge")
    assert purge.after["deleted"] == 3 and purge.after["gaps"] == 2
    # Shipping goes on from where it was, and a new archive starts across the gaps.
    _event(0, "test.after")
    assert ship_to_file(archive).shipped == 2
    fresh = tmp_path / "second.jsonl"
    assert ship_to_file(fresh).shipped == AuditEvent.objects.count()
    assert compare_with_archive(archive).ok and compare_with_archive(fresh).ok


def test_only_archived_events_are_purged(tmp_path: Path) -> None:
    _event(400)
    with pytest.raises(retention.RetentionError, match="尚未外送存档"):
        retention.purge_audit()
    archive = _ship(tmp_path)
    _event(300)  # old, but shipped nowhere yet
    assert retention.purge_audit().deleted == 1
    assert [days for _action, days in _ages()][:1] == [300]
    assert verify_chain().ok and compare_with_archive(archive).ok


@pytest.mark.parametrize(("days", "long_days"), [(179, 1096), (180, 1095), (2000, 1096)])
def test_settings_below_the_floors_are_refused(tmp_path: Path, days: int, long_days: int) -> None:
    _event(1500)
    _ship(tmp_path)
    with pytest.raises(retention.RetentionError, match="至少保存"):
        retention.purge_audit(days=days, long_days=long_days)
    assert AuditEvent.objects.filter(object_type="t").count() == 1 and not AuditPurgeGap.objects.exists()


def test_a_dry_run_counts_and_deletes_nothing(tmp_path: Path) -> None:
    for _ in range(3):
        _event(200)
    _ship(tmp_path)
    result = retention.purge_audit(dry_run=True)
    assert (result.deleted, result.gaps) == (3, 1)
    assert AuditEvent.objects.filter(object_type="t").count() == 3 and not AuditPurgeGap.objects.exists()


def test_later_purges_and_long_runs_chain_their_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "RUN_LIMIT", 3)
    monkeypatch.setattr(retention, "PAGE", 2)
    b = _base()
    for _ in range(4):
        _event(1200)
    _event(1000, "export.request")  # kept now; older than three years a hundred days later
    for _ in range(4):
        _event(500)
    archive = _ship(tmp_path)
    purge = retention.purge_audit()
    runs = [(first - b, last - b) for first, last in purge.runs]
    assert (purge.deleted, runs) == (8, [(1, 3), (4, 4), (6, 8), (9, 9)])
    assert verify_chain().ok
    with freeze_time(timezone.now() + timedelta(days=100)):
        ship_to_file(archive)  # the first purge's own record is archived too
        second = retention.purge_audit()
    assert second.runs == [(b + 5, b + 5)]
    assert not AuditEvent.objects.filter(object_type="t").exists()
    assert verify_chain().ok and compare_with_archive(archive).ok


def test_the_database_refuses_what_the_purge_would_not_do(tmp_path: Path) -> None:
    old = _event(200)
    young = _event(179)
    _ship(tmp_path)
    # An old event that no gap covers.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).delete()
    # A young event, even under a properly signed gap: the 180 days are the database's rule.
    gap = AuditPurgeGap(
        first_seq=young.seq,
        last_seq=young.seq,
        first_prev_hmac=young.prev_hmac,
        last_hmac=young.hmac,
        purged_at=timezone.now(),
    )
    gap.hmac = retention.gap_hmac(gap)
    gap.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=young.pk).delete()
    # The gaps are append-only.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditPurgeGap.objects.filter(pk=gap.pk).update(last_hmac="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditPurgeGap.objects.filter(pk=gap.pk).delete()
    assert AuditEvent.objects.filter(object_type="t").count() == 2


def test_a_gap_forged_without_the_key_is_a_break(tmp_path: Path) -> None:
    _event(300)
    victim = _event(300, "test.victim")
    _event(300)
    archive = _ship(tmp_path)
    # Someone with database rights but not the key: a gap to make the trigger let a row go.
    AuditPurgeGap.objects.create(
        first_seq=victim.seq,
        last_seq=victim.seq,
        first_prev_hmac=victim.prev_hmac,
        last_hmac=victim.hmac,
        purged_at=timezone.now(),
        hmac="f" * 64,
    )
    AuditEvent.objects.filter(pk=victim.pk).delete()
    report = verify_chain()
    assert [b.seq for b in report.breaks] == [victim.seq + 1]
    assert "伪造" in report.breaks[0].reason
    # The archive comparison does not complain of the row itself (a gap covers it) …
    assert compare_with_archive(archive).ok
    # … but a gap that does not match the archived row is caught there.
    other = AuditEvent.objects.get(seq=victim.seq + 1)
    AuditPurgeGap.objects.create(
        first_seq=other.seq,
        last_seq=other.seq,
        first_prev_hmac=other.prev_hmac,
        last_hmac="0" * 64,
        purged_at=timezone.now(),
        hmac="f" * 64,
    )
    AuditEvent.objects.filter(pk=other.pk).delete()
    assert not compare_with_archive(archive).ok


def test_a_gap_over_rows_still_there_is_a_break(tmp_path: Path) -> None:
    events = [_event(300) for _ in range(3)]
    gap = AuditPurgeGap(
        first_seq=events[1].seq,
        last_seq=events[1].seq,
        first_prev_hmac=events[1].prev_hmac,
        last_hmac=events[1].hmac,
        purged_at=timezone.now(),
    )
    gap.hmac = retention.gap_hmac(gap)
    gap.save()
    report = verify_chain()
    assert [b.seq for b in report.breaks] == [events[1].seq]


def test_a_tampered_row_stops_the_purge(tmp_path: Path) -> None:
    from jiuye.core.tests.test_audit import guard_lifted

    events = [_event(300) for _ in range(3)]
    _ship(tmp_path)
    with guard_lifted():
        AuditEvent.objects.filter(pk=events[1].pk).update(after={"i": "rewritten"})
    with pytest.raises(retention.RetentionError, match=f"第{events[1].seq}条"):
        retention.purge_audit()
    assert AuditEvent.objects.filter(object_type="t").count() == 3 and not AuditPurgeGap.objects.exists()
    assert compute_hmac(AuditEvent.objects.get(pk=events[0].pk)) == events[0].hmac


def test_the_command_prints_one_json_line(tmp_path: Path) -> None:
    _event(200)
    _event(10)

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        out = StringIO()
        try:
            call_command("purge_audit", *args, stdout=out)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        return code, json.loads(out.getvalue())

    code, result = run()
    assert code == 1 and "ship_audit" in result["error"]
    _ship(tmp_path)
    code, result = run("--days", "90")
    assert code == 1 and "180" in result["error"]
    code, result = run("--dry-run")
    assert (code, result["deleted"], result["dry_run"]) == (0, 1, True)
    code, result = run()
    assert (code, result["deleted"], result["gaps"]) == (0, 1, 1)
    assert AuditShipCursor.objects.count() == 1 and verify_chain().ok
