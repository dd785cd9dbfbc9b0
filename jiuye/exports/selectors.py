from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiuye.core.permissions import Perm, has_perm
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
