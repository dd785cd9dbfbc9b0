"""Models every app relies on: the tamper-evident audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import ScopedModel, ScopedQuerySet, read_prefix


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Events of the user's region; a city-level auditor also sees system events (no region)."""
        prefix = read_prefix(user)
        scoped = super().visible_to(user)
        if prefix is not None and len(prefix) <= 4 and has_perm(user, Perm.READ_AUDIT):
            return scoped | self.filter(region_code="")
        return scoped


class AuditEvent(ScopedModel):
    """One recorded action; append-only, each row HMAC-chained to the one before it."""

    scope_field: ClassVar[str] = "region_code"

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    scope_code = models.CharField(_("用户管辖区划"), max_length=12, blank=True)
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=AuditOutcome.choices)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    prev_hmac = models.CharField(_("前一条校验值"), max_length=64, blank=True)
    hmac = models.CharField(_("校验值"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_username}"


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and HMAC.

    Writers lock it (SELECT … FOR UPDATE) so chain order equals commit order; the verifier
    compares it with the last row, which reveals rows cut off the end of the log.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hmac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq}"


class RateCount(models.Model):
    """Requests of one kind by one user in one time window, for the rate limits (security bar
    P-3: no bulk harvesting of personal data through searches, lists or exports).

    ``slot`` numbers the time window (minutes since the epoch, or the local day's ordinal); a
    user keeps one row per kind, the older ones are dropped when a new window opens."""

    user_id = models.BigIntegerField(_("用户ID"))
    kind = models.CharField(_("限流类别"), max_length=16)
    slot = models.BigIntegerField(_("时间窗"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("请求计数")
        verbose_name_plural = _("请求计数")
        constraints = [models.UniqueConstraint(fields=["user_id", "kind", "slot"], name="ratecount_user_kind_slot")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.slot}: {self.count}"


class AuditShipCursor(models.Model):
    """How far the audit log has been shipped to one external store (security bar L-8): the last
    sequence number written there and its HMAC, so that shipping resumes after a restart."""

    destination = models.CharField(_("外部存档"), max_length=255, unique=True)
    last_seq = models.BigIntegerField(_("已送至序号"), default=0)
    last_hmac = models.CharField(_("末条校验值"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("最近送出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志外送进度")
        verbose_name_plural = _("审计日志外送进度")

    def __str__(self) -> str:
        return f"{self.destination} @ {self.last_seq}"


class AuditPurgeGap(models.Model):
    """A run of audit events deleted by the retention purge (security bar L-5), kept so that the
    chain stays verifiable across the hole: the run's sequence numbers, the HMAC its first event
    was linked to, and the HMAC of its last event, which the next kept event is linked to. Its own
    HMAC (with the chain key) makes a forged gap detectable; the table is append-only, and the
    database refuses to delete an event that no gap covers or that is younger than 180 days."""

    first_seq = models.BigIntegerField(_("起始序号"), unique=True)
    last_seq = models.BigIntegerField(_("截止序号"), unique=True)
    first_prev_hmac = models.CharField(_("起始前一条校验值"), max_length=64, blank=True)
    last_hmac = models.CharField(_("末条校验值"), max_length=64)
    purged_at = models.DateTimeField(_("清理时间"))
    hmac = models.CharField(_("校验值"), max_length=64)

    class Meta:
        verbose_name = _("审计日志清理区段")
        verbose_name_plural = _("审计日志清理区段")
        ordering = ["first_seq"]

    def __str__(self) -> str:
        return f"#{self.first_seq}–#{self.last_seq}"
