"""The region browser: a county officer sees only that county's towns and villages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, REGIONS_CSV, TOWN_A, login
from jiuye.core.models import AuditEvent
from jiuye.regions.models import Region

pytestmark = pytest.mark.django_db


def _source() -> list[list[str]]:
    return [line.split(",") for line in REGIONS_CSV.read_text(encoding="utf-8").splitlines()[1:]]


def test_county_officer_sees_exactly_the_towns_of_the_county(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    response = client.get("/regions/")
    assert response["Location"] == f"/regions/{COUNTY_A}/"
    page = client.get(response["Location"])
    shown = {child.code for child, _ in page.context["children"]}
    assert shown == {r[0] for r in _source() if r[3] == COUNTY_A}
    html = page.content.decode()
    assert "紫阳县" in html and "汉滨区" not in html and "610902" not in html


def test_child_counts_match_the_source_file(personas: dict[str, User]) -> None:
    client = login(Client(), personas["city_admin"])
    page = client.get("/regions/610900000000/")
    rows = _source()
    for child, counts in page.context["children"]:
        villages = [r for r in rows if r[2] == "village" and r[0].startswith(child.code[:6])]
        assert counts.villages == len(villages)
        assert counts.urban == sum(1 for r in villages if "居委会" in r[1])
        assert counts.towns == sum(1 for r in rows if r[2] == "town" and r[3] == child.code)


def test_town_officer_cannot_open_the_county_or_a_sibling_town(personas: dict[str, User]) -> None:
    client = login(Client(), personas["town_a"])
    assert client.get(f"/regions/{COUNTY_A}/").status_code == 404
    assert client.get("/regions/610924101000/").status_code == 404
    page = client.get(f"/regions/{TOWN_A}/")
    assert page.status_code == 200
    # The breadcrumb names the county and city but does not link them.
    assert f'href="/regions/{COUNTY_A}/"' not in page.content.decode()


def test_the_children_fragment_is_scoped(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    assert client.get(f"/regions/{TOWN_A}/children/", HTTP_HX_REQUEST="true").status_code == 200
    assert client.get("/regions/610902001000/children/", HTTP_HX_REQUEST="true").status_code == 404


def test_zones_get_codes_from_the_reserved_ranges(personas: dict[str, User]) -> None:
    client = login(Client(), personas["system_admin"])
    response = client.post("/regions/610900000000/zones/new/", {"name": "安康高新技术产业开发区"})
    assert response.status_code == 302
    zone = Region.objects.get(name="安康高新技术产业开发区")
    assert (zone.code, zone.level, zone.is_zone, zone.parent_id) == ("610971000000", "county", True, "610900000000")
    second = client.post("/regions/610900000000/zones/new/", {"name": "恒口示范区"})
    assert second.status_code == 302 and Region.objects.get(name="恒口示范区").code == "610972000000"
    town_zone = client.post(f"/regions/{COUNTY_B}/zones/new/", {"name": "汉滨工业园"})
    assert town_zone.status_code == 302 and Region.objects.get(name="汉滨工业园").code == "610902400000"
    assert AuditEvent.objects.filter(action="regions.zone_create").count() == 3
    duplicate = client.post("/regions/610900000000/zones/new/", {"name": "恒口示范区"})
    assert duplicate.status_code == 200 and "同名" in duplicate.content.decode()


def test_a_county_officer_gets_403_on_zone_creation(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    assert client.post(f"/regions/{COUNTY_A}/zones/new/", {"name": "x"}).status_code == 403


def test_region_page_query_count_does_not_grow_with_children(
    personas: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    client = login(Client(), personas["city_admin"])
    client.get("/regions/610900000000/")  # warm the session
    with django_assert_max_num_queries(12):
        client.get("/regions/610900000000/")
    with django_assert_max_num_queries(12):
        client.get(f"/regions/{COUNTY_B}/")
