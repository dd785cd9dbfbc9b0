"""Exports of personal data: straight away up to the approval line, above it only after another
officer has approved the request (security bar D-10; GB/T 35273 §7.1). Every step is audited;
every download counts against the user's daily export limit (P-3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import approval, ratelimit
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import has_perm
from jiuye.exports import actions
from jiuye.exports.kinds import ExportKind, get
from jiuye.exports.models import ExportRequest, ExportStatus

REASON_MIN = 4


def approval_line() -> int:
    """Exports of more rows than this need approval; 0 turns approval off."""
    return int(settings.JIUYE_EXPORT_APPROVAL_ROWS)


def needs_approval(rows: int) -> bool:
    line = approval_line()
    return line > 0 and rows > line


def _require(user: Any, kind: ExportKind) -> None:
    if not has_perm(user, kind.perm):
        raise PermissionDenied


def export_now(*, actor: Any, kind: ExportKind, query: QueryDict, path: Path, counted: int | None = None) -> int:
    """An export within the approval line, written to ``path``; returns the rows written.
    Raises ``ValidationError`` above the line (the caller asks for approval instead).
    ``counted``: the rows the caller has just counted for the same user and query."""
    _require(actor, kind)
    rows = kind.count(actor, query) if counted is None else counted
    if needs_approval(rows):
        raise ValidationError(_("导出超过 %(n)s 条，需经审批。") % {"n": approval_line()})
    ratelimit.consume(actor, ratelimit.EXPORT)
    return kind.write(actor, query, path)


@retrying_atomic
def request_export(*, actor: Any, kind: ExportKind, query: QueryDict, reason: str) -> ExportRequest:
    """Ask for an export above the approval line. Asking again for the same list while the first
    request waits returns that request."""
    _require(actor, kind)
    reason = approval.clean_note(reason)
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("请写明导出用途（至少 %(n)s 个字）。") % {"n": REASON_MIN}})
    rows = kind.count(actor, query)
    if not needs_approval(rows):
        raise ValidationError(_("本次导出不超过 %(n)s 条，无需审批，可直接导出。") % {"n": approval_line()})
    params = query.urlencode()
    waiting = ExportRequest.objects.filter(
        requested_by=actor, kind=kind.code, params=params, status=ExportStatus.PENDING
    ).first()
    if waiting is not None:
        return waiting
    req = ExportRequest.objects.create(
        kind=kind.code,
        params=params,
        filters=[list(pair) for pair in kind.describe(actor, query)],
        rows=rows,
        reason=reason,
        requested_by=actor,
        region_code=actor.region_id,
    )
    audit_record(
        action=actions.REQUEST,
        actor=actor,
        obj=req,
        after={"kind": kind.code, "rows": rows, "filters": req.filters, "reason": reason},
    )
    return req


def can_decide(user: Any, req: ExportRequest) -> bool:
    """Another officer who may approve exports and whose region contains the requester's."""
    return approval.can_decide(user, req)


def _locked(req: ExportRequest) -> ExportRequest:
    return ExportRequest.objects.select_for_update().get(pk=req.pk)


def decide(*, actor: Any, req: ExportRequest, approve: bool, note: str = "") -> ExportRequest:
    return approval.decide(actor=actor, item=req, approve=approve, note=note)


def withdraw(*, actor: Any, req: ExportRequest) -> ExportRequest:
    """Before the file is taken, an approved request can be withdrawn too."""
    return approval.withdraw(actor=actor, item=req, open_statuses=(ExportStatus.PENDING, ExportStatus.APPROVED))


def _check_downloadable(actor: Any, req: ExportRequest) -> ExportKind:
    if req.requested_by_id != actor.pk:
        raise PermissionDenied
    if req.status == ExportStatus.DOWNLOADED:
        raise ValidationError(_("该申请的文件已下载过；每次批准只能下载一次。"))
    if req.status != ExportStatus.APPROVED:
        raise ValidationError(_("该申请尚未批准。"))
    if req.expired:
        raise ValidationError(_("批准已超过有效期，请重新申请。"))
    kind = get(req.kind)
    _require(actor, kind)
    return kind


def download(*, actor: Any, req: ExportRequest, path: Path) -> int:
    """Write an approved export, once, for the requester, within its validity; returns the rows
    written. The rows are selected again under the requester's scope as it is now."""
    _check_downloadable(actor, req)
    # Counted outside the transaction below, so that a refusal and its audit row stay recorded.
    ratelimit.consume(actor, ratelimit.EXPORT)
    with transaction.atomic():
        req = _locked(req)
        kind = _check_downloadable(actor, req)  # again, under the lock: one download per approval
        rows = kind.write(actor, QueryDict(req.params), path)
        req.status = ExportStatus.DOWNLOADED
        req.downloaded_at = timezone.now()
        req.rows_written = rows
        req.save(update_fields=["status", "downloaded_at", "rows_written"])
        audit_record(action=actions.DOWNLOAD, actor=actor, obj=req, after={"kind": req.kind, "rows": rows})
    return rows
