"""零就业家庭: the list, a case's page (officer, measures) and the rule's parameters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import panels, ratelimit
from jiuye.core.access import staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.masking import mask_name
from jiuye.core.pagination import paginate
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.ratelimit import rate_limited
from jiuye.core.scoping import can_write
from jiuye.regions.models import Region
from jiuye.regions.selectors import region_breadcrumb
from jiuye.registry import selectors, services
from jiuye.registry.choices import CaseStatus, EmploymentStatus
from jiuye.registry.forms import (
    MeasureForm,
    ZeroRuleForm,
    case_filters,
)
from jiuye.registry.views.persons import PAGE_SIZE, _with_ages


@staff_view(Perm.VIEW_PERSONAL_DATA)
@rate_limited(ratelimit.SEARCH)
def case_list(request: HttpRequest) -> HttpResponse:
    form, filters = case_filters(request.GET, request.user)
    cases = selectors.case_list(user=request.user, **filters)
    page = paginate(cases, PAGE_SIZE, request.GET.get("page"))
    user: Any = request.user
    heads = selectors.household_heads(user=user, household_ids=[c.household_id for c in page.object_list])
    for case in page.object_list:
        case.head_masked = mask_name(heads.get(case.household_id, ""))
    names = dict(Region.objects.visible_to(user).filter(level="county").values_list("code", "name"))
    counties = [
        {**row, "name": names.get(row["county"].ljust(12, "0"), row["county"])}
        for row in selectors.case_counts_by_county(user=request.user)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/case_list.html",
        {
            "form": form,
            "page": page,
            "counties": counties,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "rule": _rule_summary(services.zero_rule()),
            "can_edit_rule": has_perm(user, Perm.MANAGE_STATISTICS),
        },
    )


def _rule_summary(rule: Any) -> str:
    labels = dict(EmploymentStatus.choices)
    return _(
        "%(min)d–%(max)d 周岁、有劳动能力且有就业意愿的成员至少一人，且没有成员处于以下状态之一：%(employed)s；清零期限 %(days)d 天。"
    ) % {
        "min": rule.min_age,
        "max": rule.max_age,
        "employed": "、".join(str(labels[s]) for s in EmploymentStatus.values if s in rule.employed),
        "days": rule.clear_days,
    }


@staff_view(Perm.MANAGE_STATISTICS)
def zero_rule_edit(request: HttpRequest) -> HttpResponse:
    rule = services.zero_rule()
    form = ZeroRuleForm(request.POST if request.method == "POST" else None, initial=rule.settings())
    if request.method == "POST" and form.is_valid():
        try:
            result = services.zero_rule_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "认定参数已保存，已按新口径重新认定全部家庭：新认定 %(opened)d 户，清零 %(closed)d 户，现有零就业家庭 %(flagged)d 户。"
                )
                % result,
            )
            return redirect("registry:case_list")
    return render(
        request,
        "registry/zero_rule.html",
        {"form": form, "rule": _rule_summary(rule)},
        status=422 if request.method == "POST" else 200,
    )


@staff_view(Perm.VIEW_PERSONAL_DATA)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    posted = request.method == "POST"
    if posted and not has_perm(user, Perm.EDIT_BUSINESS_DATA):
        raise PermissionDenied  # a read-only role, like every other write
    # A change is made only within the write scope: elsewhere the case is a 404 to a POST.
    case = selectors.case_get(user=user, pk=pk, for_change=posted)
    is_open = case.status == CaseStatus.OPEN
    can_edit = is_open and can_write(user, case.household.region_id)
    form = MeasureForm(request.POST or None)
    officers = selectors.case_officers(user=user, case=case)
    refused = posted and not is_open
    if refused:
        messages.error(request, _("该案件已办结，不能再指定责任人或记录帮扶措施。"))
    elif posted:
        if "officer" in request.POST:
            chosen = request.POST["officer"]
            officer = officers.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
            if chosen and officer is None:
                messages.error(request, _("所选人员不能负责此户（须为该户所在村、镇、县或市的在岗经办人员）。"))
            else:
                services.case_assign(actor=user, case=case, officer=officer)
                messages.success(request, _("已指定责任人。") if officer else _("已取消责任人。"))
            return redirect("registry:case_detail", pk=case.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_add_measure(actor=user, case=case, kind=data["kind"], day=data["date"], note=data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("帮扶措施已记录。"))
                return redirect("registry:case_detail", pk=case.pk)
    return render(
        request,
        "registry/case_detail.html",
        {
            "case": case,
            "members": _with_ages(case.household.members.order_by("relation", "birth_date")),
            "panels": panels.render(request, "registry.case", case),
            "measures": case.measures.select_related("recorded_by"),
            "form": form,
            "officers": officers,
            "can_edit": can_edit,
            "today": timezone.localdate(),
            "breadcrumb": region_breadcrumb(user=user, region=case.household.region),
        },
        status=422 if refused or form.errors else 200,
    )
