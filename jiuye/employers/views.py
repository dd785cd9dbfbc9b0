"""Pages: employers (with their workers from the registry and, for factories, the monthly report),
the new market entities, and HR service organisations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core import panels
from jiuye.core.access import staff_view
from jiuye.core.forms import form_step, initial_of, input_of, save_page
from jiuye.core.pagination import paginate
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import can_write, code_from_typed, require_writable
from jiuye.employers import industries, selectors, services
from jiuye.employers.choices import OrgKind
from jiuye.employers.forms import (
    EmployerFilterForm,
    EmployerForm,
    FactoryReportForm,
    OrgForm,
    ServiceRecordForm,
)
from jiuye.employers.models import Employer, ServiceOrg
from jiuye.employers.permissions import VIEW_EMPLOYERS
from jiuye.regions import picker
from jiuye.regions.models import Region

PAGE_SIZE = 50


@staff_view(VIEW_EMPLOYERS)
def employer_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = picker.bind(EmployerFilterForm(request.GET or None), user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    region = code_from_typed(data.get("region") or "") or ""
    rows = selectors.employer_list(user=user, q=data.get("q", ""), kind=data.get("kind", ""), region=region)
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    counts = selectors.worker_counts([e.credit_code for e in page.object_list])
    for employer in page.object_list:
        employer.workers_now = counts.get(employer.credit_code, 0)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employers/employer_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": has_perm(user, Perm.EDIT_BUSINESS_DATA),
            "late": selectors.late_factories(user=user).count(),
        },
    )


@staff_view(Perm.EDIT_BUSINESS_DATA)
def employer_create(request: HttpRequest) -> HttpResponse:
    return _employer_form(request, None)


@staff_view(Perm.EDIT_BUSINESS_DATA)
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(user=request.user, pk=pk)
    require_writable(request.user, employer.region_id)
    return _employer_form(request, employer)


def _employer_form(request: HttpRequest, employer: Employer | None) -> HttpResponse:
    initial = initial_of(services.EmployerInput, employer, region=employer.region_id) if employer else {}
    return save_page(
        request,
        picker.bind(EmployerForm(request.POST or None, initial=initial), request.user),
        lambda data: services.employer_save(
            actor=request.user, data=input_of(services.EmployerInput, data), employer=employer
        ),
        message=_("已保存。"),
        then=lambda saved: reverse("employers:employer_detail", args=[saved.pk]),
        template="employers/employer_form.html",
        context={"employer": employer},
    )


@staff_view(VIEW_EMPLOYERS)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_page(request, selectors.employer_get(user=request.user, pk=pk))


def _employer_page(
    request: HttpRequest, employer: Employer, report_form: FactoryReportForm | None = None
) -> HttpResponse:
    """The employer's page; with a refused report form, that form and its errors (422)."""
    user: Any = request.user
    sees_persons = has_perm(user, Perm.VIEW_PERSONAL_DATA)
    context = {
        "employer": employer,
        "industry": industries.label(employer.industry) if employer.industry else "",
        "workers_now": selectors.worker_count(employer),
        "workers": selectors.workers(user=user, employer=employer)[:100] if sees_persons else None,
        "reports": employer.reports.order_by("-month")[:24] if employer.is_factory else None,
        "report_form": report_form or (FactoryReportForm() if employer.is_factory else None),
        "can_edit": can_write(user, employer.region_id),
        "panels": panels.render(request, "employers.employer", employer),
    }
    return render(request, "employers/employer_detail.html", context, status=422 if report_form else 200)


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def factory_report(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get(user=request.user, pk=pk)
    require_writable(request.user, employer.region_id)
    return form_step(
        request,
        FactoryReportForm(request.POST),
        lambda data: services.factory_report_save(
            actor=request.user, employer=employer, data=services.ReportInput(**data)
        ),
        message=_("月报已保存。"),
        then=lambda _report: reverse("employers:employer_detail", args=[employer.pk]),
        refused=lambda form: _employer_page(request, employer, report_form=form),
    )


@staff_view(VIEW_EMPLOYERS)
def market_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    summary = selectors.market_summary(user=user, year=year)
    names = dict(Region.objects.filter(code__in={f"{r['county']}000000" for r in summary}).values_list("code", "name"))
    for row in summary:
        row["name"] = names.get(f"{row['county']}000000", row["county"])
    totals = {k: sum(r[k] for r in summary) for k in ("entities", "declared", "absorbed")}
    return render(
        request,
        "employers/market_list.html",
        {"summary": summary, "totals": totals, "year": year, "years": range(today.year, today.year - 6, -1)},
    )


@staff_view(VIEW_EMPLOYERS)
def org_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrgKind.values else ""
    rows = selectors.org_list(user=request.user, kind=kind)
    page = paginate(rows, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "employers/org_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": OrgKind.choices,
            "query": f"kind={kind}" if kind else "",
            "today": timezone.localdate(),
            "can_create": has_perm(request.user, Perm.EDIT_BUSINESS_DATA),  # type: ignore[arg-type]
        },
    )


@staff_view(Perm.EDIT_BUSINESS_DATA)
def org_create(request: HttpRequest) -> HttpResponse:
    return _org_form(request, None)


@staff_view(Perm.EDIT_BUSINESS_DATA)
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_get(user=request.user, pk=pk)
    require_writable(request.user, org.region_id)
    return _org_form(request, org)


def _org_form(request: HttpRequest, org: ServiceOrg | None) -> HttpResponse:
    initial = (
        initial_of(
            services.OrgInput,
            org,
            region=org.region_id,
            villages=" ".join(org.villages.values_list("code", flat=True)),
        )
        if org
        else {}
    )
    return save_page(
        request,
        picker.bind(OrgForm(request.POST or None, initial=initial), request.user),
        lambda data: services.org_save(actor=request.user, data=input_of(services.OrgInput, data), org=org),
        message=_("已保存。"),
        then=lambda saved: reverse("employers:org_detail", args=[saved.pk]),
        template="employers/org_form.html",
        context={"org": org},
    )


@staff_view(VIEW_EMPLOYERS)
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _org_page(request, selectors.org_get(user=request.user, pk=pk))


def _org_page(request: HttpRequest, org: ServiceOrg, record_form: ServiceRecordForm | None = None) -> HttpResponse:
    """The organisation's page; with a refused record form, that form and its errors (422)."""
    return render(
        request,
        "employers/org_detail.html",
        {
            "org": org,
            "villages": org.villages.order_by("code"),
            "records": org.records.order_by("-month", "kind")[:36],
            "record_form": record_form or ServiceRecordForm(),
            "can_edit": can_write(request.user, org.region_id),  # type: ignore[arg-type]
            "today": timezone.localdate(),
        },
        status=422 if record_form else 200,
    )


@require_POST
@staff_view(Perm.EDIT_BUSINESS_DATA)
def org_record(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_get(user=request.user, pk=pk)
    require_writable(request.user, org.region_id)
    return form_step(
        request,
        ServiceRecordForm(request.POST),
        lambda data: services.service_record_save(actor=request.user, org=org, **data),
        message=_("已记录。"),
        then=lambda _record: reverse("employers:org_detail", args=[org.pk]),
        refused=lambda form: _org_page(request, org, record_form=form),
    )
