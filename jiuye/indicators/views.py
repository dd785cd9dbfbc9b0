"""Statistics pages: dashboard, drill-down, catalogue and parameters, entered figures, targets,
period locks and map boundaries. Every page is scoped by the region in its URL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core import ratelimit
from jiuye.core.access import staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.permissions import Perm, can_view_sensitive, has_perm
from jiuye.core.ratelimit import rate_limited
from jiuye.core.scoping import read_prefix
from jiuye.indicators import boundaries, catalogue, exports, records, selectors, services, targets
from jiuye.indicators.forms import BoundaryForm, EnteredValueForm, LockForm, TargetForm, params_form
from jiuye.indicators.models import EnteredValue, Measurement, PeriodLock, StalePeriod, Target
from jiuye.regions.models import Region
from jiuye.regions.picker import bind as bind_pickers
from jiuye.regions.selectors import region_breadcrumb, region_get

PAGE_SIZE = 50


def _period(request: HttpRequest, region_code: str) -> date:
    raw = request.GET.get("period", "")
    if raw:
        try:
            return services.parse_period(raw)
        except ValidationError:
            pass
    return selectors.default_period(region_code)


def _indicator_or_404(code: str) -> catalogue.Indicator:
    indicator = catalogue.get(code)
    if indicator is None:
        raise Http404
    return indicator


@staff_view(Perm.VIEW_STATISTICS)
def stats_home(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    return redirect("indicators:dashboard", code=user.region_id)


@staff_view(Perm.VIEW_STATISTICS)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    region = region_get(user=user, code=code)
    period = _period(request, region.code)
    board = selectors.dashboard(user=user, region=region, period=period, focus_code=request.GET.get("focus"))
    boundary = boundaries.boundary_for(region)
    drawn = {f["properties"]["code"] for f in boundary.geojson["features"]} if boundary else set()
    scale = board.chart_scale
    chart = {
        "focus": {"name": str(board.focus.name), "unit": scale.unit, "decimals": scale.decimals},
        "trend": [{"period": m.strftime("%Y-%m"), "value": _float(scale.value(v))} for m, v in board.trend],
        "trendTarget": _float(scale.value(board.trend_target)),
        "children": [
            {
                "code": row.region.code,
                "name": row.region.name,
                "value": _float(scale.value(row.value)),
                "url": reverse("indicators:dashboard", args=[row.region.code])
                + f"?period={period:%Y-%m}&focus={board.focus.code}",
            }
            for row in board.children
        ],
        "map": boundary.geojson if boundary else None,
    }
    return render(
        request,
        "indicators/dashboard.html",
        {
            "board": board,
            "chart": chart,
            "breadcrumb": region_breadcrumb(user=user, region=region),
            "unmapped": [row.region for row in board.children if row.region.code not in drawn] if boundary else [],
            "map_source": boundary.source if boundary else None,
            "can_drill": has_perm(user, Perm.VIEW_PERSONAL_DATA),
            "names": {region.code: region.name, **{row.region.code: row.region.name for row in board.children}},
            # Built once here rather than per row in the template.
            "period_q": period.strftime("%Y-%m"),
            "period_options": [p.strftime("%Y-%m") for p in board.periods],
            "drill_url": reverse("indicators:drilldown", args=[region.code]),
            "stats_root": reverse("indicators:home"),
        },
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@staff_view(Perm.VIEW_STATISTICS)
def dashboard_export(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    region = region_get(user=user, code=code)
    period = _period(request, region.code)
    board = selectors.dashboard(user=user, region=region, period=period, focus_code=request.GET.get("focus"))
    return exports.dashboard_response(board, user=user)


@staff_view(Perm.VIEW_PERSONAL_DATA)
@rate_limited(ratelimit.SEARCH)
def drilldown(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    indicator = _indicator_or_404(request.GET.get("indicator", ""))
    period = _period(request, code)
    result = selectors.drill(user=user, region_code=code, indicator=indicator, period=period)
    # A list by a sensitive key group (who is 残疾人, 脱贫人口) needs the security label; the
    # figures stay visible without it.
    restricted = indicator.lists_sensitive(services.effective_params(indicator)) and not can_view_sensitive(user)
    page = Paginator([] if restricted else result.records, PAGE_SIZE).get_page(request.GET.get("page"))
    source = records.source_for(indicator.records)
    items = records.rows_for(source, user, list(page.object_list)) if source else []
    query = request.GET.copy()
    query.pop("page", None)
    # A rate drills into the figures it is made of; an entered figure shows its entry.
    stored = dict(
        Measurement.objects.filter(
            region_code=result.region.code, period=result.period, indicator__in=indicator.inputs
        ).values_list("indicator", "value")
    )
    inputs = [(spec, stored.get(spec.code)) for spec in (catalogue.get(c) for c in indicator.inputs) if spec]
    entry = (
        EnteredValue.objects.filter(indicator=indicator.code, region_code=result.region.code, period__lte=result.period)
        .order_by("-period")
        .first()
        if indicator.entered
        else None
    )
    return render(
        request,
        "indicators/drilldown.html",
        {
            "drill": result,
            "items": items,
            "columns": [header for header, _cell in source.columns] if source else [],
            "restricted": restricted,
            "page": page,
            "query": query.urlencode(),
            # Beside the count of records: in whole persons (households), never 万.
            "stored_shown": indicator.base.number(result.stored),
            "stored_unit": indicator.base.unit,
            "total_shown": indicator.base.number(Decimal(result.total)),
            "inputs": inputs,
            "entry": entry,
            "breadcrumb": region_breadcrumb(user=user, region=result.region),
        },
    )


@staff_view(Perm.VIEW_STATISTICS)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for indicator in catalogue.all_indicators():
        current = services.effective_params(indicator)
        rows.append(
            {
                "indicator": indicator,
                "params": [(p.label, _param_text(p, current.get(name))) for name, p in indicator.params.items()],
            }
        )
    return render(
        request,
        "indicators/catalogue.html",
        {
            "rows": rows,
            "can_manage": has_perm(request.user, Perm.MANAGE_STATISTICS),  # type: ignore[arg-type]
            "direction_labels": catalogue.DIRECTION_LABELS,
            "kind_labels": catalogue.KIND_LABELS,
        },
    )


def _param_text(param: catalogue.Param, value: Any) -> str:
    if isinstance(param.default, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        labels = dict(param.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return str(value)


@staff_view(Perm.MANAGE_STATISTICS)
def params_edit(request: HttpRequest) -> HttpResponse:
    indicator = _indicator_or_404(request.GET.get("code", ""))
    if not indicator.params:
        raise Http404
    current = services.effective_params(indicator)
    form = params_form(indicator, current, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.params_update(actor=request.user, indicator=indicator, params=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("口径参数已保存，相关月份将重新计算。"))
            return redirect("indicators:catalogue")
    return render(
        request,
        "indicators/params_form.html",
        {"indicator": indicator, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@staff_view(Perm.VIEW_STATISTICS)
def entered_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    can_enter = has_perm(user, Perm.ENTER_STATISTICS)
    form = EnteredValueForm(
        request.POST if request.method == "POST" else None,
        initial={"region": user.region_id, "period": timezone.localdate().strftime("%Y-%m")},
    )
    bind_pickers(form, user)
    status = 200
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.entered_value_set(
                    actor=user,
                    indicator=_indicator_or_404(data["indicator"]),
                    region_code=data["region"],
                    period=data["period"],
                    value=data["value"],
                    source=data["source"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("indicators:entered")
        status = 422
    entries = EnteredValue.objects.visible_to(user).select_related("entered_by")[:200]
    names = dict(Region.objects.filter(code__in={e.region_code for e in entries}).values_list("code", "name"))
    rows = [(e, catalogue.get(e.indicator), names.get(e.region_code, e.region_code)) for e in entries]
    return render(
        request, "indicators/entered.html", {"form": form, "rows": rows, "can_enter": can_enter}, status=status
    )


@staff_view(Perm.VIEW_STATISTICS)
def target_list(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    region = region_get(user=user, code=code)
    period = _period(request, region.code)
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    names = {region.code: region.name, **{c.code: c.name for c in children}}
    rows = targets.targets_for(names, period)
    book = targets.book_for(rows, period)
    progress = [p for p in (targets.progress_of(t, period, book) for t in rows) if p is not None]
    return render(
        request,
        "indicators/targets.html",
        {
            "region": region,
            "period": period,
            "progress": progress,
            "names": names,
            "form": TargetForm(),
            "can_set": has_perm(user, Perm.SET_TARGETS),
            "breadcrumb": region_breadcrumb(user=user, region=region),
        },
    )


@staff_view(Perm.SET_TARGETS)
def target_split(request: HttpRequest, code: str) -> HttpResponse:
    """A region's target and its split among the children, in one form."""
    user: Any = request.user
    region = region_get(user=user, code=code)
    form = TargetForm(request.POST or request.GET or None)
    if not form.is_valid():
        return render(request, "indicators/target_split.html", {"region": region, "form": form, "rows": None})
    indicator = _indicator_or_404(form.cleaned_data["indicator"])
    start, end = form.cleaned_data["start_year"], form.cleaned_data["end_year"]
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    existing = {
        t.region_code: t
        for t in Target.objects.visible_to(user).filter(
            indicator=indicator.code,
            start_year=start,
            end_year=end,
            region_code__in=[region.code, *[c.code for c in children]],
        )
    }
    errors: list[str] = []
    status = 200
    note = request.POST.get("note", "")
    # Typed in whole persons (households) for a count the report gives in 万: the parts are
    # regions below the city, where 万人 would round to nothing; one unit for the whole form.
    unit = indicator.base
    if request.method == "POST":
        try:
            parts = {
                c.code: unit.parse(raw) for c in children if (raw := request.POST.get(f"part_{c.code}", "").strip())
            }
            whole_raw = request.POST.get("whole", "").strip()
            targets.target_set_and_split(
                actor=user,
                indicator=indicator,
                parent=region,
                start_year=start,
                end_year=end,
                whole=unit.parse(whole_raw) if whole_raw else None,
                parts=parts,
                note=note,
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            messages.success(request, _("目标已保存。"))
            return redirect(reverse("indicators:targets", args=[region.code]))
        status = 422
    rows = [
        (
            c,
            request.POST.get(f"part_{c.code}")
            if request.method == "POST"
            else unit.value(existing[c.code].value)
            if c.code in existing
            else "",
        )
        for c in children
    ]
    whole = existing.get(region.code)
    return render(
        request,
        "indicators/target_split.html",
        {
            "region": region,
            "form": form,
            "indicator": indicator,
            "unit": unit,
            "rows": rows,
            # A refused form shows back what was typed.
            "whole": request.POST.get("whole", "")
            if request.method == "POST"
            else (unit.value(whole.value) if whole else None),
            "can_set_whole": targets.can_set_target_for(user, region.code),
            "note": note or (whole.note if whole else ""),
            "errors": errors,
            "breadcrumb": region_breadcrumb(user=user, region=region),
        },
        status=status,
    )


@staff_view(Perm.VIEW_STATISTICS)
def period_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    root = user.region_id
    periods = selectors.computed_periods(root)
    locks = {lock.period: lock for lock in PeriodLock.objects.select_related("changed_by")}
    stale = set(StalePeriod.objects.values_list("period", flat=True))
    rows = [(p, locks.get(p), p in stale) for p in periods]
    return render(
        request,
        "indicators/periods.html",
        {"rows": rows, "can_manage": has_perm(user, Perm.MANAGE_STATISTICS), "form": LockForm()},
    )


@require_POST
@staff_view(Perm.MANAGE_STATISTICS)
def period_lock(request: HttpRequest) -> HttpResponse:
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            services.period_lock(
                actor=request.user,
                period=form.cleaned_data["period"],
                locked=form.cleaned_data["action"] == "lock",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已锁定。") if form.cleaned_data["action"] == "lock" else _("已解锁。"))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("indicators:periods")


@staff_view(Perm.MANAGE_STATISTICS)
def boundary_upload(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = BoundaryForm(request.POST or None, request.FILES or None, initial={"region": user.region_id})
    bind_pickers(form, user)
    report: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            prefix = read_prefix(user) or "-"
            region = Region.objects.filter(code=form.cleaned_data["region"], code__startswith=prefix).first()
            if region is None:
                form.add_error("region", _("区划代码不存在或不在管辖范围内。"))
            else:
                try:
                    _b, drawn, ignored = services.boundary_upload(
                        actor=user, region=region, raw=form.cleaned_data["file"].read()
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    report = {"region": region, "drawn": len(drawn), "ignored": ignored}
        if report is None:
            status = 422
    return render(request, "indicators/boundary_upload.html", {"form": form, "report": report}, status=status)
