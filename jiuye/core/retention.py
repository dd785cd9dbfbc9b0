"""Audit retention (security bar L-5; Cybersecurity Law Art. 21, PIPL Art. 56).

The audit log is kept at least 180 days online; events that record an approval, a disclosure or
a ledger entry at least three years. ``purge_audit`` deletes what is older than that, and only
what has already been shipped to the external archive (``ship_audit``), so nothing leaves the
database that exists nowhere else.

Each run of deleted events leaves an ``AuditPurgeGap``: its sequence numbers, the HMAC its first
event was linked to and the HMAC of its last event, signed with the chain key. The verifier walks
across a gap as across the events it replaces, so the chain stays whole: deleting an event that no
gap covers, or forging a gap without the key, is still a break. The database itself refuses to
delete an event younger than 180 days or outside a gap (migration 0005), whatever the settings.

The actions kept three years are those the apps define with ``keep_long`` in the audit-action
catalogue (``core.audit.define_action``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import actions
from jiuye.core.audit import audit_record, content_problems, gap_hmac, gap_span, link_problems, long_kept_codes
from jiuye.core.models import AuditEvent, AuditPurgeGap, AuditShipCursor

LEGAL_FLOOR_DAYS = 180  # Cybersecurity Law Art. 21: network logs kept no less than six months
LONG_FLOOR_DAYS = 1096  # three years (PIPL Art. 56), a leap day included
RUN_LIMIT = 50_000  # events deleted in one transaction (one gap)
PAGE = 2000  # events read at a time


class RetentionError(Exception):
    """The purge cannot run (a setting below the floor, nothing archived, a broken chain)."""


@dataclass
class PurgeResult:
    cutoff: datetime
    long_cutoff: datetime
    archived_through: int
    deleted: int = 0
    gaps: int = 0
    kept_long: int = 0
    dry_run: bool = False
    runs: list[tuple[int, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "deleted": self.deleted,
            "gaps": self.gaps,
            "kept_long": self.kept_long,
            "before": self.cutoff.isoformat(timespec="seconds"),
            "long_before": self.long_cutoff.isoformat(timespec="seconds"),
            "archived_through": self.archived_through,
            "dry_run": self.dry_run,
        }


def _pages(events: QuerySet[AuditEvent]) -> Iterator[AuditEvent]:
    """In sequence order, a page at a time by key, so that no cursor stays open on the table
    while the purge deletes from it (SQLite leaves that undefined)."""
    last = 0
    while True:
        page = list(events.filter(seq__gt=last).order_by("seq")[:PAGE])
        yield from page
        if len(page) < PAGE:
            return
        last = page[-1].seq


def _runs(events: Iterable[AuditEvent]) -> Iterator[list[AuditEvent]]:
    """Consecutive sequence numbers, at most RUN_LIMIT at a time; each event's own HMAC and its
    link to the one before it are checked, so tampered rows are never purged away."""
    run: list[AuditEvent] = []
    for event in events:
        follows = bool(run) and event.seq == run[-1].seq + 1
        problems = content_problems(event)
        if follows:
            problems += link_problems(event, run[-1].seq + 1, run[-1].hmac, {})
        if problems:
            raise RetentionError(
                _("审计日志第%(seq)d条：%(problem)s，已停止清理；请先运行 verify_audit 核查。")
                % {"seq": event.seq, "problem": problems[0]}
            )
        if run and (not follows or len(run) >= RUN_LIMIT):
            yield run
            run = []
        run.append(event)
    if run:
        yield run


def purge_audit(
    *,
    days: int | None = None,
    long_days: int | None = None,
    dry_run: bool = False,
    actor: object = None,
) -> PurgeResult:
    """Delete the archived audit events older than the retention periods."""
    days = settings.JIUYE_AUDIT_RETENTION_DAYS if days is None else days
    long_days = settings.JIUYE_AUDIT_LONG_RETENTION_DAYS if long_days is None else long_days
    if days < LEGAL_FLOOR_DAYS:
        raise RetentionError(
            _("审计日志至少保存 %(days)d 天（网络安全法第二十一条），不能更短。") % {"days": LEGAL_FLOOR_DAYS}
        )
    if long_days < max(LONG_FLOOR_DAYS, days):
        raise RetentionError(
            _("审批、披露与台账类审计记录至少保存 %(days)d 天（三年），不能更短。")
            % {"days": max(LONG_FLOOR_DAYS, days)}
        )
    archived = AuditShipCursor.objects.aggregate(seq=Max("last_seq"))["seq"] or 0
    if not archived:
        raise RetentionError(_("审计日志尚未外送存档（ship_audit），不能清理：清理只删除已存档的记录。"))
    now = timezone.now()
    result = PurgeResult(
        cutoff=now - timedelta(days=days),
        long_cutoff=now - timedelta(days=long_days),
        archived_through=archived,
        dry_run=dry_run,
    )
    old = AuditEvent.objects.filter(seq__lte=archived, at__lt=result.cutoff)
    long_kept = long_kept_codes()
    if long_kept:
        recent_long = Q(at__gte=result.long_cutoff) & Q(action__in=long_kept)
        result.kept_long = old.filter(recent_long).count()
        old = old.exclude(recent_long)
    for run in _runs(_pages(old)):
        first, last = run[0], run[-1]
        result.runs.append((first.seq, last.seq))
        result.deleted += len(run)
        result.gaps += 1
        if dry_run:
            continue
        with transaction.atomic():
            gap = AuditPurgeGap(
                first_seq=first.seq,
                last_seq=last.seq,
                first_prev_hmac=first.prev_hmac,
                last_hmac=last.hmac,
                purged_at=now,
            )
            gap.hmac = gap_hmac(gap)
            gap.save(force_insert=True)
            deleted, _detail = AuditEvent.objects.filter(seq__gte=first.seq, seq__lte=last.seq).delete()
            if deleted != len(run):  # another purge got there first: leave it to that one
                raise RetentionError(_("审计日志第%(first)d–%(last)d条已被其他清理任务处理。") % gap_span(gap))
    if not dry_run and result.deleted:
        audit_record(action=actions.AUDIT_PURGE, actor=actor, object_type="core.auditevent", after=result.as_dict())
    return result
