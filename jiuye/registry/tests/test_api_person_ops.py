"""The registry's page operations in the API too: edit (optimistic locking), ID correction,
reveal, move, death or moving out, and the status change with place and verified date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.core.models import AuditEvent
from jiuye.registry import idcard, services
from jiuye.registry.models import Household, Person, Registration
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

NEIGHBOUR_VILLAGE = "610902001003"


def _call(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    send = getattr(client, method)
    return send(f"/api/v1/registry/{url}", json.dumps(body), content_type="application/json")


@pytest.fixture
def zhang(personas: dict[str, User]) -> Person:
    officer = personas["county_a"]
    return factories.person(officer, factories.household(officer), name="张伟", phone="13811112222")


def test_patch_edits_only_the_given_fields_and_refuses_a_stale_version(
    personas: dict[str, User], zhang: Person
) -> None:
    client = login(Client(), personas["town_a"])
    ok = _call(
        client,
        "patch",
        f"persons/{zhang.pk}",
        {"version": zhang.version, "name": "张卫", "education": "junior", "groups": ["graduate"]},
    )
    assert ok.status_code == 200 and ok.json()["version"] == zhang.version + 1
    zhang.refresh_from_db()
    assert (zhang.name, zhang.education, zhang.phone, zhang.willing) == ("张卫", "junior", "13811112222", True)
    assert list(zhang.groups.values_list("group", flat=True)) == ["graduate"]
    # The same version again: someone (this very client) saved since.
    stale = _call(client, "patch", f"persons/{zhang.pk}", {"version": zhang.version - 1, "willing": False})
    body = stale.json()
    assert stale.status_code == 409 and body["error"]["code"] == "conflict"
    assert body["error"]["details"][0]["current"]["version"] == zhang.version
    assert Person.objects.get(pk=zhang.pk).willing is True
    # An empty phone deletes it; a malformed one is a 422 that changes nothing.
    assert _call(client, "patch", f"persons/{zhang.pk}", {"version": zhang.version, "phone": "12"}).status_code == 422
    cleared = _call(client, "patch", f"persons/{zhang.pk}", {"version": zhang.version, "phone": ""})
    assert cleared.status_code == 200 and cleared.json()["phone_masked"] == ""
    # A second head is refused as on the page.
    child = factories.person(personas["county_a"], zhang.household, relation="child", name="张小")
    refused = _call(client, "patch", f"persons/{child.pk}", {"version": child.version, "relation": "head"})
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["loc"] == ["relation"]


def test_id_correction_in_the_api(personas: dict[str, User], zhang: Person) -> None:
    client = login(Client(), personas["county_a"])
    right = idcard.make("610924", date(1991, 7, 8), 33)
    body = {"version": zhang.version, "id_number": right, "reason": "户籍底册核对"}
    done = _call(client, "post", f"persons/{zhang.pk}/id-number", body)
    assert done.status_code == 200 and done.json()["birth_date"] == "1991-07-08"
    assert done.json()["id_masked"] == right[:6] + "********" + right[-4:]
    again = _call(client, "post", f"persons/{zhang.pk}/id-number", body)
    assert again.status_code == 409  # the version read before the correction is stale now
    bad = _call(
        client, "post", f"persons/{zhang.pk}/id-number", {**body, "version": zhang.version + 1, "id_number": "1"}
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["loc"] == ["id_number"]


def test_reveal_in_the_api_needs_a_reason_is_audited_and_not_cached(personas: dict[str, User], zhang: Person) -> None:
    client = login(Client(), personas["town_a"])
    assert _call(client, "post", f"persons/{zhang.pk}/reveal", {"field": "phone", "reason": "看"}).status_code == 422
    shown = _call(client, "post", f"persons/{zhang.pk}/reveal", {"field": "phone", "reason": "电话回访核实就业"})
    assert shown.status_code == 200 and shown.json() == {"field": "phone", "value": "13811112222"}
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="registry.reveal")
    assert event.after == {"field": "phone", "reason": "电话回访核实就业"} and event.actor_username == "town_a"
    leader = login(Client(), personas["leader"])
    assert (
        _call(leader, "post", f"persons/{zhang.pk}/reveal", {"field": "phone", "reason": "看看号码"}).status_code == 403
    )


def test_move_and_state_in_the_api(personas: dict[str, User], zhang: Person) -> None:
    client = login(Client(), personas["county_a"])
    moved = _call(
        client, "post", f"persons/{zhang.pk}/move", {"village_code": "610924101200", "household_number": "N7"}
    )
    assert moved.status_code == 200 and moved.json()["region_code"] == "610924101200"
    assert Household.objects.get(pk=moved.json()["household_id"]).number == "N7"
    before = Household.objects.count()
    outside = _call(
        client, "post", f"persons/{zhang.pk}/move", {"village_code": NEIGHBOUR_VILLAGE, "household_number": "N8"}
    )
    assert outside.status_code == 422 and outside.json()["error"]["details"][0]["loc"] == ["village_code"]
    assert Household.objects.count() == before
    services.registration_record(
        actor=personas["county_a"], person=zhang, kind="unemployment", day=date(2026, 9, 1), reason="other"
    )
    died = _call(client, "post", f"persons/{zhang.pk}/state", {"state": "deceased", "date": "2026-11-01"})
    assert died.status_code == 200 and died.json()["state"] == "deceased"
    registration = Registration.objects.get(person=zhang)
    assert (registration.ended_on, registration.end_reason) == (date(2026, 11, 1), "deceased")
    assert (
        _call(client, "post", f"persons/{zhang.pk}/state", {"state": "gone", "date": "2026-11-01"}).status_code == 422
    )


def test_status_change_in_the_api_keeps_place_and_verified_date(personas: dict[str, User], zhang: Person) -> None:
    client = login(Client(), personas["village_a"])  # the factory's households are in her village
    body = {
        "status": "out_of_province",
        "start": "2026-10-01",
        "place": "out_of_province",
        "location": "广东省东莞市",
        "employer_name": "东莞某电子厂",
        "monthly_income": 560000,
        "verified_at": "2026-10-15",
    }
    assert _call(client, "post", f"persons/{zhang.pk}/status", body).status_code == 200
    spell = zhang.spells.get(end__isnull=True)
    assert (spell.place, spell.location, spell.verified_at, spell.monthly_income) == (
        "out_of_province",
        "广东省东莞市",
        date(2026, 10, 15),
        560000,
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", "persons/{pk}", {"version": 1, "name": "邻县"}),
        ("post", "persons/{pk}/id-number", {"version": 1, "id_number": "110101199003078515", "reason": "核对信息"}),
        ("post", "persons/{pk}/reveal", {"field": "id_number", "reason": "核对信息"}),
        ("post", "persons/{pk}/move", {"village_code": "610924100001", "household_number": "X1"}),
        ("post", "persons/{pk}/state", {"state": "deceased", "date": "2026-11-01"}),
    ],
)
def test_a_neighbour_county_gets_404_and_nothing_changes(
    personas: dict[str, User], method: str, url: str, body: dict[str, Any]
) -> None:
    county_b = personas["county_b"]
    wang = factories.person(county_b, factories.household(county_b, village=NEIGHBOUR_VILLAGE), name="王芳")
    response = _call(login(Client(), personas["county_a"]), method, url.format(pk=wang.pk), body)
    assert response.status_code == 404
    after = Person.objects.get(pk=wang.pk)
    assert (after.name, after.version, after.state, after.region_id) == (
        "王芳",
        wang.version,
        "active",
        NEIGHBOUR_VILLAGE,
    )
    assert not AuditEvent.objects.filter(action="registry.reveal").exists()


def test_a_case_is_assigned_to_an_officer_of_its_village_town_county_or_city(
    personas: dict[str, User], zhang: Person
) -> None:
    from jiuye.registry.models import ZeroEmploymentCase

    case = ZeroEmploymentCase.objects.get(household=zhang.household)
    client = login(Client(), personas["county_a"])
    candidates = {u.username for u in client.get(f"/registry/zero-employment/{case.pk}/").context["officers"]}
    # The household is in village_a's village, in town_a's town, in county_a's county; the city's
    # administrator is a candidate too, but county_a cannot see users above the county.
    assert candidates == {"village_a", "town_a", "county_a"}
    city = login(Client(), personas["city_admin"]).get(f"/registry/zero-employment/{case.pk}/").context["officers"]
    assert {u.username for u in city} == {"village_a", "town_a", "county_a", "city_admin"}
    # Page: a neighbour county's officer, or a leader, cannot be chosen, and nothing changes.
    for wrong in (personas["county_b"].pk, personas["leader"].pk, "x"):
        response = client.post(f"/registry/zero-employment/{case.pk}/", {"officer": wrong}, follow=True)
        assert "所选人员不能负责此户" in response.content.decode(), wrong
    case.refresh_from_db()
    assert case.assigned_to_id is None
    client.post(f"/registry/zero-employment/{case.pk}/", {"officer": personas["village_a"].pk})
    case.refresh_from_db()
    assert case.assigned_to_id == personas["village_a"].pk
    # API: the same choice, the same refusal, and null to unassign.
    url = f"zero-employment/{case.pk}/assign"
    refused = _call(client, "post", url, {"officer_id": personas["county_b"].pk})
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["loc"] == ["officer_id"]
    done = _call(client, "post", url, {"officer_id": personas["town_a"].pk})
    assert done.status_code == 200 and done.json()["assigned_to_id"] == personas["town_a"].pk
    assert _call(client, "post", url, {"officer_id": None}).json()["assigned_to_id"] is None
    events = AuditEvent.objects.filter(action="registry.zero_case_assign").order_by("seq")
    assert [e.after["assigned_to"] for e in events] == ["village_a", "town_a", ""]
    assert _call(login(Client(), personas["county_b"]), "post", url, {"officer_id": None}).status_code == 404


def test_dates_after_today_are_refused_on_pages_and_in_the_api(personas: dict[str, User], zhang: Person) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jiuye.registry.models import ZeroEmploymentCase

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = login(Client(), personas["county_a"])
    page = client.post(f"/registry/persons/{zhang.pk}/state/", {"state": "deceased", "date": tomorrow})
    assert page.status_code == 422 and "日期不能晚于今天" in page.content.decode()
    api = _call(client, "post", f"persons/{zhang.pk}/state", {"state": "deceased", "date": tomorrow})
    assert api.status_code == 422 and api.json()["error"]["details"][0]["loc"] == ["date"]
    assert Person.objects.get(pk=zhang.pk).state == "active"
    case = ZeroEmploymentCase.objects.get(household=zhang.household)
    measure = {"kind": "training", "date": tomorrow, "note": "报名下月培训"}
    page = client.post(f"/registry/zero-employment/{case.pk}/", measure)
    assert page.status_code == 422 and "日期不能晚于今天" in page.content.decode()
    assert _call(client, "post", f"zero-employment/{case.pk}/measures", measure).status_code == 422
    assert case.measures.count() == 0
    person = {
        "village_code": zhang.region_id,
        "household_number": "未来-1",
        "name": "未来",
        "id_number": idcard.make("610924", date(1990, 1, 1), 77),
        "relation": "head",
        "labor_ability": "ordinary",
        "willing": True,
        "status": "unemployed",
        "status_since": tomorrow,
    }
    created = _call(client, "post", "persons", person)
    assert created.status_code == 422 and created.json()["error"]["details"][0]["loc"] == ["status_since"]
    assert not Household.objects.filter(number="未来-1").exists()
