"""Maker–checker (审批): a request made by one person is decided by another who holds the right
and whose region contains the requester's; a refusal gives its reason; every step is audited;
nobody decides his or her own request. Exports above the approval line use it now; program
payments and their reviews use it next.

A model of such requests inherits ``ApprovalRequest`` and names, as class attributes, the
permission that decides it and the audit actions of its steps; ``decide`` and ``withdraw`` do
the rest, under a row lock (two approvers clicking at once: one decides, the other is told).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import AuditAction, audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import ScopedModel, read_prefix

NOTE_LIMIT = 500


class DecisionStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("待审批")
    APPROVED = "approved", gettext_lazy("已批准")
    REJECTED = "rejected", gettext_lazy("已驳回")
    WITHDRAWN = "withdrawn", gettext_lazy("已撤回")


class ApprovalRequest(ScopedModel):
    """A request waiting for another person's decision; scoped by the requester's region."""

    scope_field: ClassVar[str] = "region_code"
    # Set by each concrete model: who decides, and what the audit log calls each step.
    decide_perm: ClassVar[Perm]
    approve_action: ClassVar[AuditAction]
    reject_action: ClassVar[AuditAction]
    withdraw_action: ClassVar[AuditAction]

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(gettext_lazy("所属区划"), max_length=12, db_index=True)
    created_at = models.DateTimeField(gettext_lazy("申请时间"), default=timezone.now)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(gettext_lazy("审批时间"), null=True, blank=True)
    decision_note = models.TextField(gettext_lazy("审批意见"), blank=True)

    class Meta:
        abstract = True

    def audit_details(self) -> dict[str, Any]:
        """What the audit row of a step says about the request (a model adds its own)."""
        return {}


_R = TypeVar("_R", bound=ApprovalRequest)


def clean_note(text: str) -> str:
    """One line, at most ``NOTE_LIMIT`` characters (a note is shown in lists and in the log)."""
    return " ".join(text.split())[:NOTE_LIMIT]


def can_decide(user: Any, item: ApprovalRequest) -> bool:
    """Another person, holding the deciding right, whose region contains the requester's."""
    prefix = read_prefix(user)
    return (
        item.status == DecisionStatus.PENDING
        and has_perm(user, type(item).decide_perm)
        and item.requested_by_id != user.pk  # type: ignore[attr-defined]
        and prefix is not None
        and item.region_code.startswith(prefix)
    )


def _locked(item: _R) -> _R:
    return type(item).objects.select_for_update().get(pk=item.pk)  # type: ignore[attr-defined,no-any-return]


@retrying_atomic
def decide(*, actor: Any, item: _R, approve: bool, note: str = "") -> _R:
    """Approve or refuse (with a reason) a pending request; audited."""
    item = _locked(item)
    if item.status != DecisionStatus.PENDING:
        raise ValidationError(_("该申请已处理，不能再审批。"))
    if not can_decide(actor, item):
        raise PermissionDenied
    note = clean_note(note)
    if not approve and not note:
        raise ValidationError({"note": _("驳回时请写明理由。")})
    item.status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.decision_note = note
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    model = type(item)
    audit_record(
        action=model.approve_action if approve else model.reject_action,
        actor=actor,
        obj=item,
        after={**item.audit_details(), "requested_by": item.requested_by_id, "note": note},  # type: ignore[attr-defined]
    )
    return item


@retrying_atomic
def withdraw(*, actor: Any, item: _R, open_statuses: tuple[str, ...] = (DecisionStatus.PENDING,)) -> _R:
    """The requester takes the request back while it is still open; audited."""
    item = _locked(item)
    if item.requested_by_id != actor.pk:  # type: ignore[attr-defined]
        raise PermissionDenied
    if item.status not in open_statuses:
        raise ValidationError(_("该申请已处理，不能撤回。"))
    item.status = DecisionStatus.WITHDRAWN
    item.save(update_fields=["status"])
    audit_record(action=type(item).withdraw_action, actor=actor, obj=item, after=item.audit_details())
    return item
