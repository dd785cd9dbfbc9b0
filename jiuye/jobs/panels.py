"""What the jobs module shows on other modules' pages (``core.panels``): recommended postings on
a person's page and on a zero-employment case's page (for each able, willing member of working
age), and an employer's postings and 见习岗位 on its page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import can_write
from jiuye.jobs import selectors
from jiuye.jobs.choices import Stage
from jiuye.jobs.models import Referral, SeekerProfile
from jiuye.jobs.permissions import VIEW_JOBS

SHOWN = 5


def _member_block(person: Any, day: Any) -> dict[str, Any]:
    found = selectors.recommendations(person, k=SHOWN, day=day)
    referred = dict(Referral.objects.filter(person=person).values_list("posting_id", "stage"))
    return {
        "person": person,
        "profile": SeekerProfile.objects.filter(person=person).first(),
        "items": [(p, m, referred.get(p.pk)) for p, m in found],
        "referrals": Referral.objects.filter(person=person)
        .select_related("posting__employer")
        .order_by("-referred_on")[:10],
    }


def person_panel(request: HttpRequest, person: Any) -> str:
    user: Any = request.user
    if not (has_perm(user, VIEW_JOBS) and has_perm(user, Perm.VIEW_PERSONAL_DATA)):
        return ""
    day = timezone.localdate()
    if not selectors.may_seek(person, day):
        return ""
    return render_to_string(
        "jobs/_recommendations.html",
        {
            "members": [_member_block(person, day)],
            "can_edit": can_write(user, person.region_id) and has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "next": request.get_full_path(),
            "stage_form_stages": [c for c in Stage.choices if c[0] != Stage.REFERRED],
        },
        request=request,
    )


def case_panel(request: HttpRequest, case: Any) -> str:
    user: Any = request.user
    if not (has_perm(user, VIEW_JOBS) and has_perm(user, Perm.VIEW_PERSONAL_DATA)) or case.status != "open":
        return ""
    day = timezone.localdate()
    members = [m for m in case.household.members.order_by("id") if selectors.may_seek(m, day)]
    if not members:
        return ""
    return render_to_string(
        "jobs/_recommendations.html",
        {
            "members": [_member_block(m, day) for m in members],
            "can_edit": can_write(user, case.household.region_id) and has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "next": request.get_full_path(),
            "case": case,
            "stage_form_stages": [c for c in Stage.choices if c[0] != Stage.REFERRED],
        },
        request=request,
    )


def employer_panel(request: HttpRequest, employer: Any) -> str:
    user: Any = request.user
    if not has_perm(user, VIEW_JOBS):
        return ""
    return render_to_string(
        "jobs/_employer_postings.html",
        {
            "employer": employer,
            "postings": employer.postings.order_by("-valid_until")[:50],
            "internship_posts": employer.internship_posts.order_by("title"),
            "can_edit": can_write(user, employer.region_id) and has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "today": timezone.localdate(),
        },
        request=request,
    )
