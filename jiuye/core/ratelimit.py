"""Per-user rate limits (security bar P-3, ASVS 2.4.1): a clerk pages and searches at human
speed; a script harvesting the registry does not.

Three kinds, set in settings:
- ``search``: lists and searches that return persons or households (pages and API), per minute;
- ``export``: Excel exports of personal data, per local day;
- ``public``: the pages open without login (the public job board), per minute and per client
  address: the visitor has no account, so the address stands for one (``consume_public``).

Counts live in the database (``RateCount``), so every worker process shares them. One upsert
per counted request; the first refused request of a window is audited.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuye.core import actions
from jiuye.core.audit import audit_record
from jiuye.core.middleware import client_ip
from jiuye.core.models import AuditOutcome, RateCount

SEARCH = "search"
EXPORT = "export"
PUBLIC = "public"


@dataclass(frozen=True)
class Limit:
    count: int  # requests allowed per window; 0 means no limit
    per_day: bool  # the window is the local day; otherwise one minute


def limit_of(kind: str) -> Limit:
    if kind == SEARCH:
        return Limit(settings.JIUYE_SEARCH_PER_MINUTE, per_day=False)
    if kind == EXPORT:
        return Limit(settings.JIUYE_EXPORTS_PER_DAY, per_day=True)
    if kind == PUBLIC:
        return Limit(settings.JIUYE_PUBLIC_PER_MINUTE, per_day=False)
    raise ValueError(f"unknown rate-limit kind {kind!r}")


class RateLimited(Exception):
    def __init__(self, kind: str, limit: Limit, retry_after: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.limit = limit
        self.retry_after = retry_after


def _window(limit: Limit) -> tuple[int, int]:
    """The current window's number and the seconds until it ends."""
    if limit.per_day:
        now = timezone.localtime()
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return now.date().toordinal(), max(1, math.ceil((tomorrow - now).total_seconds()))
    now_s = time.time()
    return int(now_s // 60), max(1, math.ceil(60 - now_s % 60))


_UPSERT = (
    "INSERT INTO {table} (user_id, kind, slot, count) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (user_id, kind, slot) DO UPDATE SET count = {table}.count + 1 RETURNING count"
)


def consume(user: Any, kind: str) -> None:
    """Count one request of ``kind`` by ``user``; raise ``RateLimited`` above the limit."""
    if not getattr(user, "is_authenticated", False):
        return
    _count(user.pk, kind, actor=user)


def client_key(address: str) -> int:
    """A visitor without an account, counted under a negative number derived from the client
    address (user ids are positive, so the two never meet; the address itself is not stored)."""
    key = settings.SECRET_KEY.encode()[:64]  # keyed: the 2^32 IPv4 addresses cannot be tried back
    digest = hashlib.blake2b(address.encode(), digest_size=7, key=key, person=b"jiuye-rate").digest()
    return -1 - int.from_bytes(digest, "big")


def consume_public(address: str | None) -> None:
    """Count one anonymous request from ``address``; raise ``RateLimited`` above the limit."""
    _count(client_key(address or "unknown"), PUBLIC, actor=None)


def _count(key: int, kind: str, *, actor: Any) -> None:
    limit = limit_of(kind)
    if limit.count <= 0:
        return
    window, retry_after = _window(limit)
    table = connection.ops.quote_name(RateCount._meta.db_table)
    # Its own commit (or savepoint), left before raising: a refused request and its audit row stay.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT.format(table=table), [key, kind, window])
            (count,) = cursor.fetchone()
        if count == 1:  # a new window: the user's older windows of this kind are of no more use
            RateCount.objects.filter(user_id=key, kind=kind, slot__lt=window).delete()
        if count == limit.count + 1:  # audited once per window, not once per refused request
            audit_record(
                action=actions.RATE_LIMITED,
                actor=actor,
                outcome=AuditOutcome.DENIED,
                after={"kind": kind, "limit": limit.count, "per": "day" if limit.per_day else "minute"},
            )
    if count > limit.count:
        raise RateLimited(kind, limit, retry_after)


def limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The page shown above a limit (429, with Retry-After). An HTMX request is sent to the full
    page, since HTMX does not swap error responses."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=429)
        response["HX-Redirect"] = request.get_full_path()
    else:
        response = render(
            request,
            "429.html",
            {"per_day": exc.limit.per_day, "limit": exc.limit.count, "retry_after": exc.retry_after},
            status=429,
        )
    response["Retry-After"] = str(exc.retry_after)
    return response


def public_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages open without login: count each request per client address and answer 429 above the
    limit. A logged-in clerk's requests are not counted here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not getattr(request.user, "is_authenticated", False):
            try:
                consume_public(client_ip(request))
            except RateLimited as exc:
                return limited_response(request, exc)
        return view(request, *args, **kwargs)

    return wrapper


def rate_limited(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Page views: count each request of ``kind`` and answer 429 above the limit."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                consume(request.user, kind)
            except RateLimited as exc:
                return limited_response(request, exc)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
