"""Writing and verifying the audit log.

``audit_record`` must be called inside the transaction of the change it records: if the audit
row cannot be written, the exception rolls the change back (fail closed). Each row's HMAC covers
its own fields and the previous row's HMAC, so any edit, deletion, insertion or reordering made
directly in the database breaks the chain that ``verify_chain`` walks.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.context import current
from jiuye.core.masking import mask_mapping
from jiuye.core.models import AuditChainHead, AuditEvent, AuditOutcome, AuditPurgeGap

SIGNED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "role",
    "scope_code",
    "region_code",
    "ip",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "before",
    "after",
    "prev_hmac",
)


def _canonical(event: AuditEvent) -> bytes:
    values: dict[str, Any] = {name: getattr(event, name) for name in SIGNED_FIELDS}
    values["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hmac(event: AuditEvent) -> str:
    return hmac_lib.new(settings.JIUYE_AUDIT_KEY, _canonical(event), hashlib.sha256).hexdigest()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    ctx = current.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        region_code = region_code or _region_of(obj)
    actor_ok = actor is not None and getattr(actor, "is_authenticated", False)
    scope = (getattr(actor, "region_id", "") or "") if actor_ok else ""
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if actor_ok else None,
            actor_username=(actor.get_username() if actor_ok else username)[:150],
            role=(getattr(actor, "role", "") or "") if actor_ok else "",
            scope_code=scope,
            region_code=region_code or scope,
            ip=ctx.ip,
            request_id=ctx.request_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            before=mask_mapping(before),
            after=mask_mapping(after),
            prev_hmac=head.hmac,
        )
        event.hmac = compute_hmac(event)
        event.save(force_insert=True)
        head.seq, head.hmac = event.seq, event.hmac
        head.save(update_fields=["seq", "hmac"])
    return event


def _region_of(obj: Any) -> str:
    return str(getattr(obj, "scope_code", "") or "")


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = None
    while True:
        qs = AuditEvent.objects.order_by("seq")
        if last is not None:
            qs = qs.filter(seq__gt=last)
        rows = list(qs[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(*, stop_at_first: bool = False) -> ChainReport:
    """Walk the whole log in sequence order and report every broken link. A run of events deleted
    by the retention purge is crossed through its signed gap record (``core.retention``)."""
    from jiuye.core.retention import bridge_gaps, gap_span  # retention writes through this module

    gaps = {gap.first_seq: gap for gap in AuditPurgeGap.objects.all()}
    crossed: set[int] = set()
    breaks: list[ChainBreak] = []
    checked = 0
    next_seq, prev_hmac = 1, ""
    prev: AuditEvent | None = None
    for event in _iter_events():
        checked += 1
        problems: list[str] = []
        if event.seq != next_seq:
            crossed.update(first for first in gaps if next_seq <= first < event.seq)
            next_seq, prev_hmac, problems = bridge_gaps(gaps, next_seq, prev_hmac)
        if prev is None and (event.seq != next_seq or event.prev_hmac != prev_hmac):
            problems.append(_("链首缺失：首条记录不是第1条（记录被删除或插入）"))
        elif prev is not None:
            if event.seq != next_seq:
                problems.append(_("序号不连续：前一条为第%(seq)d条（记录被删除或插入）") % {"seq": prev.seq})
            if event.prev_hmac != prev_hmac:
                problems.append(_("与前一条记录的链接不符（记录被删除、插入或调换顺序）"))
        if not hmac_lib.compare_digest(event.hmac, compute_hmac(event)):
            problems.append(_("内容校验值不符（记录被篡改）"))
        for reason in problems:
            breaks.append(ChainBreak(seq=event.seq, reason=reason))
        if breaks and stop_at_first:
            return ChainReport(checked=checked, breaks=breaks[:1])
        prev = event
        next_seq, prev_hmac = event.seq + 1, event.hmac
    for first in sorted(set(gaps) - crossed):  # a gap over events that are still there
        if prev is None or first <= prev.seq:
            breaks.append(
                ChainBreak(seq=first, reason=_("清理区段第%(first)d–%(last)d条与日志不符") % gap_span(gaps[first]))
            )
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hmac = (head.seq, head.hmac) if head else (0, "")
    last_seq, last_hmac = (prev.seq, prev.hmac) if prev else (0, "")
    if (head_seq, head_hmac) != (last_seq, last_hmac):
        breaks.append(
            ChainBreak(
                seq=last_seq + 1,
                reason=_("链尾不符：链头记录到第%(head)d条，日志止于第%(last)d条（末尾记录被删除）")
                % {"head": head_seq, "last": last_seq},
            )
        )
    return ChainReport(checked=checked, breaks=breaks[:1] if stop_at_first else breaks)
