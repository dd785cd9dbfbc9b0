"""Shipping the audit log to a store outside the database (security bar L-8; 等保 集中管控:
audit data collected centrally; ASVS 16.4.3).

``ship_to_file`` appends every event not yet shipped to a JSON-lines file, one event a line with
all its fields and its HMAC, in sequence order, and fsyncs it before recording how far it got
(``AuditShipCursor``). A log collector (rsyslog ``imfile``, filebeat, fluent-bit) forwards the
file to the log host. Nothing is lost across a crash or restart: the file's last complete line
says how far it really got, so a batch written but not yet recorded is not written twice, and
a half-written last line is cut off and written again.

The shipper also checks the chain as it goes — each event's HMAC, and its link to the one before
— and stops at a break instead of shipping tampered rows. Once shipped, the archive is a witness:
``compare_with_archive`` reports any row the database no longer holds as it was shipped, which
also catches a rewrite by someone holding both the database rights and the chain key.
"""

from __future__ import annotations

import hmac as hmac_lib
import json
import os
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import SIGNED_FIELDS, ChainBreak, ChainReport, content_problems, gaps_between, link_problems
from jiuye.core.models import AuditEvent, AuditPurgeGap, AuditShipCursor

FIELDS = (*SIGNED_FIELDS, "hmac")
_TAIL_BYTES = 256 * 1024  # more than the longest line (before/after are small, masked mappings)


class ShipError(Exception):
    """The chain is broken, or the archive disagrees with the database: shipping stops."""


@dataclass(frozen=True)
class ShipResult:
    shipped: int
    last_seq: int


def event_line(event: AuditEvent) -> str:
    values: dict[str, Any] = {name: getattr(event, name) for name in FIELDS}
    values["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _repair_tail(path: Path) -> tuple[int, str] | None:
    """The (seq, hmac) of the file's last complete line, after cutting off a half-written one."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        start = max(0, size - _TAIL_BYTES)
        handle.seek(start)
        tail = handle.read()
        if not tail.endswith(b"\n"):  # a crash in the middle of a line: drop the fragment
            cut = tail.rfind(b"\n")
            keep = start + cut + 1 if cut >= 0 else start
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())
            tail = tail[: cut + 1] if cut >= 0 else b""
    lines = tail.splitlines()
    if not lines:
        return None
    try:
        last = json.loads(lines[-1])
        return int(last["seq"]), str(last["hmac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ShipError(_("外部存档的最后一行无法识别：%(error)s") % {"error": exc}) from exc


def _check(event: AuditEvent, prev_seq: int, prev_hmac: str) -> None:
    expected = prev_seq + 1
    gaps = gaps_between(expected, event.seq - 1) if event.seq != expected else {}
    problems = link_problems(event, expected, prev_hmac, gaps) + content_problems(event)
    if problems:
        raise ShipError(
            _("审计日志第%(seq)d条：%(problem)s，已停止外送。") % {"seq": event.seq, "problem": problems[0]}
        )


def _append(path: Path, lines: list[str]) -> None:
    """Append whole lines and wait until they are on disk."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        data = memoryview(("\n".join(lines) + "\n").encode())
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def ship_to_file(path: Path, *, destination: str = "", batch: int = 1000, limit: int | None = None) -> ShipResult:
    """Append the events not yet shipped to ``path``; at most ``limit`` of them when given."""
    name = destination or str(path.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    shipped = 0
    while limit is None or shipped < limit:
        with transaction.atomic():
            cursor, _created = AuditShipCursor.objects.select_for_update().get_or_create(destination=name)
            last_seq, last_hmac = cursor.last_seq, cursor.last_hmac
            tail = _repair_tail(path)
            if tail is not None and tail[0] != last_seq:
                # The file got further than the record (a crash between the two), or a restored
                # file is behind it: go on from the file, once the database confirms its last line.
                held = AuditEvent.objects.filter(seq=tail[0]).values_list("hmac", flat=True).first()
                if held != tail[1]:
                    raise ShipError(_("外部存档第%(seq)d条与数据库中的记录不符，已停止外送。") % {"seq": tail[0]})
                last_seq, last_hmac = tail
            size = batch if limit is None else min(batch, limit - shipped)
            events = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:size])
            if not events:
                if (cursor.last_seq, cursor.last_hmac) != (last_seq, last_hmac):
                    cursor.last_seq, cursor.last_hmac = last_seq, last_hmac
                    cursor.save(update_fields=["last_seq", "last_hmac"])
                break
            lines: list[str] = []
            broken: ShipError | None = None
            for event in events:
                try:
                    _check(event, last_seq, last_hmac)
                except ShipError as exc:  # ship what comes before the break, then stop
                    broken = exc
                    break
                lines.append(event_line(event))
                last_seq, last_hmac = event.seq, event.hmac
            if lines:
                _append(path, lines)
                cursor.last_seq, cursor.last_hmac, cursor.shipped_at = last_seq, last_hmac, timezone.now()
                cursor.save(update_fields=["last_seq", "last_hmac", "shipped_at"])
                shipped += len(lines)
        if broken is not None:
            raise broken
    last = AuditShipCursor.objects.filter(destination=name).values_list("last_seq", flat=True).first()
    return ShipResult(shipped=shipped, last_seq=last or 0)


def _archive_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, json.loads(line)


def compare_with_archive(path: Path, *, stop_at_first: bool = False) -> ChainReport:
    """Every shipped event must still be in the database, unchanged (same HMAC)."""
    breaks: list[ChainBreak] = []
    checked = 0
    chunk: list[dict[str, Any]] = []
    gaps = list(AuditPurgeGap.objects.order_by("first_seq").values_list("first_seq", "last_seq", "last_hmac"))
    starts = [first for first, _last, _hmac in gaps]

    def purged(seq: int, shipped_hmac: str) -> bool:
        """Deleted by the retention purge: a gap covers it (and holds the last one's HMAC)."""
        at = bisect_right(starts, seq) - 1
        if at < 0 or gaps[at][1] < seq:
            return False
        if seq == gaps[at][1] and not hmac_lib.compare_digest(gaps[at][2], shipped_hmac):
            breaks.append(ChainBreak(seq=seq, reason=_("与外部存档不符（清理区段记下的末条校验值不同）")))
        return True

    def flush() -> None:
        held = dict(AuditEvent.objects.filter(seq__in=[c["seq"] for c in chunk]).values_list("seq", "hmac"))
        for shipped in chunk:
            seq = int(shipped["seq"])
            if seq not in held:
                if purged(seq, str(shipped["hmac"])):
                    continue
                breaks.append(ChainBreak(seq=seq, reason=_("外部存档中有此记录，数据库中已没有（记录被删除）")))
            elif not hmac_lib.compare_digest(held[seq], str(shipped["hmac"])):
                breaks.append(ChainBreak(seq=seq, reason=_("与外部存档不符（数据库中的记录被改写）")))
        chunk.clear()

    for _number, shipped in _archive_lines(path):
        checked += 1
        chunk.append(shipped)
        if len(chunk) >= 1000:
            flush()
            if breaks and stop_at_first:
                break
    if chunk and not (breaks and stop_at_first):
        flush()
    return ChainReport(checked=checked, breaks=breaks[:1] if stop_at_first else breaks)
