"""Public-welfare posts (公益性岗位): posts at an employer or a village, placements of eligible
persons for a term (the program's parameters: groups, term, repeat placements, age), exits; a
placement opens the person's 公益性岗位 employment spell through the registry and an exit closes
it. The monthly payroll is the public_welfare program's 免申即享 run for a month: one claim per
person at a post for at least half the month, through review, approval, notice and the bank."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import prefix_lookup, require_writable
from jiuye.programs import actions, parameters, rules
from jiuye.programs.choices import ExitReason, PostKind
from jiuye.programs.facts import Candidate, groups_of, person_key
from jiuye.programs.models import Placement, Post
from jiuye.programs.rules.base import Payee
from jiuye.registry import services as registry
from jiuye.registry.choices import EmploymentForm, EmploymentStatus, KeyGroup, Source
from jiuye.registry.models import Person


def _program() -> Any:
    program = rules.get("public_welfare")
    if program is None:  # registered by the app; absent only if a deployment removed it
        raise ValidationError(_("没有这个政策项目。"))
    return program


@dataclass(frozen=True)
class PostInput:
    name: str
    kind: str
    region: str
    monthly_subsidy: int  # 分
    places: int
    employer_credit_code: str = ""
    duties: str = ""
    active: bool = True


@retrying_atomic
def post_save(*, actor: Any, data: PostInput, post: Post | None = None) -> Post:
    from jiuye.employers.models import Employer
    from jiuye.regions.models import Region

    require_writable(actor, data.region)
    if post is not None:
        require_writable(actor, post.region_id)
    region = Region.objects.filter(code=data.region, level__in=("county", "town", "village")).first()
    if region is None:
        raise ValidationError({"region": _("请选择岗位所在的县、镇或村。")})
    if data.kind not in PostKind.values:
        raise ValidationError({"kind": _("请选择岗位类别。")})
    if type(data.monthly_subsidy) is not int or not 0 < data.monthly_subsidy <= money.MAX_FEN:
        raise ValidationError({"monthly_subsidy": _("岗位补贴应为正数。")})
    if not 1 <= data.places <= 10_000:
        raise ValidationError({"places": _("岗位数应为 1 到 10000。")})
    employer = None
    if data.employer_credit_code:
        employer = Employer.objects.visible_to(actor).filter(credit_code=data.employer_credit_code.upper()).first()
        if employer is None:
            raise ValidationError({"employer_credit_code": _("用工主体名录中没有您辖区内的这个单位。")})
    if not data.name.strip():
        raise ValidationError({"name": _("请填写岗位名称。")})
    before = (
        None if post is None else {"name": post.name, "monthly_subsidy": post.monthly_subsidy, "places": post.places}
    )
    post = post or Post()
    post.name, post.kind, post.region, post.employer = data.name.strip()[:100], data.kind, region, employer
    post.monthly_subsidy, post.places, post.duties, post.active = (
        data.monthly_subsidy,
        data.places,
        data.duties[:200],
        data.active,
    )
    post.save()
    audit_record(
        action=actions.POST_SAVE,
        actor=actor,
        obj=post,
        before=before,
        after={"name": post.name, "monthly_subsidy": post.monthly_subsidy, "places": post.places},
    )
    return post


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_count(post: Post) -> int:
    return post.placements.filter(ended_on__isnull=True).count()


@retrying_atomic
def place(*, actor: Any, post: Post, person: Person, starts_on: date, months: int | None = None) -> Placement:
    """Place a person on a post: the program's groups, the age limit, the term (at most the
    parameter), the number of earlier placements and a free place are checked; the registry
    records the 公益性岗位 spell and the 就业登记."""
    require_writable(actor, post.region_id)
    require_writable(actor, person.region_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        raise ValidationError(_("该岗位已停用。"))
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("上岗日期不能晚于今天。")})
    p = parameters.in_force(_program(), post.region_id, starts_on)
    term = months if months is not None else p["term_months"]
    if not 1 <= term <= p["term_months"]:
        raise ValidationError({"months": _("安置期限应为 1 到 %(n)d 个月。") % {"n": p["term_months"]}})
    groups = set(groups_of([person.pk]).get(person.pk, []))
    labels = dict(KeyGroup.choices)
    if not groups & set(p["groups"]):
        raise ValidationError(
            _("该人员不属于安置人员类别（%(want)s）。")
            % {"want": "、".join(str(labels.get(g, g)) for g in p["groups"])}
        )
    if person.age_on(starts_on) > p["max_age"]:
        raise ValidationError(_("新安置人员年龄不超过 %(n)d 岁。") % {"n": p["max_age"]})
    earlier = Placement.objects.filter(person=person).count()
    if earlier >= p["max_placements"]:
        raise ValidationError(_("该人员已安置 %(n)d 次，达到上限。") % {"n": earlier})
    if open_count(post) >= post.places:
        raise ValidationError(_("该岗位已满（%(n)d 个岗位）。") % {"n": post.places})
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                post=post,
                person=person,
                region_code=post.region_id,
                starts_on=starts_on,
                term_ends_on=add_months(starts_on, term) - timedelta(days=1),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(_("该人员已在公益性岗位上岗，请先办理退出。")) from exc
    employer = post.employer
    registry.status_change(
        actor=actor,
        person=person,
        status=EmploymentStatus.PUBLIC_WELFARE,
        start=starts_on,
        source=Source.PLACEMENT,
        location=post.region.name,
        employer_name=(employer.name if employer else post.region.name)[:200],
        employer_credit_code=employer.credit_code if employer else "",
        monthly_income=post.monthly_subsidy,
        verified_at=starts_on,
    )
    registry.registration_employment(
        actor=actor,
        person=person,
        day=starts_on,
        form=EmploymentForm.PUBLIC_WELFARE,
        region=person.region,
        employer_name=(employer.name if employer else post.region.name)[:200],
        employer_credit_code=employer.credit_code if employer else "",
        note=_("公益性岗位安置：%(post)s") % {"post": post.name},
    )
    audit_record(
        action=actions.PLACEMENT,
        actor=actor,
        obj=placement,
        after={"post": post.pk, "person": person.pk, "from": starts_on.isoformat(), "term": term},
    )
    return placement


@retrying_atomic
def leave(*, actor: Any, placement: Placement, day: date, reason: str, next_status: str = "") -> Placement:
    """The exit: the placement ends on ``day``; from the next day the person's status is the one
    given (not yet employed, unless the exit is into a job recorded on the person's page)."""
    require_writable(actor, placement.region_code)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.ended_on is not None:
        raise ValidationError(_("该安置已退出。"))
    if reason not in ExitReason.values:
        raise ValidationError({"reason": _("请选择退出原因。")})
    if day < placement.starts_on or day > timezone.localdate():
        raise ValidationError({"day": _("退出日期应在上岗日期和今天之间。")})
    status = next_status or EmploymentStatus.UNEMPLOYED
    if status == EmploymentStatus.PUBLIC_WELFARE or status not in EmploymentStatus.values:
        raise ValidationError({"next_status": _("请选择退出后的就业状态。")})
    placement.ended_on, placement.exit_reason = day, reason
    placement.save(update_fields=["ended_on", "exit_reason"])
    after = day + timedelta(days=1)
    if after <= timezone.localdate():
        registry.status_change(
            actor=actor, person=placement.person, status=status, start=after, source=Source.PLACEMENT
        )
    audit_record(
        action=actions.PLACEMENT_EXIT,
        actor=actor,
        obj=placement,
        after={"day": day.isoformat(), "reason": reason, "status": status},
    )
    return placement


def days_at_post(placement_start: date, placement_end: date | None, year: int, month: int) -> int:
    """Days of the month the placement covers."""
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    start = max(first, placement_start)
    end = min(last, placement_end or last)
    return max(0, (end - start).days + 1)


def gather_payroll(
    *, year: int, prefix: str, as_of: date, subject: str | None = None, month: int | None = None
) -> list[Candidate]:
    """The month's payroll: each placement covering some day of the month, with its days."""
    if month is None:
        raise ValidationError({"month": _("请填写享受月份。")})
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rows = (
        Placement.objects.filter(starts_on__lte=last, **prefix_lookup("region_code", prefix))
        .exclude(ended_on__lt=first)
        .select_related("post", "person")
        .order_by("person_id", "starts_on")
    )
    if subject is not None:
        rows = rows.filter(person_id=int(subject))
    placements = list(rows)
    groups = groups_of({pl.person_id for pl in placements})
    found: dict[int, Candidate] = {}
    for pl in placements:
        end = min(pl.ended_on or pl.term_ends_on, pl.term_ends_on)
        days = days_at_post(pl.starts_on, end, year, month)
        held = found.get(pl.person_id)
        if held is not None and held.facts["days"] >= days:
            continue
        found[pl.person_id] = Candidate(
            subject_key=person_key(pl.person_id),
            payee_kind=Payee.PERSON,
            payee_code=person_key(pl.person_id),
            payee_name=pl.person.name,
            payee_id_masked=pl.person.id_masked,
            region_code=pl.region_code,
            person_id=pl.person_id,
            facts={
                "groups": groups.get(pl.person_id, []),
                "post": pl.post.name,
                "post_monthly": pl.post.monthly_subsidy,
                "days": days,
                "month_days": (last - first).days + 1,
            },
        )
    return list(found.values())
