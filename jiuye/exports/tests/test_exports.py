"""Exports above the approval line (security bar D-10): asked for with a reason, decided by
another officer whose region contains the requester's, downloaded once by the requester within
the approval's validity; every step audited, every neighbour's request a 404."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, TOWN_A, login, make_user, read_download
from jiuye.core.models import AuditEvent
from jiuye.exports.models import ExportRequest, ExportStatus
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

LINE = 3


@pytest.fixture(autouse=True)
def _small_line(settings: Any) -> None:
    settings.JIUYE_EXPORT_APPROVAL_ROWS = LINE


@pytest.fixture
def county_persons(personas: dict[str, User]) -> list[Any]:
    writer = personas["city_admin"]
    return [factories.person(writer, factories.household(writer)) for _ in range(LINE + 2)]


def _rows(response: Any) -> list[tuple[Any, ...]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(read_download(response)))
    return [tuple(row) for row in book.get_sheet_by_index(0).to_python()[2:]]


def _ask(client: Client, query: str = "", reason: str = "报送县政府季度帮扶名单") -> ExportRequest:
    response = client.post(
        reverse("exports:request_create"), {"kind": "registry.person", "params": query, "reason": reason}
    )
    assert response.status_code == 302, response.content[:400]
    return ExportRequest.objects.latest("pk")


def _actions(obj: ExportRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="exports.exportrequest", object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_export_within_the_line_is_sent_straight_away(personas: dict[str, User], county_persons: Any) -> None:
    writer = personas["city_admin"]
    for _ in range(2):
        factories.person(writer, factories.household(writer), name="李娜")
    client = login(Client(), personas["county_a"])
    response = client.get(reverse("registry:person_export") + "?name=李娜")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[2] for row in _rows(response)] == ["李娜", "李娜"]
    assert not ExportRequest.objects.exists()


def test_above_the_line_the_link_shows_the_request_form_and_no_file(
    personas: dict[str, User], county_persons: Any
) -> None:
    client = login(Client(), personas["county_a"])
    response = client.get(reverse("registry:person_export"))
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    page = response.content.decode()
    assert "需经审批" in page and f"共 {len(county_persons)} 条" in page
    assert not ExportRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_request_approve_download_once(personas: dict[str, User], county_persons: Any) -> None:
    officer = personas["county_a"]
    colleague = make_user("county_a2", "county_officer", COUNTY_A)
    mine = login(Client(), officer)
    req = _ask(mine)
    assert req.status == ExportStatus.PENDING
    assert req.rows == len(county_persons) and req.region_code == COUNTY_A

    # The requester can neither download nor approve it.
    response = mine.post(reverse("exports:request_download", args=[req.pk]))
    assert response.status_code == 302
    response = mine.post(reverse("exports:request_detail", args=[req.pk]), {"action": "approve"})
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == ExportStatus.PENDING

    # Another county officer of the county approves it; it shows in the approver's list first.
    theirs = login(Client(), colleague)
    listing = theirs.get(reverse("exports:request_list")).content.decode()
    assert "待我审批" in listing and "报送县政府季度帮扶名单" in listing
    response = theirs.post(reverse("exports:request_detail", args=[req.pk]), {"action": "approve", "note": "同意"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.decision_note) == (ExportStatus.APPROVED, colleague, "同意")
    # The approver cannot take the file.
    assert theirs.post(reverse("exports:request_download", args=[req.pk])).status_code == 403

    response = mine.post(reverse("exports:request_download", args=[req.pk]))
    assert response.status_code == 200
    assert len(_rows(response)) == len(county_persons)
    req.refresh_from_db()
    assert req.status == ExportStatus.DOWNLOADED and req.rows_written == len(county_persons)

    # Once only.
    response = mine.post(reverse("exports:request_download", args=[req.pk]), follow=True)
    assert "只能下载一次" in response.content.decode()
    assert AuditEvent.objects.filter(action="registry.export", actor_id=officer.pk).count() == 1
    assert _actions(req) == ["export.request", "export.approve", "export.download"]


def test_who_may_see_and_decide(personas: dict[str, User], county_persons: Any) -> None:
    req = _ask(login(Client(), personas["county_a"]))
    detail = reverse("exports:request_detail", args=[req.pk])
    # A neighbour county's officer and a town officer of the same county (no approval right,
    # not the requester) do not see it at all.
    for key in ("county_b", "town_a", "village_a"):
        client = login(Client(), personas[key])
        assert client.get(detail).status_code == 404, key
        assert client.post(detail, {"action": "approve"}).status_code == 404, key
    # The city's business admin may decide; the leader (no approval right) does not see it.
    assert login(Client(), personas["leader"]).get(detail).status_code == 404
    city = login(Client(), personas["city_admin"])
    assert "批准" in city.get(detail).content.decode()
    assert city.post(detail, {"action": "reject"}).status_code == 422  # a refusal needs its reason
    assert city.post(detail, {"action": "reject", "note": "范围过大，请按乡镇分别申请"}).status_code == 302
    req.refresh_from_db()
    assert req.status == ExportStatus.REJECTED
    response = login(Client(), personas["county_a"]).post(reverse("exports:request_download", args=[req.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_a_town_officers_request_is_decided_by_the_county(personas: dict[str, User], county_persons: Any) -> None:
    req = _ask(login(Client(), personas["town_a"]))
    assert req.region_code == TOWN_A
    county = login(Client(), personas["county_a"])
    assert county.post(reverse("exports:request_detail", args=[req.pk]), {"action": "approve"}).status_code == 302
    req.refresh_from_db()
    assert req.status == ExportStatus.APPROVED


def test_an_approval_expires_after_a_day(personas: dict[str, User], county_persons: Any) -> None:
    mine = login(Client(), personas["county_a"])
    req = _ask(mine)
    ExportRequest.objects.filter(pk=req.pk).update(
        status=ExportStatus.APPROVED, decided_by=personas["city_admin"], decided_at=timezone.now() - timedelta(hours=25)
    )
    response = mine.post(reverse("exports:request_download", args=[req.pk]), follow=True)
    assert "超过有效期" in response.content.decode()
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_withdraw_and_repeat(personas: dict[str, User], county_persons: Any) -> None:
    mine = login(Client(), personas["county_a"])
    first = _ask(mine)
    assert _ask(mine) == first  # asking again for the same list while it waits: the same request
    response = mine.post(reverse("exports:request_detail", args=[first.pk]), {"action": "withdraw"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == ExportStatus.WITHDRAWN
    assert _ask(mine) != first


def test_bad_requests_write_nothing(personas: dict[str, User], county_persons: Any) -> None:
    mine = login(Client(), personas["county_a"])
    url = reverse("exports:request_create")
    # No reason.
    response = mine.post(url, {"kind": "registry.person", "params": "", "reason": " "})
    assert response.status_code == 422 and "导出用途" in response.content.decode()
    # A list within the line needs no approval.
    response = mine.post(url, {"kind": "registry.person", "params": "name=nobody", "reason": "报送名单"})
    assert response.status_code == 422 and "无需审批" in response.content.decode()
    # An unknown kind.
    assert mine.post(url, {"kind": "registry.nothing", "params": "", "reason": "报送名单"}).status_code == 404
    # A filter the user may not use (a sensitive group without the label), slipped into the
    # hidden field: back to the list with the message.
    plain = make_user("plain_a", "county_officer", COUNTY_A, sensitive_access=False)
    response = login(Client(), plain).post(
        url, {"kind": "registry.person", "params": "group=disabled", "reason": "报送名单"}, follow=True
    )
    assert "筛选条件有误" in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_the_approver_sees_the_filters_in_words(personas: dict[str, User], county_persons: Any) -> None:
    mine = login(Client(), personas["county_a"])
    req = _ask(mine, query="ability=ordinary&state=active")
    assert ["劳动能力", "普通劳动力"] in req.filters
    assert ["在册状态", "在册"] in req.filters
    page = login(Client(), personas["city_admin"]).get(reverse("exports:request_detail", args=[req.pk]))
    assert "劳动能力：普通劳动力" in page.content.decode()


def test_the_requesters_scope_is_applied_again_at_download(personas: dict[str, User], county_persons: Any) -> None:
    """A requester moved to another county after asking: the request is out of sight."""
    officer = personas["county_a"]
    req = _ask(login(Client(), officer))
    login(Client(), personas["city_admin"]).post(
        reverse("exports:request_detail", args=[req.pk]), {"action": "approve"}
    )
    officer.region_id = COUNTY_B
    officer.save(update_fields=["region"])
    response = login(Client(), officer).post(reverse("exports:request_download", args=[req.pk]))
    assert response.status_code == 404


def test_the_waiting_count_shows_in_the_approvers_menu(personas: dict[str, User], county_persons: Any) -> None:
    _ask(login(Client(), personas["county_a"]))
    menu = login(Client(), personas["city_admin"]).get(reverse("home")).content.decode()
    assert 'class="nav-badge"' in menu
    own_menu = login(Client(), personas["county_a"]).get(reverse("home")).content.decode()
    assert 'class="nav-badge"' not in own_menu  # one's own request waits for others


def test_the_same_workflow_in_the_api(personas: dict[str, User], county_persons: Any) -> None:
    import json

    officer, colleague = personas["county_a"], make_user("county_a3", "county_officer", COUNTY_A)
    mine, theirs = login(Client(), officer), login(Client(), colleague)

    def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
        return client.post(url, json.dumps(body or {}), content_type="application/json")

    created = post(mine, "/api/v1/exports/requests", {"kind": "registry.person", "params": "", "reason": "报送名单"})
    assert created.status_code == 201, created.content
    req = created.json()
    assert (req["status"], req["rows"], req["requested_by"]) == ("pending", len(county_persons), "county_a")
    assert post(mine, "/api/v1/exports/requests", {"kind": "nope", "reason": "报送名单"}).status_code == 422
    waiting = theirs.get("/api/v1/exports/requests?waiting=true").json()
    assert [r["id"] for r in waiting["items"]] == [req["id"]]
    assert post(mine, f"/api/v1/exports/requests/{req['id']}/decision", {"approve": True}).status_code == 403
    rejected_without_reason = post(theirs, f"/api/v1/exports/requests/{req['id']}/decision", {"approve": False})
    assert rejected_without_reason.status_code == 422
    approved = post(theirs, f"/api/v1/exports/requests/{req['id']}/decision", {"approve": True, "note": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["valid_until"] is not None
    assert post(theirs, f"/api/v1/exports/requests/{req['id']}/download").status_code == 403
    file = post(mine, f"/api/v1/exports/requests/{req['id']}/download")
    assert file.status_code == 200 and len(_rows(file)) == len(county_persons)
    again = post(mine, f"/api/v1/exports/requests/{req['id']}/download")
    assert again.status_code == 422 and "只能下载一次" in again.json()["error"]["message"]
    assert login(Client(), personas["county_b"]).get(f"/api/v1/exports/requests/{req['id']}").status_code == 404
