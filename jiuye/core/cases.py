"""Deadline cases (限期办理): a case is opened with a deadline, may be assigned to an officer who
records the measures taken, is warned as the deadline nears, overdue once it passes, closed when
done, and — where its kind allows — reopened with a reason and a new deadline. Zero-employment
households use it now (cleared within the rule's days); labour-inspection and arbitration cases
use it next (their statutory deadlines).

A concrete case model inherits ``DeadlineCase`` (and its measures ``CaseMeasureBase``) and names,
as class attributes, the audit actions of its steps, how many days before the deadline it is
warned, and whether it may be reopened. The stage of a case on a day is a pure function
(``stage_on``), so lists, exports and dashboards agree on "warned" and "overdue".
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import AuditAction, audit_record
from jiuye.core.scoping import ScopedModel


class CaseState(models.TextChoices):
    OPEN = "open", gettext_lazy("办理中")
    CLOSED = "closed", gettext_lazy("已办结")


class Stage(StrEnum):
    """Where a case stands on a day: what a list sorts and colours by."""

    OPEN = "open"  # within its deadline
    WARNED = "warned"  # the deadline is near
    OVERDUE = "overdue"  # past its deadline, still open
    CLOSED = "closed"


STAGE_LABELS = {
    Stage.OPEN: gettext_lazy("期限内"),
    Stage.WARNED: gettext_lazy("即将到期"),
    Stage.OVERDUE: gettext_lazy("已超期"),
    Stage.CLOSED: gettext_lazy("已办结"),
}


def stage_on(*, status: str, deadline: date, day: date, warn_days: int) -> Stage:
    """The stage of a case on ``day``: closed; overdue after the deadline; warned within
    ``warn_days`` of it (the deadline day included); open before that."""
    if status != CaseState.OPEN:
        return Stage.CLOSED
    if day > deadline:
        return Stage.OVERDUE
    if day >= deadline - timedelta(days=warn_days):
        return Stage.WARNED
    return Stage.OPEN


def reopen_deadline(*, closed_on: date | None, day: date, days: int) -> date:
    """The new deadline of a reopened case: ``days`` from the reopening (never before it was
    closed: a reopening is dated on or after the closing)."""
    if closed_on is not None and day < closed_on:
        raise ValidationError(
            {"date": _("重新开立日期不能早于办结日期（%(date)s）。") % {"date": closed_on.isoformat()}}
        )
    return day + timedelta(days=days)


class DeadlineCase(ScopedModel):
    """A case with a deadline. Scoped by ``region_code`` (the place the case is about)."""

    scope_field: ClassVar[str] = "region_code"
    # Set by each concrete model.
    warn_days: ClassVar[int] = 7
    reopenable: ClassVar[bool] = False  # zero-employment cases follow their household's verdict
    assign_action: ClassVar[AuditAction]
    measure_action: ClassVar[AuditAction]
    close_action: ClassVar[AuditAction]
    reopen_action: ClassVar[AuditAction | None] = None

    region_code = models.CharField(gettext_lazy("所属区划"), max_length=12)
    status = models.CharField(gettext_lazy("状态"), max_length=8, choices=CaseState.choices, default=CaseState.OPEN)
    opened_on = models.DateField(gettext_lazy("开立日期"))
    deadline = models.DateField(gettext_lazy("期限"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("责任人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_on = models.DateField(gettext_lazy("办结日期"), null=True, blank=True)
    close_note = models.CharField(gettext_lazy("办结说明"), max_length=200, blank=True)
    reopened_on = models.DateField(gettext_lazy("重新开立日期"), null=True, blank=True)
    # A database default too: the set-based recompute inserts cases with SQL of its own.
    reopen_reason = models.CharField(gettext_lazy("重新开立原因"), max_length=200, blank=True, db_default="")

    class Meta:
        abstract = True

    def stage(self, day: date | None = None) -> Stage:
        return stage_on(
            status=self.status, deadline=self.deadline, day=day or timezone.localdate(), warn_days=self.warn_days
        )

    @property
    def stage_label(self) -> Any:
        return STAGE_LABELS[self.stage()]

    @property
    def is_overdue(self) -> bool:
        return self.stage() == Stage.OVERDUE


class CaseMeasureBase(models.Model):
    """A measure taken on a case; the concrete model adds its ``case`` and its kinds."""

    date = models.DateField(gettext_lazy("日期"))
    note = models.CharField(gettext_lazy("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


def _recorder(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _refuse_closed(case: DeadlineCase) -> None:
    if case.status != CaseState.OPEN:
        raise ValidationError(_("该案件已办结。"))


def case_assign(*, actor: Any, case: DeadlineCase, officer: Any) -> None:
    """Name (or clear) the officer responsible for an open case; in the caller's transaction, audited."""
    _refuse_closed(case)
    case.assigned_to = officer
    case.save(update_fields=["assigned_to"])
    audit_record(
        action=type(case).assign_action,
        actor=actor,
        obj=case,
        after={"assigned_to": officer.username if officer else ""},
    )


_M = TypeVar("_M", bound=CaseMeasureBase)


def case_add_measure(
    *, actor: Any, case: DeadlineCase, measure_model: type[_M], kind: str, day: date, note: str = ""
) -> _M:
    """Record a measure taken on an open case (not dated after today); in the caller's transaction."""
    _refuse_closed(case)
    if day > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    measure: _M = measure_model.objects.create(  # type: ignore[attr-defined]
        case=case, kind=kind, date=day, note=note, recorded_by=_recorder(actor)
    )
    audit_record(action=type(case).measure_action, actor=actor, obj=case, after={"kind": kind, "date": day.isoformat()})
    return measure


def case_close(*, actor: Any, case: DeadlineCase, on: date, note: str) -> None:
    """Close an open case on ``on`` with how it was closed; in the caller's transaction."""
    _refuse_closed(case)
    case.status, case.closed_on, case.close_note = CaseState.CLOSED, on, note[:200]
    case.save(update_fields=["status", "closed_on", "close_note"])
    audit_record(
        action=type(case).close_action, actor=actor, obj=case, after={"closed_on": on.isoformat(), "note": note}
    )


def case_reopen(*, actor: Any, case: DeadlineCase, on: date, reason: str, days: int) -> None:
    """Reopen a closed case, where its kind allows it, with a reason and a new deadline."""
    model = type(case)
    if not model.reopenable or model.reopen_action is None:
        raise ValidationError(_("此类案件不能重新开立。"))
    if case.status != CaseState.CLOSED:
        raise ValidationError(_("只有已办结的案件可以重新开立。"))
    reason = " ".join(reason.split())
    if len(reason) < 4:
        raise ValidationError({"reason": _("请写明重新开立的原因（至少 4 个字）。")})
    before = {"closed_on": case.closed_on.isoformat() if case.closed_on else "", "close_note": case.close_note}
    case.deadline = reopen_deadline(closed_on=case.closed_on, day=on, days=days)
    case.status, case.reopened_on, case.reopen_reason = CaseState.OPEN, on, reason[:200]
    case.closed_on, case.close_note = None, ""
    case.save(update_fields=["status", "deadline", "reopened_on", "reopen_reason", "closed_on", "close_note"])
    audit_record(
        action=model.reopen_action,
        actor=actor,
        obj=case,
        before=before,
        after={"reopened_on": on.isoformat(), "deadline": case.deadline.isoformat(), "reason": reason},
    )
