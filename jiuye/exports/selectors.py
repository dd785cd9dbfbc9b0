from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiuye.core.permissions import Perm, has_perm
from jiuye.exports import kinds
from jiuye.exports.models import ExportRequest, ExportStatus


def requests_for(user: Any) -> QuerySet[ExportRequest]:
    """The requests a user may open: an approver, those of the region; anyone else, his or her own."""
    visible = ExportRequest.objects.visible_to(user)
    if has_perm(user, Perm.APPROVE_EXPORTS):
        return visible
    return visible.filter(requested_by=user)


def awaiting_decision(user: Any) -> QuerySet[ExportRequest]:
    """Pending requests of others that this user may decide, oldest first."""
    if not has_perm(user, Perm.APPROVE_EXPORTS):
        return ExportRequest.objects.none()
    return (
        ExportRequest.objects.visible_to(user)
        .filter(status=ExportStatus.PENDING)
        .exclude(requested_by=user)
        .order_by("created_at", "pk")
    )


def waiting_count(user: Any) -> int:
    """How many requests wait for this user's decision: counted once a request, for the menu's
    badge and the home page's tile (kept on the request's user object)."""
    cached = getattr(user, "_exports_waiting", None)
    if cached is None:
        cached = awaiting_decision(user).count()
        user._exports_waiting = cached
    return int(cached)


def home_tiles(user: Any) -> list[Any]:
    """Export requests waiting for this officer's decision, and the user's approved files not yet
    downloaded, for the home page."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jiuye.core.home import Tile

    if not has_perm(user, Perm.VIEW_PERSONAL_DATA):
        return []
    url = reverse("exports:request_list")
    tiles = []
    if has_perm(user, Perm.APPROVE_EXPORTS):
        waiting = waiting_count(user)
        tiles.append(Tile(waiting, _("待我审批的导出申请"), url, warn=waiting > 0))
    ready = [r for r in requests_for(user).filter(requested_by=user, status=ExportStatus.APPROVED) if not r.expired]
    if ready:
        tiles.append(Tile(len(ready), _("已批准待下载的导出"), url, warn=True))
    return tiles


def home_agenda(user: Any) -> list[Any]:
    """The requests waiting for this officer's decision, oldest first, for the home page."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jiuye.core.home import AGENDA_SHOWN, AgendaItem

    items = []
    for request in awaiting_decision(user).select_related("requested_by")[:AGENDA_SHOWN]:
        kind = next((k for k in kinds.all_kinds() if k.code == request.kind), None)
        items.append(
            AgendaItem(
                title=_("审批导出申请：%(kind)s，%(rows)s 行")
                % {"kind": kind.title if kind else request.kind, "rows": request.rows},
                url=reverse("exports:request_detail", args=[request.pk]),
                detail=_("申请人 %(who)s · 用途：%(reason)s")
                % {"who": request.requested_by, "reason": request.reason[:60]},
                warn=True,
            )
        )
    return items
