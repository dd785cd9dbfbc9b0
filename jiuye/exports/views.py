"""Export pages: a list's Excel export (straight away, or a request above the approval line),
the requests a user made or may decide, and the download of an approved one."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiuye.core.access import staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.pagination import paginate
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.ratelimit import RateLimited, limited_response
from jiuye.exports import kinds, selectors, services
from jiuye.exports.forms import DecisionForm, ExportRequestForm
from jiuye.exports.models import ExportRequest

PAGE_SIZE = 30


def xlsx_download(title: str, write: Callable[[Path], Any]) -> FileResponse:
    """Run ``write(path)`` into a temporary file and send it as ``<title>-<date>.xlsx``."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 (streamed, then removed)
    handle.close()
    path = Path(handle.name)
    try:
        write(path)
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
        )
    finally:
        path.unlink()  # an open handle keeps the data readable until the response is sent
    return response


def _back_to_list(kind: kinds.ExportKind, query: QueryDict) -> HttpResponse:
    url = reverse(kind.list_url)
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@staff_view()
def export_file(request: HttpRequest, kind: str) -> HttpResponseBase:
    """A list's export link: the file, or, above the approval line, the request form."""
    user: Any = request.user
    export = kinds.get(kind)
    if not has_perm(user, export.perm):
        raise PermissionDenied
    query = request.GET
    try:
        rows = export.count(user, query)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_list(export, query)
    if services.needs_approval(rows):
        form = ExportRequestForm(initial={"kind": export.code, "params": query.urlencode()})
        return _request_page(request, export, query, rows, form)
    try:
        return xlsx_download(
            export.title,
            lambda path: services.export_now(actor=user, kind=export, query=query, path=path, counted=rows),
        )
    except RateLimited as exc:
        return limited_response(request, exc)


def _request_page(
    request: HttpRequest, export: kinds.ExportKind, query: QueryDict, rows: int, form: ExportRequestForm
) -> HttpResponse:
    return render(
        request,
        "exports/request_form.html",
        {
            "export": export,
            "rows": rows,
            "line": services.approval_line(),
            "filters": export.describe(request.user, query),
            "form": form,
            "back": f"{reverse(export.list_url)}?{query.urlencode()}",
        },
        status=422 if form.errors else 200,
    )


@staff_view()
@require_POST
def request_create(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    form = ExportRequestForm(request.POST)
    if not form.is_valid() and ("kind" in form.errors or "params" in form.errors):
        raise PermissionDenied  # the hidden fields were tampered with
    export = kinds.get(form.data.get("kind", ""))
    if not has_perm(user, export.perm):  # before any count: a refused user sees no form either
        raise PermissionDenied
    query = QueryDict(form.data.get("params", ""))
    if form.is_valid():
        try:
            req = services.request_export(actor=user, kind=export, query=query, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("导出申请已提交，请等待审批；批准后在本页下载。"))
            return redirect("exports:request_detail", pk=req.pk)
    try:
        rows = export.count(user, query)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_list(export, query)
    return _request_page(request, export, query, rows, form)


def _titled(requests: Any) -> list[ExportRequest]:
    rows = list(requests)
    for r in rows:
        try:
            r.kind_title = kinds.get(r.kind).title  # type: ignore[attr-defined]
        except Http404:  # a kind no longer offered keeps its code
            r.kind_title = r.kind  # type: ignore[attr-defined]
    return rows


@staff_view(Perm.VIEW_PERSONAL_DATA)
def request_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    waiting = selectors.awaiting_decision(user)
    page = paginate(
        selectors.requests_for(user).select_related("requested_by", "decided_by"), PAGE_SIZE, request.GET.get("page")
    )
    page.object_list = _titled(page.object_list)
    return render(
        request,
        "exports/request_list.html",
        {
            "waiting": _titled(waiting.select_related("requested_by")[:100]),
            "waiting_count": selectors.waiting_count(user),  # the menu's badge has counted them
            "page": page,
            "can_approve": has_perm(user, Perm.APPROVE_EXPORTS),
            "line": services.approval_line(),
        },
    )


def _request_or_404(user: Any, pk: int) -> ExportRequest:
    return get_object_or_404(selectors.requests_for(user).select_related("requested_by__region", "decided_by"), pk=pk)


@staff_view(Perm.VIEW_PERSONAL_DATA)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    req = _request_or_404(user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("approve", "reject"):
                if form.is_valid():
                    services.decide(actor=user, req=req, approve=action == "approve", note=form.cleaned_data["note"])
                    messages.success(request, _("已批准。") if action == "approve" else _("已驳回。"))
                    return redirect("exports:request_detail", pk=req.pk)
            elif action == "withdraw":
                services.withdraw(actor=user, req=req)
                messages.success(request, _("申请已撤回。"))
                return redirect("exports:request_detail", pk=req.pk)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "exports/request_detail.html",
        {
            "req": req,
            "kind": kinds.get(req.kind),
            "form": form,
            "can_decide": services.can_decide(user, req),
            "mine": req.requested_by_id == user.pk,
            "line": services.approval_line(),
        },
        status=422 if form.errors else 200,
    )


@staff_view(Perm.VIEW_PERSONAL_DATA)
@require_POST
def request_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: Any = request.user
    req = _request_or_404(user, pk)
    export = kinds.get(req.kind)
    try:
        return xlsx_download(export.title, lambda path: services.download(actor=user, req=req, path=path))
    except RateLimited as exc:
        return limited_response(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exports:request_detail", pk=req.pk)
