"""登记人员: registering one person from a page, into an existing household or a new one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import VILLAGE_A, login
from jiuye.core.models import AuditEvent
from jiuye.registry import idcard, services
from jiuye.registry.forms import PersonCreateForm
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup, ZeroEmploymentCase
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

URL = "/registry/persons/new/"
NEIGHBOUR_VILLAGE = "610902001003"  # 汉滨区, county_b's


def _form(**changes: Any) -> dict[str, Any]:
    data = {
        "village": VILLAGE_A,
        "household": "走访-01",
        "relation": "head",
        "name": "李秀英",
        "id_number": idcard.make("610924", date(1988, 5, 20), 42),
        "phone": "13900001111",
        "education": "junior",
        "labor_ability": "ordinary",
        "willing": "on",
        "groups": ["poverty_alleviated", "returned_migrant"],
        "note": "入户走访新发现",
        "status": "unemployed",
        "start": "2026-10-08",
        "verified_at": "2026-10-09",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        EmploymentSpell.objects.count(),
        PersonGroup.objects.count(),
    )


def test_every_field_of_the_form_is_in_one_part_of_the_page() -> None:
    form = PersonCreateForm()
    placed = [field.name for _title, fields in form.fieldsets() for field in fields]
    assert sorted(placed) == sorted(form.fields) and len(placed) == len(set(placed))


def test_the_list_links_to_the_page_and_a_clerk_finds_her_village_filled_in(personas: dict[str, User]) -> None:
    client = login(Client(), personas["village_a"])
    assert URL in client.get("/registry/").content.decode()
    page = client.get(URL)
    assert page.status_code == 200 and page.context["form"]["village"].value() == VILLAGE_A
    html = page.content.decode()
    for part in ("所在家庭户", "基本信息", "就业状态"):
        assert f"<legend>{part}</legend>" in html


def test_a_new_household_and_its_head_with_status_groups_audit_and_zero_employment(personas: dict[str, User]) -> None:
    clerk = personas["village_a"]
    client = login(Client(), clerk)
    form = _form(status="unemployed")
    response = client.post(URL, form)
    person = Person.objects.get(name="李秀英")
    assert response.status_code == 302 and response["Location"] == f"/registry/persons/{person.pk}/"
    assert (person.region_id, person.household.number, person.relation) == (VILLAGE_A, "走访-01", "head")
    assert person.id_number == form["id_number"] and person.id_masked == idcard_mask(form["id_number"])
    assert (person.gender, person.birth_date) == ("F", date(1988, 5, 20))
    assert person.phone == "13900001111" and person.phone_masked == "139****1111"
    assert set(person.groups.values_list("group", flat=True)) == {"poverty_alleviated", "returned_migrant"}
    spell = person.spells.get()
    assert (spell.status, spell.start, spell.end, spell.verified_at, spell.source, spell.recorded_by_id) == (
        "unemployed",
        date(2026, 10, 8),
        None,
        date(2026, 10, 9),
        "form",
        clerk.pk,
    )
    # The only member is of working age, able, willing and not employed: the rule flags the household.
    assert person.household.zero_employment
    assert ZeroEmploymentCase.objects.get(household=person.household).status == "open"
    actions = set(AuditEvent.objects.filter(actor_username="village_a").values_list("action", flat=True))
    assert {"registry.household_create", "registry.person_create"} <= actions
    detail = client.get(response["Location"]).content.decode()
    assert "已登记 李秀英" in detail and form["id_number"] not in detail and "13900001111" not in detail


def idcard_mask(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def test_an_employed_member_added_from_the_household_page_clears_the_household(personas: dict[str, User]) -> None:
    officer = personas["town_a"]
    home = factories.household(officer)
    head = factories.person(officer, home, name="王建国", status="unemployed")
    home.refresh_from_db()
    assert home.zero_employment
    client = login(Client(), officer)
    household_page = client.get(f"/registry/households/{home.pk}/").content.decode()
    assert f"{URL}?household={home.pk}" in household_page
    page = client.get(URL, {"household": home.pk})
    assert page.context["form"]["village"].value() == home.region_id
    assert page.context["form"]["household"].value() == home.number
    form = _form(
        household=home.number,
        relation="child",
        name="王小明",
        id_number=idcard.make("610924", date(2001, 2, 3), 7),
        status="in_province",
        place="in_province",
        location="西安市",
        employer_name="西安某电子厂",
        monthly_income="4500.50",
        groups=[],
    )
    response = client.post(URL, form)
    assert response.status_code == 302, response.context["form"].errors
    child = Person.objects.get(name="王小明")
    assert child.household_id == home.pk and child.relation == "child"
    spell = child.spells.get()
    assert (spell.place, spell.location, spell.employer_name, spell.monthly_income) == (
        "in_province",
        "西安市",
        "西安某电子厂",
        450050,
    )
    home.refresh_from_db()
    assert not home.zero_employment and head.household_id == home.pk
    assert ZeroEmploymentCase.objects.get(household=home).status == "closed"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "610924198805204213"}, "id_number", "校验位"),
        ({"id_number": "61092419880520"}, "id_number", "18"),
        ({"start": (date.today() + timedelta(days=2)).isoformat()}, "start", "不能晚于今天"),
        ({"village": "61092410000"}, "village", "请选择村(社区)"),
        ({"village": NEIGHBOUR_VILLAGE}, "village", "不在您的管辖范围"),
        ({"village": "610924100000"}, "village", "不在您的管辖范围"),  # a town, not a village
        ({"name": ""}, "name", "必填"),
        ({"labor_ability": "strong"}, "labor_ability", "有效的选项"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(
    personas: dict[str, User], changes: dict[str, Any], field: str, message: str
) -> None:
    client = login(Client(), personas["county_a"])
    before = _counts()
    response = client.post(URL, _form(**changes))
    assert response.status_code == 422
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert _counts() == before


def test_household_rules_refuse_with_nothing_left_behind(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    client = login(Client(), officer)
    before = _counts()
    # A new household is registered from its head: a child first leaves no empty household.
    headless = client.post(URL, _form(household="新户-9", relation="child"))
    assert headless.status_code == 422 and "请先登记户主" in headless.content.decode()
    assert _counts() == before and not Household.objects.filter(number="新户-9").exists()
    # One head per household.
    home = factories.household(officer)
    factories.person(officer, home)
    first = factories.person(officer, factories.household(officer))
    before = _counts()
    second = client.post(URL, _form(household=home.number))
    assert second.status_code == 422 and "只能有一位户主" in second.content.decode()
    # The same ID number twice.
    twice = client.post(URL, _form(household=home.number, relation="spouse", id_number=first.id_number))
    assert twice.status_code == 422 and "已在台账中" in twice.content.decode()
    assert _counts() == before


def test_scope_and_permission(personas: dict[str, User]) -> None:
    neighbour_home = factories.household(personas["county_b"], village=NEIGHBOUR_VILLAGE)
    county_a = login(Client(), personas["county_a"])
    assert county_a.get(URL, {"household": neighbour_home.pk}).status_code == 404
    assert county_a.get(URL, {"household": "abc"}).status_code == 404
    # Outside the village clerk's own village: the same answer as a household that does not exist.
    other_village = factories.household(personas["county_a"], village="610924101200")
    assert login(Client(), personas["village_a"]).get(URL, {"household": other_village.pk}).status_code == 404
    # Read-only roles do not register persons.
    leader = login(Client(), personas["leader"])
    assert leader.get(URL).status_code == 403
    before = _counts()
    assert leader.post(URL, _form()).status_code == 403
    assert _counts() == before
    assert URL not in leader.get("/registry/").content.decode()


def test_the_status_start_defaults_to_today(personas: dict[str, User]) -> None:
    page = login(Client(), personas["county_a"]).get(URL)
    assert page.context["form"]["start"].value() == timezone.localdate()


# 更正公民身份号码 -----------------------------------------------------------------------------


def _correct(client: Client, person: Person, number: str, reason: str = "户籍信息核对有误", **extra: Any) -> Any:
    data = {"version": person.version, "id_number": number, "reason": reason, **extra}
    return client.post(f"/registry/persons/{person.pk}/id-number/", data)


def test_correcting_an_id_number_moves_gender_birth_lookup_and_the_zero_employment_verdict(
    personas: dict[str, User],
) -> None:
    officer = personas["county_a"]
    # Recorded as born in 1950 (too old to count): the household has no labour and is not flagged.
    wrong = idcard.make("610924", date(1950, 4, 1), 11)
    person = factories.person(officer, factories.household(officer), id_number=wrong, since=date(2025, 3, 1))
    assert not person.household.zero_employment and not person.household.has_labor
    right = idcard.make("610924", date(1985, 4, 1), 12)  # an even sequence: a woman
    client = login(Client(), officer)
    page = client.get(f"/registry/persons/{person.pk}/edit/").content.decode()
    assert "更正公民身份号码" in page and person.id_masked in page and wrong not in page
    response = _correct(client, person, right.lower() if right.endswith("X") else right)
    assert response.status_code == 302 and response["Location"] == f"/registry/persons/{person.pk}/"
    person.refresh_from_db()
    assert (person.id_number, person.id_masked, person.gender, person.birth_date) == (
        right,
        right[:6] + "********" + right[-4:],
        "F",
        date(1985, 4, 1),
    )
    assert person.version == 2 and person.household.zero_employment
    assert ZeroEmploymentCase.objects.get(household=person.household).status == "open"
    found = client.post("/registry/", {"id_number": right}).context["page"].object_list
    assert [p.pk for p in found] == [person.pk]
    assert list(client.post("/registry/", {"id_number": wrong}).context["page"].object_list) == []
    event = AuditEvent.objects.get(action="registry.person_correct_id")
    assert event.actor_username == "county_a" and event.after["reason"] == "户籍信息核对有误"
    assert event.before["birth_date"] == "1950-04-01" and event.after["birth_date"] == "1985-04-01"
    assert wrong not in str(event.before) and right not in str(event.after)  # masked in the log


def test_a_bad_correction_is_refused_and_changes_nothing(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer))
    other = factories.person(officer, factories.household(officer))
    client = login(Client(), officer)
    cases = [
        (person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1"), "id_number", "校验位"),
        (person.id_number, "id_number", "相同"),
        (other.id_number, "id_number", "已在台账中"),
    ]
    for number, field, message in cases:
        response = _correct(client, person, number)
        assert response.status_code == 422
        assert message in " ".join(response.context["id_form"].errors[field]), number
    short = _correct(client, person, idcard.make("610924", date(1990, 1, 1), 5), reason="错")
    assert short.status_code == 422 and "reason" in short.context["id_form"].errors
    # Someone saved the person meanwhile: the correction is refused and the page says what changed.
    seen = client.get(f"/registry/persons/{person.pk}/edit/").context["id_form"].initial["seen"]
    services.person_update(actor=officer, person=person, version=person.version, changes={"willing": False})
    stale = _correct(client, person, idcard.make("610924", date(1990, 1, 1), 5), seen=seen)
    assert stale.status_code == 409 and "未更正" in stale.content.decode()
    assert stale.context["stale"] == {"就业意愿": ("是", "否")}
    person.refresh_from_db()
    unchanged = Person.objects.get(pk=person.pk)
    assert (unchanged.id_number, unchanged.version) == (person.id_number, person.version)
    assert not AuditEvent.objects.filter(action="registry.person_correct_id").exists()


def test_a_correction_is_scoped_and_needs_the_edit_permission(personas: dict[str, User]) -> None:
    neighbour = factories.person(
        personas["county_b"], factories.household(personas["county_b"], village=NEIGHBOUR_VILLAGE)
    )
    new = idcard.make("610902", date(1990, 1, 1), 9)
    assert _correct(login(Client(), personas["county_a"]), neighbour, new).status_code == 404
    assert _correct(login(Client(), personas["leader"]), neighbour, new).status_code == 403
    assert Person.objects.get(pk=neighbour.pk).id_number == neighbour.id_number


# The edit page and the phone ------------------------------------------------------------------


def _edit(client: Client, person: Person, **changes: Any) -> Any:
    data = {
        "version": person.version,
        "name": person.name,
        "relation": person.relation,
        "labor_ability": person.labor_ability,
        "willing": "on" if person.willing else "",
        **changes,
    }
    return client.post(f"/registry/persons/{person.pk}/edit/", data)


def test_the_edit_page_never_sends_the_full_phone_and_an_empty_field_keeps_it(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer), phone="13811112222")
    client = login(Client(), officer)
    page = client.get(f"/registry/persons/{person.pk}/edit/").content.decode()
    assert "13811112222" not in page and "138****2222" in page
    assert _edit(client, person, education="junior").status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.education) == ("13811112222", "junior")
    assert _edit(client, person, phone="13999998888").status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.phone_masked) == ("13999998888", "139****8888")
    assert _edit(client, person, clear_phone="on").status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.phone_hash, person.phone_masked) == ("", "", "")
    # With no phone on record there is nothing to delete.
    assert "clear_phone" not in client.get(f"/registry/persons/{person.pk}/edit/").content.decode()


def test_a_stale_edit_shows_what_changed_since_the_page_was_opened_phone_masked(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer), phone="13811112222")
    client = login(Client(), officer)
    opened = client.get(f"/registry/persons/{person.pk}/edit/").context["form"].initial
    seen, version = opened["seen"], opened["version"]
    # Another officer saves meanwhile: a new phone, another ability, and a move to another household.
    services.person_update(
        actor=officer,
        person=person,
        version=person.version,
        changes={"phone": "13722223333", "labor_ability": "weak"},
    )
    services.person_move(actor=officer, person=person, household=factories.household(officer, number="迁入户-1"))
    response = _edit(client, person, education="senior", seen=seen, version=version)
    html = response.content.decode()
    assert response.status_code == 200 and "138****2222 → 137****3333" in html
    assert response.context["stale"]["劳动能力"] == ("普通劳动力", "弱劳动力或半劳动力")
    assert response.context["stale"]["家庭户"][1] == "迁入户-1"
    assert set(response.context["stale"]) == {"联系电话", "劳动能力", "家庭户"}
    assert "13722223333" not in html and "13811112222" not in html
    assert response.context["form"].initial["version"] == Person.objects.get(pk=person.pk).version
    # A forged or missing snapshot shows nothing, and the edit is still refused.
    forged = _edit(client, person, education="senior", seen=seen[:-2] + "xx", version=version)
    assert forged.status_code == 200 and forged.context["stale"] == {}
    assert Person.objects.get(pk=person.pk).education == ""


def test_the_household_page_says_when_its_head_has_gone(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    home = factories.household(officer)
    head = factories.person(officer, home, name="王父")
    son = factories.person(officer, home, relation="child", name="王子", birth=date(1998, 1, 1))
    client = login(Client(), officer)
    url = f"/registry/households/{home.pk}/"
    assert "没有户主" not in client.get(url).content.decode()
    services.person_set_state(actor=officer, person=head, state="deceased", on=date(2026, 10, 1))
    page = client.get(url).content.decode()
    assert "没有户主" in page and "死亡" in page
    services.person_update(actor=officer, person=son, version=son.version, changes={"relation": "head"})
    assert "没有户主" not in client.get(url).content.decode()


def test_nothing_is_recorded_for_a_person_after_death_but_earlier_records_can_be_corrected(
    personas: dict[str, User],
) -> None:
    officer = personas["county_a"]
    person = factories.person(officer, factories.household(officer), since=date(2025, 1, 1))
    services.person_set_state(actor=officer, person=person, state="deceased", on=date(2026, 9, 1))
    person.refresh_from_db()
    client = login(Client(), officer)
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "该人员自 2026-09-01 起已死亡" in page
    after = client.post(f"/registry/persons/{person.pk}/status/", {"status": "flexible", "start": "2026-09-15"})
    assert after.status_code == 422 and "此后的情况不再记录" in after.content.decode()
    registration = {"kind": "employment", "date": "2026-10-01", "form": "flexible"}
    assert client.post(f"/registry/persons/{person.pk}/registrations/", registration).status_code == 422
    moved = client.post(f"/registry/persons/{person.pk}/move/", {"village": person.region_id, "household": "新户-x"})
    assert moved.status_code == 422 and "不在册的人员不能迁户" in moved.content.decode()
    assert not Household.objects.filter(number="新户-x").exists()
    # A correction of the time before the death is still recorded.
    before = client.post(f"/registry/persons/{person.pk}/status/", {"status": "flexible", "start": "2026-03-01"})
    assert before.status_code == 302
    assert [s.status for s in person.spells.order_by("start")] == ["unemployed", "flexible"]


def test_a_number_taken_between_the_check_and_the_write_gets_the_same_message(
    personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clerks registering the same person at once: the second one's check passed before the
    first one's row was written; the unique index refuses the write, with the field's message."""
    officer = personas["county_a"]
    first = factories.person(officer, factories.household(officer))
    other = factories.person(officer, factories.household(officer))
    from jiuye.registry.services import persons

    monkeypatch.setattr(persons, "_id_free", lambda hashed, exclude=None: None)  # the race, made certain
    client = login(Client(), officer)
    before = _counts()
    created = client.post(URL, _form(household="并发-1", id_number=first.id_number))
    assert created.status_code == 422 and "已在台账中" in created.content.decode()
    assert _counts() == before and not Household.objects.filter(number="并发-1").exists()
    corrected = _correct(client, other, first.id_number)
    assert corrected.status_code == 422 and "已在台账中" in corrected.content.decode()
    assert Person.objects.get(pk=other.pk).id_number == other.id_number
