"""Writing and verifying the audit log.

``audit_record`` must be called inside the transaction of the change it records: if the audit
row cannot be written, the exception rolls the change back (fail closed). Each row's HMAC covers
its own fields and the previous row's HMAC, so any edit, deletion, insertion or reordering made
directly in the database breaks the chain that ``verify_chain`` walks. The retention purge
(``core.retention``) leaves a signed gap record for each run it deletes; the checks here, shared
by the verifier, the shipper and the purge, cross such a gap as the events it stands for.
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
from django.utils.translation import gettext_noop

from jiuye.core.context import current
from jiuye.core.masking import mask_mapping
from jiuye.core.models import AuditChainHead, AuditEvent, AuditOutcome, AuditPurgeGap

# --- the catalogue of actions ------------------------------------------------------------------


@dataclass(frozen=True)
class AuditAction:
    """An action the audit log records: its code (stored with each event), its name in Chinese
    (shown to the auditor), and whether its events are kept three years rather than 180 days
    (approvals, disclosures, grants of rights, ledgers: security bar L-5)."""

    code: str
    label: Any
    keep_long: bool = False

    def __str__(self) -> str:
        return self.code


_ACTIONS: dict[str, AuditAction] = {}


def define_action(code: str, label: Any, *, keep_long: bool = False) -> AuditAction:
    """Define (and enter in the one catalogue) an action. Each app defines its actions as named
    constants in its ``actions`` module, which its ``AppConfig.ready`` imports; ``audit_record``
    takes only an action so defined."""
    action = AuditAction(code, label, keep_long)
    known = _ACTIONS.get(code)
    if known is not None and known != action:
        raise ValueError(f"audit action {code} defined twice, differently")
    _ACTIONS[code] = known or action
    return _ACTIONS[code]


def action_for(code: str) -> AuditAction | None:
    """The catalogue's entry for a stored code (None for a code no app defines any longer)."""
    return _ACTIONS.get(code)


def all_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda a: a.code)


def long_kept_codes() -> list[str]:
    """The actions whose events the retention purge keeps three years."""
    return sorted(code for code, action in _ACTIONS.items() if action.keep_long)


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
    action: AuditAction,
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
    if _ACTIONS.get(getattr(action, "code", "")) is not action:
        raise ValueError(f"audit action {action!r} is not in the catalogue (core.audit.define_action)")
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
            action=action.code,
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


def gap_hmac(gap: AuditPurgeGap) -> str:
    values = {
        "first_seq": gap.first_seq,
        "last_seq": gap.last_seq,
        "first_prev_hmac": gap.first_prev_hmac,
        "last_hmac": gap.last_hmac,
        "purged_at": gap.purged_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    message = json.dumps(values, sort_keys=True, separators=(",", ":")).encode()
    return hmac_lib.new(settings.JIUYE_AUDIT_KEY, b"purge-gap:" + message, hashlib.sha256).hexdigest()


def bridge_gaps(gaps: dict[int, AuditPurgeGap], seq: int, prev_hmac: str) -> tuple[int, str, list[str]]:
    """Walk the gaps that start at ``seq`` (the next expected sequence number, linked to
    ``prev_hmac``); return where the chain continues, its link, and what is wrong on the way."""
    problems: list[str] = []
    while seq in gaps:
        gap = gaps[seq]
        if gap.first_prev_hmac != prev_hmac:
            problems.append(_("清理区段第%(first)d–%(last)d条与前一条记录的链接不符") % gap_span(gap))
        if not hmac_lib.compare_digest(gap.hmac, gap_hmac(gap)):
            problems.append(_("清理区段第%(first)d–%(last)d条校验值不符（区段记录被伪造或篡改）") % gap_span(gap))
        seq, prev_hmac = gap.last_seq + 1, gap.last_hmac
    return seq, prev_hmac, problems


def gap_span(gap: AuditPurgeGap) -> dict[str, int]:
    return {"first": gap.first_seq, "last": gap.last_seq}


def gaps_between(first: int, last: int) -> dict[int, AuditPurgeGap]:
    """The gaps lying within sequence numbers ``first``..``last``, by their first number."""
    rows = AuditPurgeGap.objects.filter(first_seq__gte=first, last_seq__lte=last)
    return {gap.first_seq: gap for gap in rows}


CONTENT_PROBLEM = gettext_noop("内容校验值不符（记录被篡改）")


def content_problems(event: AuditEvent) -> list[str]:
    """The event's own HMAC: wrong when any of its fields was changed in the database."""
    return [] if hmac_lib.compare_digest(event.hmac, compute_hmac(event)) else [_(CONTENT_PROBLEM)]


def link_problems(event: AuditEvent, next_seq: int, prev_hmac: str, gaps: dict[int, AuditPurgeGap]) -> list[str]:
    """What is wrong with ``event`` as the record that should come next: number ``next_seq``,
    linked to ``prev_hmac``. Purge gaps starting there (``gaps``, by first number) are crossed."""
    problems: list[str] = []
    if event.seq != next_seq:
        next_seq, prev_hmac, problems = bridge_gaps(gaps, next_seq, prev_hmac)
    if event.seq != next_seq:
        problems.append(_("序号不连续：应为第%(expected)d条（记录被删除或插入）") % {"expected": next_seq})
    if event.prev_hmac != prev_hmac:
        problems.append(_("与前一条记录的链接不符（记录被删除、插入或调换顺序）"))
    return problems


def verify_chain(*, stop_at_first: bool = False) -> ChainReport:
    """Walk the whole log in sequence order and report every broken link. A run of events deleted
    by the retention purge is crossed through its signed gap record (``core.retention``)."""
    gaps = {gap.first_seq: gap for gap in AuditPurgeGap.objects.all()}
    crossed: set[int] = set()
    breaks: list[ChainBreak] = []
    checked = 0
    next_seq, prev_hmac = 1, ""
    prev: AuditEvent | None = None
    for event in _iter_events():
        checked += 1
        crossed.update(first for first in gaps if next_seq <= first < event.seq)
        problems = link_problems(event, next_seq, prev_hmac, gaps) + content_problems(event)
        breaks.extend(ChainBreak(seq=event.seq, reason=reason) for reason in problems)
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
