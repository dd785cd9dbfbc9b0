"""Region browser pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiuye.core.access import staff_view
from jiuye.core.permissions import Level, Perm, has_perm
from jiuye.regions import picker, selectors, services
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
def region_picker(request: HttpRequest) -> HttpResponse:
    """The region picker redrawn after a choice (``code``, or ``parent`` for a blank one), or the
    regions matching a search (``q``): HTMX fragments, only regions of the user's scope."""
    name = request.GET.get("name", "")
    if not picker.SAFE_NAME.match(name):
        return HttpResponse(status=400)
    levels = picker.parse_levels(request.GET.get("levels", ""))
    required = request.GET.get("required") == "1"
    if "q" in request.GET:
        query = request.GET.get("q", "")[:40]
        context = {
            "results": picker.search(user=request.user, query=query, levels=levels),
            "query": query.strip(),
            "name": name,
            "levels": ",".join(levels),
            "required": required,
            "url": reverse("regions:picker"),
        }
        return render(request, "regions/_picker_results.html", context)
    code = request.GET.get("code") or request.GET.get("parent") or ""
    state = picker.state(user=request.user, name=name, value=code, levels=levels, required=required)
    return render(request, "regions/_picker.html", {"picker": state})


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
