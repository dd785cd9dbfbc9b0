"""Region browser pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiuye.core.access import staff_view
from jiuye.core.permissions import Level, Perm, has_perm
from jiuye.regions import selectors, services
from jiuye.regions.forms import ZoneForm


@staff_view(Perm.VIEW_REGIONS)
def region_browse(request: HttpRequest) -> HttpResponse:
    root = selectors.region_root(user=request.user)
    return redirect("regions:detail", code=root.code)


@staff_view(Perm.VIEW_REGIONS)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    region = selectors.region_get(user=user, code=code)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "breadcrumb": selectors.region_breadcrumb(user=user, region=region),
            "children": selectors.region_children(user=user, region=region),
            "counts": selectors.region_counts(user=user, region=region),
            "can_add_zone": has_perm(user, Perm.MANAGE_ZONES) and region.level in (Level.CITY, Level.COUNTY),
        },
    )


@staff_view(Perm.VIEW_REGIONS)
def region_children_fragment(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    return render(
        request,
        "regions/_children.html",
        {"region": region, "children": selectors.region_children(user=request.user, region=region)},
    )


@staff_view(Perm.VIEW_REGIONS)
def region_options(request: HttpRequest) -> HttpResponse:
    """<option> elements for region inputs (HTMX); search text by POST or GET, never PI."""
    levels = [lv for lv in request.GET.getlist("level") if lv in Level.values]
    regions = selectors.region_search(user=request.user, query=request.GET.get("q", ""), levels=levels)
    return render(request, "regions/_options.html", {"regions": regions})


@staff_view(Perm.MANAGE_ZONES)
def zone_create(request: HttpRequest, code: str) -> HttpResponse:
    parent = selectors.region_get(user=request.user, code=code)
    if parent.level not in (Level.CITY, Level.COUNTY):
        raise PermissionDenied
    form = ZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.zone_create(parent=parent, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(
                request, _("已添加功能区 %(name)s（代码 %(code)s）。") % {"name": zone.name, "code": zone.code}
            )
            return redirect("regions:detail", code=parent.code)
    return render(
        request,
        "regions/zone_form.html",
        {"parent": parent, "form": form, "next_code": services.zone_next_code(parent=parent)},
    )
