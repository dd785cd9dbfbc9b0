"""Request id and client address for every request; one JSON error shape under /api/."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from jiuye.core.context import RequestContext, current
from jiuye.core.errors import api_error_body, is_api_path


def client_ip(request: HttpRequest) -> str | None:
    if settings.JIUYE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        if is_api_path(request.path) and response.status_code >= 400:
            response = _as_api_error(response, request_id)
        return response


def _as_api_error(response: HttpResponse, request_id: str) -> HttpResponse:
    """Wrap any non-JSON error (405, CSRF, a bare 404) in the API's error shape."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and "error" in body:
            return response
    wrapped = HttpResponse(
        json.dumps(api_error_body(response.status_code, request_id=request_id), ensure_ascii=False),
        status=response.status_code,
        content_type="application/json; charset=utf-8",
    )
    for header in ("Allow", "WWW-Authenticate", "X-Request-ID"):
        if header in response:
            wrapped[header] = response[header]
    wrapped["X-Request-ID"] = request_id
    return wrapped
