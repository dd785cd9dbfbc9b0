"""The audit log pages (audit admin only) and the error pages."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jiuye.core import selectors
from jiuye.core.access import public_view, staff_view
from jiuye.core.audit import verify_chain
from jiuye.core.errors import api_error_body, is_api_path
from jiuye.core.forms import AuditFilterForm
from jiuye.core.permissions import Perm, Role


@staff_view(Perm.READ_AUDIT)
def audit_event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_event_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    roles = dict(Role.choices)
    for event in page.object_list:
        event.role_label = roles.get(event.role, event.role)  # type: ignore[attr-defined]
        event.before_text = _pretty(event.before)  # type: ignore[attr-defined]
        event.after_text = _pretty(event.after)  # type: ignore[attr-defined]
    return render(
        request,
        "core/audit_event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_POST
@staff_view(Perm.READ_AUDIT)
def audit_verify(request: HttpRequest) -> HttpResponse:
    report = verify_chain(stop_at_first=True)
    return render(request, "core/_audit_verify.html", {"report": report})


def _pretty(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else ""


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse(
            api_error_body(status, request_id=getattr(request, "request_id", "")),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, template, status=status)


@public_view
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "404.html")


@public_view
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "403.html")


@public_view
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "500.html")


@public_view
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, "403_csrf.html")
