"""A household's page and its edit (the relocation site)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiuye.core.access import staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.permissions import Perm
from jiuye.core.scoping import can_write
from jiuye.regions.selectors import region_breadcrumb
from jiuye.registry import selectors, services
from jiuye.registry.choices import PersonState, Relation
from jiuye.registry.forms import (
    HouseholdForm,
)
from jiuye.registry.views.persons import _with_ages


@staff_view(Perm.VIEW_PERSONAL_DATA)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    household = selectors.household_get(user=user, pk=pk)
    members = _with_ages(household.members.all())
    active = [m for m in members if m.state == PersonState.ACTIVE]
    headless = bool(active) and not any(m.relation == Relation.HEAD for m in active)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "headless": headless,
            "cases": household.cases.order_by("-opened_on"),
            "can_edit": can_write(user, household.region_id),
            "breadcrumb": region_breadcrumb(user=request.user, region=household.region),
        },
    )


@staff_view(Perm.EDIT_BUSINESS_DATA)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = HouseholdForm(request.POST or None, initial={"relocation_site": household.relocation_site})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_relocation_site(
                actor=request.user, household=household, relocation_site=form.cleaned_data["relocation_site"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(
        request,
        "registry/household_edit.html",
        {
            "household": household,
            "form": form,
            # The sites already named in this county, offered as suggestions (one spelling each).
            "sites": selectors.relocation_sites(user=request.user, county=household.region_id[:6]),
            "breadcrumb": region_breadcrumb(user=request.user, region=household.region),
        },
    )
