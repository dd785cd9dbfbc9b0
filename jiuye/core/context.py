"""Per-request context (request id, client address) for code far from the view."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


current: ContextVar[RequestContext] = ContextVar("jiuye_request", default=RequestContext())  # noqa: B039 (frozen)
