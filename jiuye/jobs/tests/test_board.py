"""The public job board: open to anyone, showing only published postings open today, nothing
personal, and held to a human pace per visitor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.employers.tests import factories as employer_factories
from jiuye.jobs import services
from jiuye.jobs.tests import factories
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def postings(personas: dict[str, User]) -> dict[str, Any]:
    writer = personas["city_admin"]
    today = timezone.localdate()
    employer = employer_factories.employer(
        writer, region="610924100001", name="紫阳服饰社区工厂", contact_name="赵联系", contact_phone="13912345678"
    )
    shown = factories.posting(writer, employer, title="缝纫工", longitude=108.54, latitude=32.52)
    hidden = factories.posting(writer, employer, title="内部调配岗", published=False)
    far = factories.posting(
        writer,
        employer_factories.employer(writer, region="610902001003"),
        title="砌筑工",
        occupation="6-29",
        skills="砌筑",
        longitude=109.03,
        latitude=32.69,
    )
    expired = factories.posting(writer, employer, title="过期岗位")
    expired.valid_from, expired.valid_until = today - timedelta(days=40), today - timedelta(days=1)
    expired.save()
    person = registry_factories.person(
        writer, registry_factories.household(writer, village="610924100001"), name="钱求职"
    )
    services.referral_create(actor=writer, person=person, posting=shown)
    return {"shown": shown, "hidden": hidden, "far": far, "expired": expired}


def test_anyone_sees_published_open_postings_and_nothing_personal(postings: dict[str, Any]) -> None:
    response = Client().get("/jobs/board/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "缝纫工" in body and "砌筑工" in body
    assert "内部调配岗" not in body and "过期岗位" not in body
    for personal in ("赵联系", "13912345678", "钱求职"):
        assert personal not in body
    detail = Client().get(f"/jobs/board/{postings['shown'].pk}/").content.decode()
    assert "紫阳服饰社区工厂" in detail and "赵联系" not in detail and "13912345678" not in detail
    assert Client().get(f"/jobs/board/{postings['hidden'].pk}/").status_code == 404
    assert Client().get(f"/jobs/board/{postings['expired'].pk}/").status_code == 404


def test_search_filters_and_nearest_first(postings: dict[str, Any]) -> None:
    body = Client().get("/jobs/board/", {"q": "缝纫"}).content.decode()
    assert "缝纫工" in body and "砌筑工" not in body
    body = Client().get("/jobs/board/", {"county": "610902000000"}).content.decode()
    assert "砌筑工" in body and "缝纫工" not in body
    body = Client().get("/jobs/board/", {"occupation": "6"}).content.decode()
    assert "砌筑工" in body and "缝纫工" in body
    # A visitor in 汉滨区 sees the 汉滨 job first; one in 紫阳 the 紫阳 job.
    body = Client().get("/jobs/board/", {"lon": "109.02", "lat": "32.68"}).content.decode()
    assert body.index("砌筑工") < body.index("缝纫工")
    body = Client().get("/jobs/board/", {"lon": "108.53", "lat": "32.51"}).content.decode()
    assert body.index("缝纫工") < body.index("砌筑工")
    # Junk in the query is ignored, never an error.
    assert Client().get("/jobs/board/", {"wage": "abc", "lon": "999", "page": "-1"}).status_code == 200


@override_settings(JIUYE_PUBLIC_PER_MINUTE=5)
def test_a_visitor_is_held_to_a_human_pace(postings: dict[str, Any]) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [client.get("/jobs/board/").status_code for _ in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    assert Client(REMOTE_ADDR="203.0.113.8").get("/jobs/board/").status_code == 200  # another visitor


def test_a_business_user_sees_the_board_an_admin_account_does_not(
    personas: dict[str, User], postings: dict[str, Any]
) -> None:
    from jiuye.conftest import login

    assert login(Client(), personas["county_a"]).get("/jobs/board/").status_code == 200
    assert login(Client(), personas["system_admin"]).get("/jobs/board/").status_code == 403
