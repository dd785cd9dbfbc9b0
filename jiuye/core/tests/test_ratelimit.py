"""Rate limits (security bar P-3): lists and searches of persons per user per minute, exports of
personal data per user per day; 429 above the limit, in pages and the API, audited once."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from jiuye.accounts.models import User
from jiuye.conftest import login, read_download
from jiuye.core import ratelimit
from jiuye.core.models import AuditEvent, RateCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.JIUYE_SEARCH_PER_MINUTE = 3
    settings.JIUYE_EXPORTS_PER_DAY = 2
    return settings


def _at_second(seconds: float) -> Any:
    return mock.patch("jiuye.core.ratelimit.time.time", return_value=seconds)


def test_lists_and_searches_share_the_per_minute_limit(limits: Any, personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    with _at_second(1_800_000_000.0):  # the start of a minute
        assert client.get(reverse("registry:person_list")).status_code == 200
        assert client.get(reverse("registry:case_list")).status_code == 200
        api = client.get("/api/v1/registry/persons")
        assert api.status_code == 200
        # The fourth: refused, in the page and in the API, with the time to wait.
        page = client.get(reverse("registry:person_list"))
        assert page.status_code == 429
        assert page["Retry-After"] == "60"
        assert "每人每分钟最多查询 3 次" in page.content.decode()
        api = client.post(
            "/api/v1/registry/persons/search", json.dumps({"phone": "13800000000"}), content_type="application/json"
        )
        assert api.status_code == 429
        assert api.json()["error"]["code"] == "too_many_requests"
        assert api["Retry-After"] == "60"
        # Another user is not held back by this one.
        assert login(Client(), personas["county_b"]).get(reverse("registry:person_list")).status_code == 200
    # One audit row for the window, however many requests were refused in it.
    events = AuditEvent.objects.filter(action="security.rate_limited")
    assert list(events.values_list("actor_username", "outcome")) == [("county_a", "denied")]
    assert events.get().after == {"kind": "search", "limit": 3, "per": "minute"}
    # The next minute: allowed again, and the user's old window is dropped.
    with _at_second(1_800_000_060.0):
        assert client.get(reverse("registry:person_list")).status_code == 200
    rows = RateCount.objects.filter(user_id=personas["county_a"].pk, kind="search")
    assert list(rows.values_list("slot", "count")) == [(1_800_000_060 // 60, 1)]


def test_an_htmx_request_above_the_limit_is_sent_to_the_full_page(limits: Any, personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    with _at_second(1_800_000_000.0):
        for _ in range(3):
            assert client.get(reverse("registry:person_list"), HTTP_HX_REQUEST="true").status_code == 200
        response = client.get(reverse("registry:person_list") + "?status=farming", HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert response["HX-Redirect"] == reverse("registry:person_list") + "?status=farming"


def test_exports_per_day(limits: Any, personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    for _ in range(2):
        response = client.get(reverse("registry:person_export"))
        assert response.status_code == 200
        read_download(response)
    response = client.get(reverse("registry:case_export"))
    assert response.status_code == 429
    assert "每人每天最多导出 2 次" in response.content.decode()
    assert AuditEvent.objects.filter(action="registry.export").count() == 2
    assert not AuditEvent.objects.filter(action="registry.case_export").exists()
    assert AuditEvent.objects.filter(action="security.rate_limited").get().after["per"] == "day"


def test_a_limit_of_zero_is_off(settings: Any, personas: dict[str, User]) -> None:
    settings.JIUYE_SEARCH_PER_MINUTE = 0
    client = login(Client(), personas["county_a"])
    with _at_second(1_800_000_000.0):
        for _ in range(5):
            assert client.get(reverse("registry:person_list")).status_code == 200
    assert not RateCount.objects.exists()


def test_counts_are_per_kind(limits: Any, personas: dict[str, User]) -> None:
    user = personas["county_a"]
    with _at_second(1_800_000_000.0):
        for _ in range(3):
            ratelimit.consume(user, ratelimit.SEARCH)
        ratelimit.consume(user, ratelimit.EXPORT)  # searches used up, exports not
        with pytest.raises(ratelimit.RateLimited) as refused:
            ratelimit.consume(user, ratelimit.SEARCH)
    assert refused.value.retry_after == 60
    assert dict(RateCount.objects.filter(user_id=user.pk).values_list("kind", "count")) == {"search": 4, "export": 1}


def test_api_pages_are_capped_at_200(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    assert client.get("/api/v1/registry/persons?limit=200").status_code == 200
    response = client.get("/api/v1/registry/persons?limit=201")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/registry/zero-employment?limit=100000").status_code == 422
    # A huge offset was a 500 on PostgreSQL (bigint out of range): a 422 now, found by the fuzzer.
    assert client.get(f"/api/v1/registry/persons?offset={10**30}").status_code == 422
    assert client.get("/api/v1/registry/persons?offset=10000000").json() == {"items": [], "count": 0}
