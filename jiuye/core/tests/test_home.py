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
