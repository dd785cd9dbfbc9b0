"""Pages: postings (with their candidates), a person's wish for work, referrals and their
follow-up, recruitment events, 见习, and the public job board (no login, no personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core.access import public_view, staff_view
from jiuye.core.forms import add_service_errors, form_step, initial_of, input_of, save_page
from jiuye.core.pagination import paginate
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.ratelimit import public_limited
from jiuye.core.scoping import can_write, code_from_typed, require_writable
from jiuye.employers.models import Employer
from jiuye.jobs import occupations, selectors, services
from jiuye.jobs.choices import Stage
from jiuye.jobs.forms import (
    BoardForm,
    EventForm,
    InternshipEndForm,
    InternshipPostForm,
    InternshipStartForm,
    PostingFilterForm,
    PostingForm,
    ReferralStageForm,
    SeekerForm,
)
from jiuye.jobs.models import Internship, Posting, Referral, SeekerProfile
from jiuye.jobs.permissions import VIEW_JOBS
from jiuye.regions import picker
from jiuye.regions.models import Region
from jiuye.registry import selectors as registry_selectors

PAGE_SIZE = 50


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (a local path only), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(target)
    return redirect(default)


# --- postings ----------------------------------------------------------------------------------


@staff_view(VIEW_JOBS)
def posting_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = picker.bind(PostingFilterForm(request.GET or None, initial={"open_only": True}), user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {"open_only": True}
    region = code_from_typed(data.get("region") or "") or ""
    open_only = data.get("open_only", True) if request.GET else True
    rows = selectors.posting_list(
        user=user, q=data.get("q", ""), occupation=data.get("occupation", ""), region=region, open_only=open_only
    )
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/posting_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_create": has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "perms_personal": has_perm(user, Perm.VIEW_PERSONAL_DATA),
        },
    )


@staff_view(Perm.EDIT_BUSINESS_DATA)
def posting_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    employer = request.GET.get("employer", "")
    if employer.isdecimal():
        initial["employer"] = int(employer)
    return _posting_form(request, None, initial)


@staff_view(Perm.EDIT_BUSINESS_DATA)
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_get(user=request.user, pk=pk)
    require_writable(request.user, posting.region_id)
    return _posting_form(
        request,
        posting,
        initial_of(services.PostingInput, posting, employer=posting.employer_id, region=posting.region_id),
    )


def _posting_form(request: HttpRequest, posting: Posting | None, initial: dict[str, Any]) -> HttpResponse:
    employers = Employer.objects.editable_by(request.user).order_by("name")[:2000]  # type: ignore[arg-type]
    return save_page(
        request,
        picker.bind(PostingForm(request.POST or None, initial=initial, employers=employers), request.user),
        lambda data: services.posting_save(
            actor=request.user, data=input_of(services.PostingInput, data), posting=posting
        ),
        message=_("岗位已保存。"),
        then=lambda saved: reverse("jobs:posting_detail", args=[saved.pk]),
        template="jobs/posting_form.html",
        context={"posting": posting},
    )


@staff_view(VIEW_JOBS)
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    posting = selectors.posting_get(user=user, pk=pk)
    sees_persons = has_perm(user, Perm.VIEW_PERSONAL_DATA)
    referrals = (
        posting.referrals.visible_to(user).select_related("person").order_by("-referred_on") if sees_persons else None
    )
    referred = set(posting.referrals.values_list("person_id", flat=True))
    found = selectors.candidates(user=user, posting=posting) if sees_persons else []
    return render(
        request,
        "jobs/posting_detail.html",
        {
            "posting": posting,
            "occupation": occupations.label(posting.occupation),
            "hired": posting.referrals.filter(stage=Stage.HIRED).count(),
            "referrals": referrals,
            "candidates": [(p, m, p.pk in referred, can_write(user, p.region_id)) for p, m in found],
            "can_edit": can_write(user, posting.region_id),
            "today": timezone.localdate(),
        },
    )


# --- seekers and referrals ---------------------------------------------------------------------


@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def seeker_edit(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = registry_selectors.person_get(user=request.user, pk=person_pk)
    require_writable(request.user, person.region_id)
    profile = SeekerProfile.objects.filter(person=person).first()
    initial = (
        {
            "occupations": profile.occupations,
            "place": profile.place,
            "wage_floor": profile.wage_floor,
            "work_time": profile.work_time,
            "skills": profile.skills,
            "active": profile.active,
        }
        if profile
        else {"active": True}
    )
    form = SeekerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.seeker_save(
                    actor=request.user,
                    person=person,
                    occupations_wished=list(data["occupations"]),
                    place=data["place"],
                    wage_floor=data["wage_floor"] or 0,
                    work_time=data["work_time"],
                    skills=data["skills"],
                    active=data["active"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("求职意向已保存。"))
                return redirect("registry:person_detail", pk=person.pk)
        status = 422
    return render(request, "jobs/seeker_form.html", {"form": form, "person": person}, status=status)


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def referral_create(request: HttpRequest) -> HttpResponse:
    person_pk, posting_pk = request.POST.get("person", ""), request.POST.get("posting", "")
    if not (person_pk.isdecimal() and posting_pk.isdecimal()):
        raise Http404
    person = registry_selectors.person_get(user=request.user, pk=int(person_pk))
    require_writable(request.user, person.region_id)
    posting = Posting.objects.filter(pk=int(posting_pk)).first()
    if posting is None or not services.referable(posting, request.user, timezone.localdate()):
        raise Http404
    try:
        referral = services.referral_create(actor=request.user, person=person, posting=posting)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(
            request, _("已推荐：%(name)s → %(title)s") % {"name": person.name, "title": referral.posting.title}
        )
    return _back(request, reverse("registry:person_detail", args=[person.pk]))


@staff_view(Perm.VIEW_PERSONAL_DATA)
def referral_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    page = paginate(selectors.referral_list(user=request.user, stage=stage), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "jobs/referral_list.html",
        {
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "query": f"stage={stage}" if stage else "",
            "stage_form": ReferralStageForm(),
            "can_edit": has_perm(request.user, Perm.EDIT_BUSINESS_DATA),  # type: ignore[arg-type]
            "perms_personal": True,
        },
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def referral_stage(request: HttpRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.visible_to(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if referral is None:
        raise Http404
    require_writable(request.user, referral.region_code)
    form = ReferralStageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for es in form.errors.values() for e in es))
        return _back(request, reverse("jobs:referral_list"))
    data = form.cleaned_data
    try:
        services.referral_advance(
            actor=request.user,
            referral=referral,
            stage=data["stage"],
            day=data["date"],
            note=data["note"],
            monthly_income=data["monthly_income"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        if data["stage"] == Stage.HIRED:
            messages.success(request, _("已录用：就业状态和就业登记已记入劳动力台账。"))
        else:
            messages.success(request, _("进展已记录。"))
    return _back(request, reverse("jobs:referral_list"))


# --- recruitment events ------------------------------------------------------------------------


@staff_view(VIEW_JOBS)
def event_list(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.event_list(user=request.user), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "jobs/event_list.html",
        {
            "page": page,
            "query": "",
            "can_create": has_perm(request.user, Perm.EDIT_BUSINESS_DATA),  # type: ignore[arg-type]
            "perms_personal": has_perm(request.user, Perm.VIEW_PERSONAL_DATA),  # type: ignore[arg-type]
        },
    )


@staff_view(Perm.EDIT_BUSINESS_DATA)
def event_create(request: HttpRequest) -> HttpResponse:
    return _event_form(request, None)


@staff_view(Perm.EDIT_BUSINESS_DATA)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    require_writable(request.user, event.region_id)
    return _event_form(request, event)


def _event_form(request: HttpRequest, event: Any) -> HttpResponse:
    initial = initial_of(services.EventInput, event, region=event.region_id) if event else {}
    return save_page(
        request,
        picker.bind(EventForm(request.POST or None, initial=initial), request.user),
        lambda data: services.event_save(actor=request.user, data=input_of(services.EventInput, data), event=event),
        message=_("招聘活动已保存。"),
        then=lambda saved: reverse("jobs:event_detail", args=[saved.pk]),
        template="jobs/event_form.html",
        context={"event": event},
    )


@staff_view(VIEW_JOBS)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    event = selectors.event_get(user=user, pk=pk)
    sees_persons = has_perm(user, Perm.VIEW_PERSONAL_DATA)
    referrals = event.referrals.visible_to(user) if sees_persons else event.referrals.none()
    proposals: list[tuple[Any, list[Any]]] = []
    if sees_persons and request.GET.get("lists"):
        found = services.event_proposals(actor=user, event=event)
        persons = {p.pk: p for p in services.event_seekers(actor=user, event=event)}
        titles = {p.pk: p for p in event.postings.select_related("employer")}
        proposals = [
            (persons[pid], [(titles[m.posting_id], m) for m in ms])
            for pid, ms in found.items()
            if ms and pid in persons
        ]
    offered = (
        Posting.objects.visible_to(user)
        .filter(valid_until__gte=event.start)
        .exclude(pk__in=event.postings.values("pk"))
    )
    return render(
        request,
        "jobs/event_detail.html",
        {
            "event": event,
            "postings": event.postings.select_related("employer").order_by("employer__name"),
            "employers": event.employers.order_by("name"),
            "offered": offered.select_related("employer").order_by("employer__name")[:500],
            "seats": sum(event.postings.values_list("headcount", flat=True)),
            "referrals": referrals.select_related("person", "posting").order_by("-referred_on")[:200],
            "intentions": services.intentions_reached(event.referrals.all()),
            "proposals": proposals,
            "sees_persons": sees_persons,
            "can_edit": can_write(user, event.region_id),
            "stage_form": ReferralStageForm(),
        },
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def event_add_posting(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    require_writable(request.user, event.region_id)
    chosen = request.POST.get("posting", "")
    posting = Posting.objects.visible_to(request.user).filter(pk=int(chosen)).first() if chosen.isdecimal() else None  # type: ignore[arg-type]
    if posting is None:
        messages.error(request, _("请选择本辖区的岗位。"))
    else:
        services.event_add_posting(actor=request.user, event=event, posting=posting)
        messages.success(request, _("已加入活动：%(title)s") % {"title": posting.title})
    return redirect("jobs:event_detail", pk=event.pk)


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def event_refer(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    require_writable(request.user, event.region_id)
    made = services.event_refer_all(actor=request.user, event=event)
    messages.success(request, _("已按推荐名单记录 %(n)d 条岗位推荐。") % {"n": made})
    return redirect("jobs:event_detail", pk=event.pk)


# --- 见习 --------------------------------------------------------------------------------------


@staff_view(Perm.VIEW_PERSONAL_DATA)
def internship_list(request: HttpRequest) -> HttpResponse:
    return _internship_page(request)


def _internship_page(request: HttpRequest, post_form: Any = None, start_form: Any = None) -> HttpResponse:
    """The 见习 page; with a refused form, that form and its errors (422)."""
    user: Any = request.user
    posts = selectors.internship_posts(user=user)
    bases = Employer.objects.editable_by(user).filter(internship_base=True).order_by("name")
    return render(
        request,
        "jobs/internship_list.html",
        {
            "posts": posts,
            "interns": selectors.internships(user=user)[:300],
            "post_form": post_form or InternshipPostForm(bases=bases),
            "start_form": start_form or InternshipStartForm(posts=posts),
            "end_form": InternshipEndForm(),
            "can_edit": has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "today": timezone.localdate(),
            "perms_personal": True,
        },
        status=422 if (post_form or start_form) else 200,
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def internship_post_create(request: HttpRequest) -> HttpResponse:
    bases = Employer.objects.editable_by(request.user).filter(internship_base=True)  # type: ignore[arg-type]
    return form_step(
        request,
        InternshipPostForm(request.POST, bases=bases),
        lambda data: services.internship_post_save(
            actor=request.user,
            employer=bases.get(pk=data["employer"]),
            title=data["title"],
            slots=data["slots"],
            stipend=data["stipend"] or 0,
            months=data["months"],
            occupation=data["occupation"],
        ),
        message=_("见习岗位已保存。"),
        then=lambda _post: reverse("jobs:internship_list"),
        refused=lambda form: _internship_page(request, post_form=form),
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def internship_start(request: HttpRequest) -> HttpResponse:
    posts = selectors.internship_posts(user=request.user)

    def start(data: dict[str, Any]) -> Any:
        person = registry_selectors.person_writable_by_id(user=request.user, id_number=data["id_number"])
        return services.internship_start(
            actor=request.user, person=person, post=posts.get(pk=data["post"]), start=data["start"]
        )

    return form_step(
        request,
        InternshipStartForm(request.POST, posts=posts),
        start,
        message=lambda internship: _("已登记见习：%(name)s") % {"name": internship.person.name},
        then=lambda _internship: reverse("jobs:internship_list"),
        refused=lambda form: _internship_page(request, start_form=form),
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def internship_end(request: HttpRequest, pk: int) -> HttpResponse:
    internship = Internship.objects.visible_to(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if internship is None:
        raise Http404
    require_writable(request.user, internship.region_code)
    form = InternshipEndForm(request.POST)
    if form.is_valid():
        try:
            services.internship_end(
                actor=request.user,
                internship=internship,
                day=form.cleaned_data["ended_on"],
                retained=form.cleaned_data["retained"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, _("见习结果已记录。"))
    else:
        messages.error(request, _("请填写结束日期。"))
    return redirect("jobs:internship_list")


# --- the public board --------------------------------------------------------------------------


def _counties() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level="county", is_zone=False).order_by("code").values_list("code", "name"))


@public_view
@public_limited
def board(request: HttpRequest) -> HttpResponse:
    """The public job board: search, filters, nearest first when the visitor shares a place."""
    if request.user.is_authenticated and not has_perm(request.user, VIEW_JOBS):  # type: ignore[arg-type]
        raise PermissionDenied  # an admin account is not a job seeker: no business pages for it
    form = BoardForm(request.GET or None, counties=_counties())
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.board(
        q=data.get("q", ""),
        occupation=data.get("occupation", ""),
        county=data.get("county", ""),
        wage=data.get("wage"),
        part_time=data.get("part_time", False),
    )
    lon, lat = data.get("lon"), data.get("lat")
    query = request.GET.copy()
    query.pop("page", None)
    if lon is not None and lat is not None:
        # The nearest of the newest 500 matches, paged in memory (a list, not a query).
        page = Paginator(selectors.nearest(list(rows[:500]), lon, lat), selectors.BOARD_PAGE).get_page(
            request.GET.get("page")
        )
        shown = page.object_list
    else:
        # A visitor pages a few screens, not thousands: the count stops at 1,000 ("1,000+ 条").
        page = paginate(rows, selectors.BOARD_PAGE, request.GET.get("page"), cap=selectors.BOARD_COUNT_CAP)
        shown = [(p, None) for p in page.object_list]
    selectors.name_places([p for p, _km in shown])
    return render(
        request,
        "jobs/board.html",
        {
            "form": form,
            "page": page,
            "shown": shown,
            "query": query.urlencode(),
            "near": lon is not None,
            "occupation_names": {o.code: o.name for o in occupations.all_occupations().values()},
        },
    )


@public_view
@public_limited
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_authenticated and not has_perm(request.user, VIEW_JOBS):  # type: ignore[arg-type]
        raise PermissionDenied
    posting = selectors.board_posting(pk)
    return render(
        request,
        "jobs/board_detail.html",
        {"posting": posting, "occupation": occupations.label(posting.occupation)},
    )
