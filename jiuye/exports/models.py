"""Requests to export more personal data than one officer may take alone (security bar D-10,
GB/T 35273 §7.1: internal approval for bulk downloads)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.approval import ApprovalRequest, DecisionStatus
from jiuye.core.permissions import Perm
from jiuye.core.scoping import ScopedQuerySet
from jiuye.exports import actions

# An approval is used once, within this time of being given.
APPROVAL_VALID = timedelta(hours=24)


class ExportStatus(models.TextChoices):
    PENDING = DecisionStatus.PENDING.value, DecisionStatus.PENDING.label
    APPROVED = DecisionStatus.APPROVED.value, DecisionStatus.APPROVED.label
    REJECTED = DecisionStatus.REJECTED.value, DecisionStatus.REJECTED.label
    WITHDRAWN = DecisionStatus.WITHDRAWN.value, DecisionStatus.WITHDRAWN.label
    DOWNLOADED = "downloaded", _("已下载")


class ExportRequest(ApprovalRequest):
    """One export above the approval line: what is asked for and why, who decided (maker–checker,
    ``core.approval``), and when the file was taken. Scoped by the requester's region; an
    approver's scope must contain it."""

    personal_data: ClassVar[bool] = True
    decide_perm = Perm.APPROVE_EXPORTS
    approve_action = actions.APPROVE
    reject_action = actions.REJECT
    withdraw_action = actions.WITHDRAW

    kind = models.CharField(_("导出类型"), max_length=32)
    params = models.TextField(_("筛选条件（查询串）"), blank=True)
    filters = models.JSONField(_("筛选条件"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("申请行数"))
    reason = models.TextField(_("用途"))
    # The approval's own statuses, and the one an export adds: its file taken.
    status = models.CharField(_("状态"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("实际导出行数"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出申请")
        verbose_name_plural = _("导出申请")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "region_code"], name="exportrequest_status_region")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def audit_details(self) -> dict[str, object]:
        return {"kind": self.kind, "rows": self.rows}

    @property
    def valid_until(self) -> datetime | None:
        if self.status != ExportStatus.APPROVED or self.decided_at is None:
            return None
        return self.decided_at + APPROVAL_VALID

    @property
    def expired(self) -> bool:
        until = self.valid_until
        return until is not None and timezone.now() > until
