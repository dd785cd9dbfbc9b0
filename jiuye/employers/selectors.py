"""Reads on employers and the market, always through ``visible_to``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.home import AGENDA_SHOWN, AgendaItem
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import code_prefix, get_visible_or_404, prefix_lookup, read_prefix
from jiuye.employers.choices import FACTORY_KINDS
from jiuye.employers.models import Employer, FactoryReport, MarketEntity, ServiceOrg
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.registry.models import EmploymentSpell, Person

REPORT_DUE_DAY = 10  # a month's factory report is due by the 10th of the next month


def employer_list(*, user: Any, q: str = "", kind: str = "", region: str = "") -> QuerySet[Employer]:
    rows = Employer.objects.visible_to(user).select_related("region")
    if q.strip():
        text = q.strip()
        rows = rows.filter(Q(name__icontains=text) | Q(credit_code=text.upper()))
    if kind:
        rows = rows.filter(kind=kind)
    if region:
        rows = rows.filter(**prefix_lookup("region__code", code_prefix(region)))
    return rows.order_by("region_id", "name", "id")


def employer_get(*, user: Any, pk: int) -> Employer:
    return get_visible_or_404(Employer.objects.select_related("region"), user, pk=pk)


def workers(*, user: Any, employer: Employer) -> QuerySet[Person]:
    """The registry persons employed there now: their open spell names the employer's credit code.
    Persons outside the user's scope are not listed (they still count in ``worker_count``)."""
    spells = EmploymentSpell.objects.filter(employer_credit_code=employer.credit_code, end__isnull=True)
    return Person.objects.visible_to(user).filter(pk__in=spells.values("person_id")).order_by("region_id", "name")


def worker_count(employer: Employer) -> int:
    """Jobs absorbed: persons (anywhere in the registry) whose open spell names the employer."""
    return EmploymentSpell.objects.filter(employer_credit_code=employer.credit_code, end__isnull=True).count()


def worker_counts(codes: list[str]) -> dict[str, int]:
    rows = (
        EmploymentSpell.objects.filter(employer_credit_code__in=codes, end__isnull=True)
        .values("employer_credit_code")
        .annotate(n=Count("person_id", distinct=True))
    )
    return {r["employer_credit_code"]: r["n"] for r in rows}


def due_month(today: date) -> date:
    """The month whose factory report is overdue today: last month's, once past the due day."""
    if today.day <= REPORT_DUE_DAY:
        return add_months(month_start(today), -2)
    return add_months(month_start(today), -1)


def late_factories(*, user: Any, today: date | None = None) -> QuerySet[Employer]:
    """Certified factories of the user's area without the report of the month now due."""
    today = today or timezone.localdate()
    month = due_month(today)
    filed = FactoryReport.objects.filter(month=month).values("employer_id")
    return (
        Employer.objects.visible_to(user)
        .filter(kind__in=FACTORY_KINDS, certified_on__isnull=False, certified_on__lt=month)
        .exclude(pk__in=filed)
        .order_by("region_id", "name")
    )


def home_agenda(user: Any) -> list[AgendaItem]:
    if not has_perm(user, Perm.EDIT_BUSINESS_DATA) or read_prefix(user) is None:
        return []
    today = timezone.localdate()
    month = due_month(today)
    due = date(add_months(month, 1).year, add_months(month, 1).month, REPORT_DUE_DAY)
    items = []
    for factory in late_factories(user=user, today=today)[:AGENDA_SHOWN]:
        items.append(
            AgendaItem(
                title=_("新社区工厂月报未报送：%(name)s") % {"name": factory.name},
                url=reverse("employers:employer_detail", args=[factory.pk]),
                detail=_("%(year)d年%(month)d月的月报") % {"year": month.year, "month": month.month},
                due=due,
                warn=True,
            )
        )
    return items


def market_summary(*, user: Any, year: int) -> list[dict[str, Any]]:
    """New market entities by county and month of ``year``: how many, what they declared, and the
    registry persons working for them now (jobs absorbed, counted as people)."""
    rows = list(
        MarketEntity.objects.visible_to(user)
        .filter(registered_on__year=year)
        .values_list("region_code", "registered_on", "credit_code", "declared_employees")
    )
    workers_now = worker_counts([r[2] for r in rows])
    table: dict[tuple[str, int], dict[str, Any]] = {}
    for region, day, code, declared in rows:
        cell = table.setdefault(
            (region[:6], day.month),
            {"county": region[:6], "month": day.month, "entities": 0, "declared": 0, "absorbed": 0},
        )
        cell["entities"] += 1
        cell["declared"] += declared or 0
        cell["absorbed"] += workers_now.get(code, 0)
    return [table[k] for k in sorted(table)]


def factory_totals(*, user: Any, month: date) -> dict[str, int]:
    return (
        FactoryReport.objects.visible_to(user)
        .filter(month=month)
        .aggregate(factories=Count("id"), jobs=Sum("jobs"), output=Sum("output_value"), wages=Sum("wages_paid"))
    )


def org_list(*, user: Any, kind: str = "") -> QuerySet[ServiceOrg]:
    rows = ServiceOrg.objects.visible_to(user).select_related("region")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "region_id", "name")


def org_get(*, user: Any, pk: int) -> ServiceOrg:
    return get_visible_or_404(ServiceOrg.objects.select_related("region"), user, pk=pk)
