"""就业困难人员 and 就业援助 (domain-rules §1.6): a person's 认定 is registered with its categories
and evidence and decided by another county officer; a certified person joins the registry's
就业困难人员 group and an assistance case opens, due within ``ASSIST_DAYS``; the first assistance
delivered (a referral, training, a public-welfare post, a subsidy) closes it; the 认定 ends with an
exit (on employment or otherwise), which takes the person out of the group.

就业援助率 = persons assisted ÷ persons certified (``indicators``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import cases
from jiuye.core.approval import clean_note
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import read_prefix, require_writable
from jiuye.programs import actions
from jiuye.programs.choices import DELIVERED, AssistanceKind, DifficultyCategory, DifficultyExit, DifficultyStatus
from jiuye.programs.models import AssistanceCase, AssistanceMeasure, Difficulty
from jiuye.programs.permissions import REVIEW_CLAIMS
from jiuye.registry import services as registry
from jiuye.registry.choices import KeyGroup, Source
from jiuye.registry.models import Person

ASSIST_DAYS = getattr(settings, "JIUYE_ASSISTANCE_DAYS", 30)


@dataclass(frozen=True)
class DifficultyInput:
    categories: tuple[str, ...]
    applied_on: date
    evidence: str


@retrying_atomic
def register(*, actor: Any, person: Person, data: DifficultyInput) -> Difficulty:
    """A 认定 application, registered with its categories and evidence; decided by another officer."""
    require_writable(actor, person.region_id)
    categories = sorted(set(data.categories))
    if not categories or not set(categories) <= set(DifficultyCategory.values):
        raise ValidationError({"categories": _("请选择认定类别。")})
    if len(" ".join(data.evidence.split())) < 4:
        raise ValidationError({"evidence": _("请写明认定材料（证明文件、核实情况）。")})
    if data.applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("申请日期不能晚于今天。")})
    try:
        with transaction.atomic():
            item = Difficulty.objects.create(
                person=person,
                region_code=person.region_id,
                categories=categories,
                applied_on=data.applied_on,
                evidence=data.evidence.strip()[:4000],
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(_("该人员已有待认定或已认定的记录。")) from exc
    audit_record(action=actions.DIFFICULTY_REGISTER, actor=actor, obj=item, after={"categories": categories})
    return item


def can_decide(actor: Any, item: Difficulty) -> bool:
    prefix = read_prefix(actor)
    return (
        item.status == DifficultyStatus.PENDING
        and has_perm(actor, REVIEW_CLAIMS)
        and prefix is not None
        and item.region_code.startswith(prefix)
        and item.created_by_id != actor.pk
    )


@retrying_atomic
def decide(*, actor: Any, item: Difficulty, certify: bool, day: date | None = None, note: str = "") -> Difficulty:
    """Certify (the person joins the 就业困难人员 group from that day; an assistance case opens) or
    refuse with a reason. Not by the officer who registered it."""
    item = Difficulty.objects.select_for_update().get(pk=item.pk)
    if item.status != DifficultyStatus.PENDING:
        raise ValidationError(_("该认定已处理。"))
    if not can_decide(actor, item):
        raise PermissionDenied
    note = clean_note(note)
    day = day or timezone.localdate()
    if not certify and not note:
        raise ValidationError({"note": _("不予认定时请写明理由。")})
    if day > timezone.localdate() or day < item.applied_on:
        raise ValidationError({"day": _("认定日期应在申请日期和今天之间。")})
    item.status = DifficultyStatus.CERTIFIED if certify else DifficultyStatus.REJECTED
    item.decided_by, item.decided_at, item.decision_note = actor, timezone.now(), note
    item.certified_on = day if certify else None
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "certified_on"])
    if certify:
        person = item.person
        groups = set(person.groups.values_list("group", flat=True)) | {KeyGroup.HARD_TO_EMPLOY}
        registry.person_set_groups(actor=actor, person=person, groups=groups, effective=day, source=Source.FORM)
        AssistanceCase.objects.create(
            difficulty=item, region_code=item.region_code, opened_on=day, deadline=day + timedelta(days=ASSIST_DAYS)
        )
    audit_record(
        action=actions.DIFFICULTY_DECIDE,
        actor=actor,
        obj=item,
        after={"certified": certify, "day": day.isoformat(), "note": note},
    )
    return item


@retrying_atomic
def assist(*, actor: Any, item: Difficulty, kind: str, day: date, note: str = "") -> AssistanceMeasure:
    """Record an assistance measure; the first delivered one closes the case (援助已落实)."""
    require_writable(actor, item.region_code)
    case = AssistanceCase.objects.select_for_update().filter(difficulty=item).first()
    if case is None:
        raise ValidationError(_("该人员尚未认定，没有援助案件。"))
    if kind not in AssistanceKind.values:
        raise ValidationError({"kind": _("请选择援助措施。")})
    if item.certified_on and day < item.certified_on:
        raise ValidationError({"date": _("援助日期不能早于认定日期。")})
    measure = cases.case_add_measure(
        actor=actor, case=case, measure_model=AssistanceMeasure, kind=kind, day=day, note=clean_note(note)
    )
    if kind in DELIVERED:
        cases.case_close(
            actor=actor, case=case, on=day, note=_("已落实援助：%(k)s") % {"k": AssistanceKind(kind).label}
        )
    return measure


@retrying_atomic
def exit_(*, actor: Any, item: Difficulty, day: date, reason: str) -> Difficulty:
    """The 认定 ends: the person leaves the 就业困难人员 group from the next day; an open case closes."""
    require_writable(actor, item.region_code)
    item = Difficulty.objects.select_for_update().get(pk=item.pk)
    if item.status != DifficultyStatus.CERTIFIED:
        raise ValidationError(_("只有已认定的人员可以办理退出。"))
    if reason not in DifficultyExit.values:
        raise ValidationError({"reason": _("请选择退出原因。")})
    if (item.certified_on and day < item.certified_on) or day > timezone.localdate():
        raise ValidationError({"day": _("退出日期应在认定日期和今天之间。")})
    item.status, item.exited_on, item.exit_reason = DifficultyStatus.EXITED, day, reason
    item.save(update_fields=["status", "exited_on", "exit_reason"])
    person = item.person
    groups = set(person.groups.values_list("group", flat=True)) - {KeyGroup.HARD_TO_EMPLOY}
    effective = min(day + timedelta(days=1), timezone.localdate())
    registry.person_set_groups(actor=actor, person=person, groups=groups, effective=effective, source=Source.FORM)
    case = AssistanceCase.objects.filter(difficulty=item, status=cases.CaseState.OPEN).first()
    if case is not None:
        cases.case_close(
            actor=actor, case=case, on=day, note=_("认定退出：%(r)s") % {"r": DifficultyExit(reason).label}
        )
    audit_record(
        action=actions.DIFFICULTY_EXIT, actor=actor, obj=item, after={"day": day.isoformat(), "reason": reason}
    )
    return item
