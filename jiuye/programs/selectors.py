"""Reads of the programs module, scoped: claims, runs, notices, policy documents, facts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.home import AgendaItem
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import get_visible_or_404, prefix_lookup
from jiuye.programs.choices import ClaimStatus
from jiuye.programs.models import (
    BenefitFact,
    Claim,
    Difficulty,
    InsuranceFact,
    Loan,
    Notice,
    Placement,
    PolicyDocument,
    Post,
    Run,
)
from jiuye.programs.permissions import APPROVE_CLAIMS, REVIEW_CLAIMS


def claim_list(
    *, user: Any, program: str = "", status: str = "", region: str = "", q: str = "", year: int | None = None
) -> QuerySet[Claim]:
    rows = Claim.objects.visible_to(user)
    if program:
        rows = rows.filter(program=program)
    if status in ("paid", "failed"):
        rows = rows.filter(payment__status=status)
    elif status:
        rows = rows.filter(status=status)
    if region:
        rows = rows.filter(**prefix_lookup("region_code", region.rstrip("0") if len(region) == 12 else region))
    if year:
        rows = rows.filter(year=year)
    if q:
        rows = rows.filter(Q(payee_name__contains=q) | Q(number=q) | Q(payee_code=q.upper()))
    return rows.select_related("payment", "notice").order_by("-created_at", "-id")


def claim_get(*, user: Any, pk: int) -> Claim:
    return get_visible_or_404(Claim.objects.select_related("payment", "notice", "run"), user, pk=pk)


def status_counts(*, user: Any) -> dict[str, int]:
    return dict(Claim.objects.visible_to(user).values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def notice_get(*, user: Any, pk: int) -> Notice:
    return get_visible_or_404(Notice.objects.all(), user, pk=pk)


def notices(*, user: Any) -> QuerySet[Notice]:
    return (
        Notice.objects.visible_to(user)
        .annotate(n=Count("claims"), total=Sum("claims__amount"))
        .order_by("-starts_on", "-id")
    )


def runs(*, user: Any, program: str) -> QuerySet[Run]:
    return Run.objects.visible_to(user).filter(program=program).order_by("-run_at")[:20]


def policies(*, user: Any, year: int | None = None) -> QuerySet[PolicyDocument]:
    rows = PolicyDocument.objects.visible_to(user)
    if year:
        rows = rows.filter(issued_on__year=year)
    return rows.order_by("-issued_on", "-id")


def policy_get(*, user: Any, pk: int) -> PolicyDocument:
    return get_visible_or_404(PolicyDocument.objects.all(), user, pk=pk)


def insurance_facts(*, user: Any, year: int | None) -> QuerySet[InsuranceFact]:
    rows = InsuranceFact.objects.visible_to(user)
    return (rows.filter(year=year) if year else rows).order_by("-year", "credit_code")


def benefit_facts(*, user: Any, year: int | None) -> QuerySet[BenefitFact]:
    rows = BenefitFact.objects.visible_to(user)
    if year:
        rows = rows.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    return rows.order_by("-starts_on", "id")


def home_agenda(user: Any) -> list[AgendaItem]:
    """Claims waiting for this user's step: county review, city approval, payment after notice."""
    items = []
    visible = Claim.objects.visible_to(user)
    if has_perm(user, REVIEW_CLAIMS):
        n = visible.filter(status=ClaimStatus.SUBMITTED).exclude(created_by=user).count()
        if n:
            items.append(
                AgendaItem(
                    title=_("待县级审核的政策享受申请 %(n)d 件") % {"n": n},
                    url=reverse("programs:claim_list") + "?status=submitted",
                    detail=_("含免申即享核查提出的拟享受名单"),
                    due=None,
                    warn=False,
                )
            )
    if has_perm(user, APPROVE_CLAIMS):
        n = visible.filter(status=ClaimStatus.REVIEWED).count()
        if n:
            items.append(
                AgendaItem(
                    title=_("待市级审批的政策享受申请 %(n)d 件") % {"n": n},
                    url=reverse("programs:claim_list") + "?status=reviewed",
                    detail="",
                    due=None,
                    warn=False,
                )
            )
        n = visible.filter(status=ClaimStatus.NOTICED, notice__ends_on__lt=timezone.localdate()).count()
        if n:
            items.append(
                AgendaItem(
                    title=_("公示期满待支付的申请 %(n)d 件") % {"n": n},
                    url=reverse("programs:claim_list") + "?status=noticed",
                    detail="",
                    due=None,
                    warn=True,
                )
            )
    return items


def posts(*, user: Any) -> QuerySet[Post]:
    return (
        Post.objects.visible_to(user)
        .select_related("region", "employer")
        .annotate(open=Count("placements", filter=Q(placements__ended_on__isnull=True)))
        .order_by("-active", "region_id", "name")
    )


def post_get(*, user: Any, pk: int) -> Post:
    return get_visible_or_404(Post.objects.select_related("region", "employer"), user, pk=pk)


def placements(*, user: Any, post: Post) -> QuerySet[Placement]:
    return (
        Placement.objects.visible_to(user).filter(post=post).select_related("person").order_by("ended_on", "-starts_on")
    )


def placement_get(*, user: Any, pk: int) -> Placement:
    return get_visible_or_404(Placement.objects.select_related("post", "person"), user, pk=pk)


def difficulties(*, user: Any, status: str = "", overdue: bool = False) -> QuerySet[Difficulty]:
    rows = Difficulty.objects.visible_to(user).select_related("person", "case")
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(case__status="open", case__deadline__lt=timezone.localdate())
    return rows.order_by("-applied_on", "-id")


def difficulty_get(*, user: Any, pk: int) -> Difficulty:
    return get_visible_or_404(Difficulty.objects.select_related("person", "case"), user, pk=pk)


def loans(*, user: Any) -> QuerySet[Loan]:
    """With each loan's principal repaid (``repaid_total``), so a list tells overdue loans without a
    query per row."""
    return (
        Loan.objects.visible_to(user)
        .select_related("person", "employer")
        .annotate(repaid_total=Coalesce(Sum("repayments__principal"), 0))
        .order_by("-created_at", "-id")
    )


def loan_get(*, user: Any, pk: int) -> Loan:
    return get_visible_or_404(Loan.objects.select_related("person", "employer"), user, pk=pk)
