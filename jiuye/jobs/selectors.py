"""Reads of the jobs module: staff reads through ``visible_to``; the public board reads only
published postings open today, and nothing about persons."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.home import AGENDA_SHOWN, AgendaItem
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import code_prefix, get_visible_or_404, prefix_lookup
from jiuye.employers.models import Employer
from jiuye.jobs import facts, matching
from jiuye.jobs.choices import Stage
from jiuye.jobs.models import Internship, InternshipPost, Posting, RecruitmentEvent, Referral
from jiuye.regions.models import Region
from jiuye.registry.models import Person
from jiuye.registry.rules import WITH_ABILITY

BOARD_PAGE = 20
BOARD_COUNT_CAP = 1000
WORKING_AGE = (16, 60)


def posting_list(
    *, user: Any, q: str = "", occupation: str = "", region: str = "", open_only: bool = True
) -> QuerySet[Posting]:
    rows = Posting.objects.visible_to(user).select_related("employer", "region")
    if q.strip():
        rows = rows.filter(Q(title__icontains=q.strip()) | Q(employer__name__icontains=q.strip()))
    if occupation:
        rows = (
            rows.filter(occupation=occupation)
            if "-" in occupation
            else rows.filter(occupation__startswith=f"{occupation}-")
        )
    if region:
        rows = rows.filter(**prefix_lookup("region__code", code_prefix(region)))
    if open_only:
        rows = rows.filter(valid_until__gte=timezone.localdate())
    return rows.annotate(hired=Count("referrals", filter=Q(referrals__stage=Stage.HIRED))).order_by(
        "-valid_until", "-id"
    )


def posting_get(*, user: Any, pk: int) -> Posting:
    return get_visible_or_404(Posting.objects.select_related("employer", "region"), user, pk=pk)


def board(
    *, q: str = "", occupation: str = "", county: str = "", wage: int | None = None, part_time: bool = False
) -> QuerySet[Posting]:
    """The public board: published postings open today, newest first; no personal data."""
    today = timezone.localdate()
    rows = Posting.objects.filter(published=True, valid_from__lte=today, valid_until__gte=today)
    if q.strip():
        rows = rows.filter(search_text__contains=q.strip().lower())
    if occupation:
        rows = (
            rows.filter(occupation=occupation)
            if "-" in occupation
            else rows.filter(occupation__startswith=f"{occupation}-")
        )
    if county:
        rows = rows.filter(**prefix_lookup("region__code", county[:6]))
    if wage:
        rows = rows.filter(wage_max__gte=wage * 100)
    if part_time:
        rows = rows.filter(work_time="part")
    # One table, read in the order of ``posting_board``: joined to the employers or the regions,
    # SQLite plans from the joined table and sorts every match. The page names the 20 it shows.
    return rows.order_by("-valid_from", "-id")


def name_places(postings: list[Posting]) -> None:
    """Set ``place_name`` and ``employer_name`` on the postings of a page: two small queries."""
    places = dict(Region.objects.filter(code__in={p.region_id for p in postings}).values_list("code", "name"))
    employers = dict(Employer.objects.filter(pk__in={p.employer_id for p in postings}).values_list("pk", "name"))
    for posting in postings:
        posting.place_name = places.get(posting.region_id, "")  # type: ignore[attr-defined]
        posting.employer_name = employers.get(posting.employer_id, "")  # type: ignore[attr-defined]


def board_posting(pk: int) -> Posting:
    from django.http import Http404

    today = timezone.localdate()
    found = (
        Posting.objects.filter(pk=pk, published=True, valid_from__lte=today, valid_until__gte=today)
        .select_related("employer", "region")
        .first()
    )
    if found is None:
        raise Http404
    return found


def nearest(rows: list[Posting], lon: float, lat: float) -> list[tuple[Posting, float | None]]:
    """Postings with their distance from a point, nearest first (those without a place last)."""
    placed = []
    for p in rows:
        km = (
            matching.distance_km(lon, lat, p.longitude, p.latitude)
            if p.longitude is not None and p.latitude is not None
            else None
        )
        placed.append((p, km))
    placed.sort(key=lambda t: (t[1] is None, t[1] or 0.0, -t[0].pk))
    return placed


def may_seek(person: Person, day: date) -> bool:
    """Of working age, able and willing to work, in the registry: a member the matcher serves."""
    age = person.age_on(day)
    return (
        person.state == "active"
        and person.willing
        and person.labor_ability in WITH_ABILITY
        and WORKING_AGE[0] <= age <= WORKING_AGE[1]
    )


def recommendations(person: Person, *, k: int = 5, day: date | None = None) -> list[tuple[Posting, matching.Match]]:
    """The open postings that suit a person best, with the reasons, spread over employers."""
    day = day or timezone.localdate()
    seeker = facts.seeker_facts([person], day)[0]
    matches = facts.posting_index.get().rank(seeker, day, k=k)
    postings = Posting.objects.select_related("employer", "region").in_bulk([m.posting_id for m in matches])
    return [(postings[m.posting_id], m) for m in matches if m.posting_id in postings]


def candidates(*, user: Any, posting: Posting, k: int = 20) -> list[tuple[Person, matching.Match]]:
    """The seekers of the user's area best suited to a posting (active seekers, and able, willing
    unemployed members of zero-employment households), with the reasons."""
    day = timezone.localdate()
    people = list(
        Person.objects.visible_to(user)
        .filter(state="active", willing=True, labor_ability__in=sorted(WITH_ABILITY))
        .filter(Q(seeker__active=True) | Q(household__zero_employment=True, status="unemployed"))
        .select_related("seeker")[:50_000]
    )
    if not people:
        return []
    seekers = facts.seeker_facts(people, day)
    index = matching.SeekerIndex(seekers)
    target = facts.posting_facts([facts.open_postings(day).filter(pk=posting.pk).first() or posting])[0]
    best = index.candidates(target, day, k=k)
    by_id = {p.pk: p for p in people}
    by_seeker = {s.person_id: s for s in seekers}
    return [
        (
            by_id[pid],
            matching.explained(
                by_seeker[pid], target, matching.Match(target.posting_id, pid, target.employer_id, score)
            ),
        )
        for pid, score in best
    ]


def referral_list(*, user: Any, stage: str = "") -> QuerySet[Referral]:
    rows = Referral.objects.visible_to(user).select_related("person", "posting__employer", "event")
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("-referred_on", "-id")


def event_list(*, user: Any) -> QuerySet[RecruitmentEvent]:
    return (
        RecruitmentEvent.objects.visible_to(user)
        .select_related("region")
        .annotate(
            posting_count=Count("postings", distinct=True),
            employer_count=Count("employers", distinct=True),
        )
        .order_by("-start", "-id")
    )


def event_get(*, user: Any, pk: int) -> RecruitmentEvent:
    return get_visible_or_404(RecruitmentEvent.objects.select_related("region"), user, pk=pk)


def internship_posts(*, user: Any) -> QuerySet[InternshipPost]:
    return (
        InternshipPost.objects.visible_to(user)
        .select_related("employer")
        .annotate(active=Count("interns", filter=Q(interns__ended_on__isnull=True)))
        .order_by("employer__name", "title")
    )


def internships(*, user: Any) -> QuerySet[Internship]:
    return Internship.objects.visible_to(user).select_related("person", "post__employer").order_by("-start", "-id")


def home_agenda(user: Any) -> list[AgendaItem]:
    """Referrals waiting for news for more than 14 days; 见习 past their planned end."""
    if not has_perm(user, Perm.EDIT_BUSINESS_DATA) or not has_perm(user, Perm.VIEW_PERSONAL_DATA):
        return []
    today = timezone.localdate()
    items = []
    for internship in internships(user=user).filter(ended_on__isnull=True, planned_end__lt=today)[:AGENDA_SHOWN]:
        items.append(
            AgendaItem(
                title=_("见习期满未登记结果：%(name)s") % {"name": internship.person.name},
                url=reverse("jobs:internship_list"),
                detail=internship.post.title,
                due=internship.planned_end,
                warn=True,
            )
        )
    return items
