"""The audit log pages (audit admin only) and the error pages."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuye.core import actions, audit_text, selectors
from jiuye.core.access import public_view, staff_view
from jiuye.core.audit import audit_record, verify_chain
from jiuye.core.errors import api_error_body, is_api_path
from jiuye.core.forms import AuditFilterForm
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import Perm
from jiuye.core.scoping import get_visible_or_404
from jiuye.core.tabular import XLSX


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return form, selectors.audit_event_list(user=request.user, **{k: v for k, v in filters.items() if v})


@staff_view(Perm.READ_AUDIT)
def audit_event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_event_list.html",
        {"form": form, "page": page, "rows": audit_text.describe(page.object_list), "query": query.urlencode()},
    )


@staff_view(Perm.READ_AUDIT)
def audit_event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    """One event with its codes: the action's code, the object's type and id, the region code,
    the change as recorded (JSON), the request and the chain's check values."""
    event = get_visible_or_404(AuditEvent.objects.all(), request.user, seq=seq)  # type: ignore[arg-type]
    [(_event, text)] = audit_text.describe([event])
    return render(
        request,
        "core/audit_event_detail.html",
        {"event": event, "text": text, "before": _pretty(event.before), "after": _pretty(event.after)},
    )


@staff_view(Perm.READ_AUDIT)
def audit_event_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as Excel: the words and the codes side by side; the export is audited."""
    _form, events = _filtered(request)
    user: Any = request.user
    content, count = audit_text.workbook(events, user=user)
    audit_record(
        action=actions.AUDIT_EXPORT,
        actor=user,
        region_code=user.region_id or "",
        after={"rows": count, "filters": request.GET.urlencode()},
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"审计日志-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
@staff_view(Perm.READ_AUDIT)
def audit_verify(request: HttpRequest) -> HttpResponse:
    report = verify_chain(stop_at_first=True)
    return render(request, "core/_audit_verify.html", {"report": report})


def _pretty(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, indent=2) if values else ""


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


@public_view
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for whatever the page links: the site's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
