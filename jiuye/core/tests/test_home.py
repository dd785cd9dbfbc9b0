"""The home page's work tiles, registered by the apps: what waits for this user, in scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.exports.models import ExportRequest
from jiuye.registry.models import ZeroEmploymentCase
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db


def _tiles(user: User) -> dict[str, str]:
    page = login(Client(), user).get("/").content.decode()
    return dict(
        (label, number)
        for number, label in re.findall(r'<span class="num">([^<]+)</span><span class="label">([^<]+)</span>', page)
    )


def test_cases_in_scope_and_overdue(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    mine = [factories.person(writer, factories.household(writer)) for _ in range(3)]
    factories.person(writer, factories.household(writer, village="610902001003"))  # the neighbour's
    ZeroEmploymentCase.objects.filter(household_id=mine[0].household_id).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    tiles = _tiles(personas["county_a"])
    assert tiles["待清零的零就业家庭"] == "3" and tiles["超期未清零"] == "1"
    assert _tiles(personas["city_admin"])["待清零的零就业家庭"] == "4"
    assert "待清零的零就业家庭" not in _tiles(personas["system_admin"])  # no personal data, no tile


def test_export_requests_waiting_and_ready(personas: dict[str, User]) -> None:
    requester = personas["town_a"]
    req = ExportRequest.objects.create(
        kind="registry.person", rows=6000, reason="报送", requested_by=requester, region_code=requester.region_id
    )
    assert _tiles(personas["county_a"])["待我审批的导出申请"] == "1"
    assert _tiles(personas["county_b"])["待我审批的导出申请"] == "0"  # another county's request
    assert "待我审批的导出申请" not in _tiles(requester)  # no approval right
    ExportRequest.objects.filter(pk=req.pk).update(
        status="approved", decided_by=personas["county_a"], decided_at=timezone.now()
    )
    assert _tiles(requester)["已批准待下载的导出"] == "1"
    assert _tiles(personas["county_a"])["待我审批的导出申请"] == "0"


def _agenda(user: User) -> list[str]:
    page = login(Client(), user).get("/").content.decode()
    section = page.split('<section class="panel agenda">')[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in section.split("<li")[1:]]


def test_the_home_page_lists_the_work_waiting_not_the_menu(personas: dict[str, User]) -> None:
    """Cases due within two weeks, overdue first, with the head masked; requests to decide; no
    repeat of the navigation; the neighbour's cases are not listed."""
    writer = personas["city_admin"]
    today = timezone.localdate()
    soon = factories.person(writer, factories.household(writer, number="S1"), name="李四")
    late = factories.person(writer, factories.household(writer, number="L1"), name="王五")
    later = factories.person(writer, factories.household(writer, number="F1"), name="赵六")
    neighbour = factories.person(writer, factories.household(writer, village="610902001003", number="N1"))
    for who, days in ((soon, 3), (late, -2), (later, 60), (neighbour, 1)):
        ZeroEmploymentCase.objects.filter(household_id=who.household_id).update(deadline=today + timedelta(days=days))
    ExportRequest.objects.create(
        kind="registry.person",
        rows=6000,
        reason="报送省厅",
        requested_by=personas["town_a"],
        region_code="610924100001",
    )
    items = _agenda(personas["county_a"])
    cases = [i for i in items if "零就业家庭清零" in i]
    assert len(cases) == 2, items
    assert "L1 号户" in cases[0] and "已超期" in cases[0] and "王*" in cases[0] and "王五" not in cases[0]
    assert "S1 号户" in cases[1] and (today + timedelta(days=3)).strftime("%Y-%m-%d") in cases[1]
    assert not any("N1 号户" in i or "F1 号户" in i for i in items)
    assert any("审批导出申请" in i and "6000 行" in i and "报送省厅" in i for i in items)
    page = login(Client(), personas["county_a"]).get("/").content.decode()
    assert "工作入口" not in page
    assert _agenda(personas["system_admin"]) == []  # nothing waits for an administrator here
    assert "暂无待办事项" in login(Client(), personas["system_admin"]).get("/").content.decode()


def test_favicon() -> None:
    from django.contrib.staticfiles import finders

    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    path = response["Location"].removeprefix("/static/")
    assert finders.find(path) is not None
