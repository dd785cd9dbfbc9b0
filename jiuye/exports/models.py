"""Requests to export more personal data than one officer may take alone (security bar D-10,
GB/T 35273 §7.1: internal approval for bulk downloads)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import ScopedModel, ScopedQuerySet

# An approval is used once, within this time of being given.
APPROVAL_VALID = timedelta(hours=24)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")
    DOWNLOADED = "downloaded", _("已下载")


class ExportRequest(ScopedModel):
    """One export above the approval line: what is asked for and why, who decided, and when the
    file was taken. Scoped by the requester's region; an approver's scope must contain it."""

    personal_data: ClassVar[bool] = True
    scope_field: ClassVar[str] = "region_code"

    kind = models.CharField(_("导出类型"), max_length=32)
    params = models.TextField(_("筛选条件（查询串）"), blank=True)
    filters = models.JSONField(_("筛选条件"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("申请行数"))
    reason = models.TextField(_("用途"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
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

    @property
    def valid_until(self) -> datetime | None:
        if self.status != ExportStatus.APPROVED or self.decided_at is None:
            return None
        return self.decided_at + APPROVAL_VALID

    @property
    def expired(self) -> bool:
        until = self.valid_until
        return until is not None and timezone.now() > until
