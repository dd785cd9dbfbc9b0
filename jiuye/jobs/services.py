"""Writes of the jobs module, each atomic, audited and checked against the actor's scope (outside
it: 404, as for a record that does not exist). A hire goes through the registry's services: the
employment spell and the 就业登记 are recorded there, and the household's zero-employment verdict
(and its case) follows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import can_write, prefix_lookup, require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.employers.models import Employer
from jiuye.employers.services import check_coordinates, writable_region
from jiuye.indicators.snapshot import add_months
from jiuye.jobs import actions, facts, matching, occupations
from jiuye.jobs.choices import INTENTION_REACHED, STAGE_ORDER, EventKind, PostingSource, Stage, WishedTime, WorkTime
from jiuye.jobs.models import Internship, InternshipPost, Posting, RecruitmentEvent, Referral, SeekerProfile
from jiuye.registry import services as registry
from jiuye.registry.choices import (
    CaseStatus,
    Education,
    EmploymentForm,
    EmploymentStatus,
    KeyGroup,
    MeasureKind,
    Place,
    Source,
)
from jiuye.registry.models import Person, ZeroEmploymentCase

MAX_AGE_BOUND = 70
INTERNSHIP_MAX_AGE = 24  # 见习: graduates, and unemployed young people aged 16–24


# --- postings ----------------------------------------------------------------------------------


@dataclass
class PostingInput:
    employer: int  # the employer's id
    title: str
    occupation: str
    headcount: int
    wage_min: int  # 分 a month
    wage_max: int
    valid_from: date
    valid_until: date
    region: str = ""  # default: the employer's
    work_time: str = WorkTime.FULL
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    min_age: int | None = None
    max_age: int | None = None
    education: str = ""
    skills: str = ""
    certificate: str = ""
    description: str = ""
    published: bool = True


def posting_errors(data: PostingInput, *, today: date, new: bool) -> dict[str, str]:
    """The checks of one posting that need no database: the form, the import and the API share them."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("请填写岗位名称。")
    if not occupations.is_posting_code(data.occupation):
        errors["occupation"] = _("职业代码“%(code)s”不在2022年版职业分类大典的中类中（如 6-05）。") % {
            "code": data.occupation
        }
    if data.headcount < 1:
        errors["headcount"] = _("招聘人数至少为1。")
    if data.wage_min < 0 or data.wage_max < 0:
        errors["wage_min"] = _("月薪不能为负数。")
    elif data.wage_min > data.wage_max:
        errors["wage_max"] = _("月薪上限低于下限（上下限填反了？）。")
    if data.valid_from > data.valid_until:
        errors["valid_until"] = _("有效期止早于有效期起。")
    elif new and data.valid_until < today:
        errors["valid_until"] = _("有效期已过（%(day)s），不能发布已过期的岗位。") % {
            "day": data.valid_until.isoformat()
        }
    elif data.valid_until > add_months(today, 12):
        errors["valid_until"] = _("有效期最长一年，请到期后续发。")
    for name in ("min_age", "max_age"):
        value = getattr(data, name)
        if value is not None and not (16 <= value <= MAX_AGE_BOUND):
            errors[name] = _("年龄要求应在16至%(max)d岁之间。") % {"max": MAX_AGE_BOUND}
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = _("年龄上限低于下限。")
    if data.education and data.education not in Education.values:
        errors["education"] = _("请选择学历。")
    if data.work_time not in WorkTime.values:
        errors["work_time"] = _("请选择用工形式。")
    errors.update(check_coordinates(data.longitude, data.latitude))
    return errors


@retrying_atomic
def posting_save(
    *, actor: Any, data: PostingInput, posting: Posting | None = None, source: str = PostingSource.FORM
) -> Posting:
    """Create or change a posting of an employer the actor may change records of."""
    today = timezone.localdate()
    if posting is not None:
        require_writable(actor, posting.region_id)
    errors = posting_errors(data, today=today, new=posting is None)
    employer = Employer.objects.editable_by(actor).filter(pk=data.employer).first()
    if employer is None:
        errors["employer"] = _("招聘单位不存在或不在您的管辖范围内。")
    region = None
    if employer is not None:
        try:
            region = writable_region(actor, data.region or employer.region_id)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors or employer is None or region is None:
        raise ValidationError(errors)
    target = posting or Posting(source=source, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    before = _posting_values(posting) if posting else None
    for f in fields(PostingInput):
        if f.name not in ("employer", "region"):
            setattr(target, f.name, getattr(data, f.name))
    target.title = data.title.strip()
    target.employer = employer
    target.region = region
    if target.longitude is None and employer.longitude is not None and region.code == employer.region_id:
        target.longitude, target.latitude = employer.longitude, employer.latitude
    if not target.address and region.code == employer.region_id:
        target.address = employer.address
    target.save()
    audit_record(action=actions.POSTING_SAVE, actor=actor, obj=target, before=before, after=_posting_values(target))
    facts.posting_index.clear()
    notify_records_changed(Posting, since=min(target.valid_from, today))
    return target


def _posting_values(posting: Posting) -> dict[str, Any]:
    values = {f.name: getattr(posting, f.name) for f in fields(PostingInput) if f.name not in ("employer", "region")}
    values.update(employer=posting.employer_id, region=posting.region_id)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


# --- seekers -----------------------------------------------------------------------------------


@retrying_atomic
def seeker_save(
    *,
    actor: Any,
    person: Person,
    occupations_wished: list[str],
    place: str = "",
    wage_floor: int = 0,
    work_time: str = WishedTime.ANY,
    skills: str = "",
    active: bool = True,
) -> SeekerProfile:
    """A person's wish for work; at most three 中类."""
    require_writable(actor, person.region_id)
    errors: dict[str, str] = {}
    unknown = [c for c in occupations_wished if not occupations.is_posting_code(c)]
    if unknown:
        errors["occupations"] = _("职业代码不在2022年版职业分类大典的中类中：%(codes)s") % {"codes": "、".join(unknown)}
    if len(occupations_wished) > 3:
        errors["occupations"] = _("意向职业最多三个。")
    if wage_floor < 0:
        errors["wage_floor"] = _("期望月薪不能为负数。")
    if work_time not in WishedTime.values:
        errors["work_time"] = _("请选择用工形式。")
    if errors:
        raise ValidationError(errors)
    profile, _created = SeekerProfile.objects.update_or_create(
        person=person,
        defaults={
            "region_code": person.region_id,
            "occupations": list(dict.fromkeys(occupations_wished)),
            "place": place.strip(),
            "wage_floor": wage_floor,
            "work_time": work_time,
            "skills": skills.strip(),
            "active": active,
        },
    )
    audit_record(
        action=actions.SEEKER_SAVE,
        actor=actor,
        obj=person,
        after={"occupations": profile.occupations, "wage_floor": wage_floor, "work_time": work_time, "active": active},
    )
    return profile


# --- referrals and hires -----------------------------------------------------------------------


def referable(posting: Posting, actor: Any, day: date) -> bool:
    """A person may be referred to a published posting open on the day (anywhere: the public
    board shows it to everyone), or to one of the actor's own area."""
    in_area = Posting.objects.visible_to(actor).filter(pk=posting.pk).exists()
    return (posting.published or in_area) and posting.valid_from <= day <= posting.valid_until


@retrying_atomic
def referral_create(
    *, actor: Any, person: Person, posting: Posting, event: RecruitmentEvent | None = None, day: date | None = None
) -> Referral:
    """Refer a person to a posting, with the matcher's reasons kept as they were on the day."""
    require_writable(actor, person.region_id)
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"referred_on": _("推荐日期不能晚于今天。")})
    if not referable(posting, actor, day):
        raise ValidationError({"posting": _("该岗位未发布或不在有效期内。")})
    existing = Referral.objects.filter(person=person, posting=posting).first()
    if existing is not None:
        return existing
    seeker = facts.seeker_facts([Person.objects.select_related("seeker").get(pk=person.pk)], day)[0]
    facts_of_posting = facts.posting_facts([facts.open_postings(day).get(pk=posting.pk)]) if posting.published else []
    match = matching.score(seeker, facts_of_posting[0], day, explain=True) if facts_of_posting else None
    referral = Referral.objects.create(
        person=person,
        posting=posting,
        event=event,
        region_code=person.region_id,
        referred_on=day,
        reasons=list(match.reasons) if match else [],
        recorded_by=actor,
    )
    audit_record(
        action=actions.REFERRAL,
        actor=actor,
        obj=referral,
        after={"person": person.pk, "posting": posting.pk, "event": event.pk if event else None},
    )
    # A referral for a member of a zero-employment household is one of the case's measures.
    case = ZeroEmploymentCase.objects.filter(household_id=person.household_id, status=CaseStatus.OPEN).first()
    if case is not None:
        registry.case_add_measure(
            actor=actor,
            case=case,
            kind=MeasureKind.JOB_REFERRAL,
            day=day,
            note=_("%(name)s 推荐到 %(employer)s · %(title)s")
            % {"name": person.name, "employer": posting.employer.name, "title": posting.title},
        )
    notify_records_changed(Referral, since=day)
    return referral


def _status_for(person: Person, posting: Posting) -> tuple[str, str]:
    """The registry's employment status and place category of work at the posting's place."""
    if posting.region_id[:6] == person.region_id[:6]:
        return EmploymentStatus.IN_COUNTY, Place.IN_COUNTY
    if posting.region_id[:2] == person.region_id[:2]:
        return EmploymentStatus.IN_PROVINCE, Place.IN_PROVINCE
    return EmploymentStatus.OUT_OF_PROVINCE, Place.OUT_OF_PROVINCE


@retrying_atomic
def referral_advance(
    *, actor: Any, referral: Referral, stage: str, day: date, note: str = "", monthly_income: int | None = None
) -> Referral:
    """The next step of a referral (forward only; 未录用 ends it). 已录用 records the employment in
    the registry: a spell at the employer from ``day`` and a 就业登记."""
    require_writable(actor, referral.region_code)
    referral = Referral.objects.select_for_update().select_related("posting__employer", "person").get(pk=referral.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("请选择进展。")})
    if referral.stage in (Stage.HIRED, Stage.DECLINED):
        raise ValidationError(
            {"stage": _("该推荐已结束（%(stage)s），不能再改。") % {"stage": referral.get_stage_display()}}
        )
    if stage != Stage.DECLINED and STAGE_ORDER.index(Stage(stage)) <= STAGE_ORDER.index(Stage(referral.stage)):
        raise ValidationError({"stage": _("进展只能向前推进。")})
    if day > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    if day < referral.referred_on:
        raise ValidationError({"date": _("日期不能早于推荐日期。")})
    before = referral.stage
    referral.stage = stage
    referral.note = note[:200] or referral.note
    setattr(
        referral,
        {"interview": "interview_on", "intention": "intention_on", "hired": "hired_on", "declined": "declined_on"}[
            stage
        ],
        day,
    )
    if stage == Stage.HIRED:
        referral.intention_on = referral.intention_on or day
        _record_hire(actor=actor, referral=referral, day=day, monthly_income=monthly_income)
    referral.save()
    audit_record(
        action=actions.REFERRAL_STAGE,
        actor=actor,
        obj=referral,
        before={"stage": before},
        after={"stage": stage, "date": day.isoformat()},
    )
    facts.posting_index.clear()
    notify_records_changed(Referral, since=day)
    return referral


def _record_hire(*, actor: Any, referral: Referral, day: date, monthly_income: int | None) -> None:
    person, posting = referral.person, referral.posting
    employer = posting.employer
    status, place = _status_for(person, posting)
    registry.status_change(
        actor=actor,
        person=person,
        status=status,
        start=day,
        source=Source.REFERRAL,
        place=place,
        location=(posting.address or posting.region.name)[:100],
        employer_name=employer.name,
        employer_credit_code=employer.credit_code,
        monthly_income=monthly_income,
        verified_at=day,
    )
    registry.registration_employment(
        actor=actor,
        person=person,
        day=day,
        form=EmploymentForm.EMPLOYER,
        region=person.region,
        employer_name=employer.name,
        employer_credit_code=employer.credit_code,
        note=_("岗位推荐录用：%(title)s") % {"title": posting.title},
    )
    SeekerProfile.objects.filter(person=person).update(active=False)


# --- recruitment events ------------------------------------------------------------------------


@dataclass
class EventInput:
    name: str
    kind: str
    start: date
    end: date
    region: str
    place: str = ""
    attendees: int = 0
    note: str = ""


@retrying_atomic
def event_save(*, actor: Any, data: EventInput, event: RecruitmentEvent | None = None) -> RecruitmentEvent:
    if event is not None:
        require_writable(actor, event.region_id)
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("请填写活动名称。")
    if data.kind not in EventKind.values:
        errors["kind"] = _("请选择活动类型。")
    if data.start > data.end:
        errors["end"] = _("结束日期早于开始日期。")
    if data.attendees < 0:
        errors["attendees"] = _("人数不能为负数。")
    region = None
    try:
        region = writable_region(actor, data.region)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    target = event or RecruitmentEvent()
    for f in fields(EventInput):
        if f.name != "region":
            setattr(target, f.name, getattr(data, f.name))
    target.region = region  # type: ignore[assignment]
    target.save()
    audit_record(
        action=actions.EVENT_SAVE,
        actor=actor,
        obj=target,
        after={f.name: str(getattr(data, f.name)) for f in fields(EventInput)},
    )
    notify_records_changed(RecruitmentEvent, since=data.start)
    return target


@retrying_atomic
def event_add_posting(*, actor: Any, event: RecruitmentEvent, posting: Posting) -> None:
    """A posting offered at the event (its employer joins the event's list)."""
    require_writable(actor, event.region_id)
    if not Posting.objects.visible_to(actor).filter(pk=posting.pk).exists() and not posting.published:
        raise Http404
    event.postings.add(posting)
    event.employers.add(posting.employer)
    audit_record(action=actions.EVENT_SAVE, actor=actor, obj=event, after={"posting": posting.pk})
    notify_records_changed(RecruitmentEvent, since=event.start)


def event_seekers(*, actor: Any, event: RecruitmentEvent, limit: int = 2000) -> list[Person]:
    """The active seekers of the event's area whom the actor may see: who the event's lists are for."""
    return list(
        Person.objects.visible_to(actor)
        .filter(seeker__active=True, state="active", **prefix_lookup("region__code", event.region.prefix))
        .select_related("seeker")
        .order_by("region_id", "id")[:limit]
    )


def event_proposals(*, actor: Any, event: RecruitmentEvent, per_seeker: int = 3) -> dict[int, list[matching.Match]]:
    """For each active seeker of the event's area, the event's postings that suit them, spread so
    that no posting is offered to more than three times its headcount (``matching.event_lists``)."""
    day = max(event.start, min(event.end, timezone.localdate()))
    postings = facts.posting_facts(facts.open_postings(day).filter(pk__in=event.postings.values("pk")))
    index = matching.PostingIndex(postings)
    seekers = facts.seeker_facts(event_seekers(actor=actor, event=event), day)
    return matching.event_lists(seekers, index, day, per_seeker=per_seeker)


@retrying_atomic
def event_refer_all(*, actor: Any, event: RecruitmentEvent) -> int:
    """Record the proposed lists as referrals of the event; returns how many were new."""
    require_writable(actor, event.region_id)
    day = min(timezone.localdate(), event.end)
    proposals = event_proposals(actor=actor, event=event)
    postings = {p.pk: p for p in Posting.objects.filter(pk__in={m.posting_id for ms in proposals.values() for m in ms})}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=[k for k, v in proposals.items() if v])}
    made = 0
    for person_id, matches in proposals.items():
        for match in matches:
            person = persons[person_id]
            if not can_write(actor, person.region_id):
                continue
            if Referral.objects.filter(person=person, posting_id=match.posting_id).exists():
                continue
            Referral.objects.create(
                person=person,
                posting=postings[match.posting_id],
                event=event,
                region_code=person.region_id,
                referred_on=timezone.localdate(),
                reasons=list(match.reasons),
                recorded_by=actor,
            )
            made += 1
    audit_record(action=actions.EVENT_LISTS, actor=actor, obj=event, after={"referrals": made})
    notify_records_changed(Referral, since=day)
    return made


def intentions_reached(referrals: Any) -> int:
    return referrals.filter(stage__in=INTENTION_REACHED).values("person_id").distinct().count()


# --- 见习 --------------------------------------------------------------------------------------


@retrying_atomic
def internship_post_save(
    *, actor: Any, employer: Employer, title: str, slots: int, stipend: int, months: int, occupation: str = ""
) -> InternshipPost:
    require_writable(actor, employer.region_id)
    errors: dict[str, str] = {}
    if not employer.internship_base:
        errors["employer"] = _("该单位不是就业见习基地，请先在用工主体中标记。")
    if not title.strip():
        errors["title"] = _("请填写见习岗位名称。")
    if slots < 1:
        errors["slots"] = _("见习名额至少为1。")
    if not (1 <= months <= 12):
        errors["months"] = _("见习期限为1至12个月。")
    if stipend < 0:
        errors["stipend"] = _("见习补贴不能为负数。")
    if occupation and not occupations.is_posting_code(occupation):
        errors["occupation"] = _("职业代码不在2022年版职业分类大典的中类中（如 6-05）。")
    if errors:
        raise ValidationError(errors)
    post = InternshipPost.objects.create(
        employer=employer,
        region_code=employer.region_id,
        title=title.strip(),
        slots=slots,
        stipend=stipend,
        months=months,
        occupation=occupation,
    )
    audit_record(action=actions.INTERNSHIP_POST, actor=actor, obj=post, after={"title": post.title, "slots": slots})
    return post


@retrying_atomic
def internship_start(*, actor: Any, person: Person, post: InternshipPost, start: date) -> Internship:
    """A 见习 begins: for a 高校毕业生 or an unemployed young person (16–24), on a post with a free seat."""
    require_writable(actor, person.region_id)
    if not InternshipPost.objects.visible_to(actor).filter(pk=post.pk).exists():
        raise Http404
    errors: dict[str, str] = {}
    graduate = person.groups.filter(group=KeyGroup.GRADUATE).exists()
    young_unemployed = person.age_on(start) <= INTERNSHIP_MAX_AGE and person.status == EmploymentStatus.UNEMPLOYED
    if not (graduate or young_unemployed):
        errors["person"] = _("见习对象为高校毕业生或16–24岁失业青年。")
    if start > add_months(timezone.localdate(), 1):
        errors["start"] = _("开始日期最多在一个月之后。")
    taken = post.interns.filter(ended_on__isnull=True).count()
    if taken >= post.slots:
        errors["post"] = _("该见习岗位名额已满（%(n)d）。") % {"n": post.slots}
    if Internship.objects.filter(person=person, ended_on__isnull=True).exists():
        errors["person"] = _("该人员已有进行中的见习。")
    if errors:
        raise ValidationError(errors)
    internship = Internship.objects.create(
        person=person,
        post=post,
        region_code=person.region_id,
        start=start,
        planned_end=add_months(start, post.months),
        recorded_by=actor,
    )
    audit_record(
        action=actions.INTERNSHIP, actor=actor, obj=internship, after={"start": start.isoformat(), "post": post.pk}
    )
    notify_records_changed(Internship, since=start)
    return internship


@retrying_atomic
def internship_end(*, actor: Any, internship: Internship, day: date, retained: bool) -> Internship:
    """The 见习 ends; kept on (留用) records the employment at the base through the registry."""
    require_writable(actor, internship.region_code)
    if internship.ended_on is not None:
        raise ValidationError({"ended_on": _("该见习已结束。")})
    if day < internship.start or day > timezone.localdate():
        raise ValidationError({"ended_on": _("结束日期应在见习开始之后、今天或以前。")})
    internship.ended_on, internship.retained = day, retained
    internship.save(update_fields=["ended_on", "retained"])
    if retained:
        employer = internship.post.employer
        person = internship.person
        same_county = employer.region_id[:6] == person.region_id[:6]
        registry.status_change(
            actor=actor,
            person=person,
            status=EmploymentStatus.IN_COUNTY if same_county else EmploymentStatus.IN_PROVINCE,
            start=day,
            source=Source.REFERRAL,
            place=Place.IN_COUNTY if same_county else Place.IN_PROVINCE,
            location=employer.address[:100],
            employer_name=employer.name,
            employer_credit_code=employer.credit_code,
            verified_at=day,
        )
    audit_record(
        action=actions.INTERNSHIP,
        actor=actor,
        obj=internship,
        after={"ended_on": day.isoformat(), "retained": retained},
    )
    notify_records_changed(Internship, since=day)
    return internship
