"""Registry pages, API, export and template, as the officers would use them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from python_calamine import CalamineWorkbook

from jiuye.accounts.models import User
from jiuye.accounts.services import token_create
from jiuye.conftest import CsrfClient, login, read_download
from jiuye.core.models import AuditEvent
from jiuye.registry import services
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.exports import CASE_EXPORT_COLUMNS
from jiuye.registry.models import Person, ZeroEmploymentCase
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas: dict[str, User]) -> dict[str, Person]:
    a, b = personas["county_a"], personas["county_b"]
    zhang = factories.person(a, factories.household(a), name="张伟", phone="13811112222", since=date(2025, 1, 1))
    evil = factories.person(a, factories.household(a), name='=HYPERLINK("http://x")', relation="head")
    wang = factories.person(b, factories.household(b, village="610902001003"), name="王芳")
    return {"zhang": zhang, "evil": evil, "wang": wang}


def test_the_list_shows_only_the_county_and_masks_numbers(personas: dict[str, User], people: dict[str, Person]) -> None:
    html = login(Client(), personas["county_a"]).get("/registry/").content.decode()
    assert "张伟" in html and "王芳" not in html
    assert people["zhang"].id_number not in html and people["zhang"].id_masked in html


def test_name_search_by_characters_and_by_pinyin(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["county_a"])
    for query in ("张伟", "zhangwei", "zw"):
        names = [p.name for p in client.get("/registry/", {"name": query}).context["page"].object_list]
        assert names == ["张伟"], query


def test_id_lookup_is_a_post_and_finds_only_in_scope(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["county_a"])
    found = client.post("/registry/", {"id_number": people["zhang"].id_number.lower()})
    assert [p.pk for p in found.context["page"].object_list] == [people["zhang"].pk]
    other = client.post("/registry/", {"id_number": people["wang"].id_number})
    assert list(other.context["page"].object_list) == []


def test_revealing_needs_a_reason_and_is_audited(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["town_a"])
    url = f"/registry/persons/{people['zhang'].pk}/reveal/"
    assert client.post(url, {"field": "phone", "reason": ""}).status_code == 422
    response = client.post(url, {"field": "phone", "reason": "电话回访核实就业"})
    assert "13811112222" in response.content.decode() and response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="registry.reveal")
    assert event.after == {"field": "phone", "reason": "电话回访核实就业"} and event.actor_username == "town_a"
    assert login(Client(), personas["leader"]).post(url, {"field": "phone", "reason": "看看"}).status_code == 403


def test_a_stale_edit_is_refused_and_shows_what_changed(personas: dict[str, User], people: dict[str, Person]) -> None:
    zhang = people["zhang"]
    client = login(Client(), personas["county_a"])
    form = {"version": zhang.version, "name": "张伟", "relation": "head", "labor_ability": "ordinary", "willing": "on"}
    services.person_update(actor=personas["county_a"], person=zhang, version=zhang.version, changes={"name": "张卫"})
    response = client.post(f"/registry/persons/{zhang.pk}/edit/", {**form, "education": "junior"})
    assert response.status_code == 200 and "张卫" in response.content.decode()
    assert Person.objects.get(pk=zhang.pk).education == ""


def test_status_change_from_the_page(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["village_a"])
    url = f"/registry/persons/{people['zhang'].pk}/status/"
    assert (
        client.post(url, {"status": "in_county", "start": "2026-03-01", "monthly_income": "3200.50"}).status_code == 302
    )
    person = Person.objects.get(pk=people["zhang"].pk)
    assert person.status == "in_county" and person.spells.get(end__isnull=True).monthly_income == 320050
    bad = client.post(url, {"status": "flexible", "start": "2026-02-01"})
    assert bad.status_code == 422 and "不能早于" in bad.content.decode()


def test_api_person_detail_history_and_status_on(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["county_a"])
    zhang = people["zhang"]
    services.status_change(
        actor=personas["county_a"], person=zhang, status=EmploymentStatus.FLEXIBLE, start=date(2025, 6, 1)
    )
    detail = client.get(f"/api/v1/registry/persons/{zhang.pk}").json()
    assert detail["id_masked"] == zhang.id_masked and zhang.id_number not in json.dumps(detail)
    assert [s["status"] for s in detail["spells"]] == ["unemployed", "flexible"]
    on = client.get(f"/api/v1/registry/persons/{zhang.pk}/status-on?day=2025-05-31").json()
    assert on["status"] == "unemployed"
    search = client.post(
        "/api/v1/registry/persons/search", json.dumps({"id_number": zhang.id_number}), content_type="application/json"
    )
    assert [p["id"] for p in search.json()] == [zhang.pk]
    assert client.get(f"/api/v1/registry/persons/{people['wang'].pk}").status_code == 404


def test_export_is_masked_watermarked_formula_safe_and_scoped(
    personas: dict[str, User], people: dict[str, Person], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export.xlsx"
    call_command("export_registry", "--as", "county_a", "--out", str(out))
    assert json.loads(capsys.readouterr().out)["rows"] == 2
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert "county_a" in rows[0][0] and "导出时间" in rows[0][0]
    body = [r for r in rows[2:] if any(r)]
    names = {r[2] for r in body}
    assert names == {"张伟", '\'=HYPERLINK("http://x")'}
    cells = [str(c) for r in body for c in r]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert people["zhang"].id_number not in cells and people["zhang"].id_masked in cells and "138****2222" in cells
    assert AuditEvent.objects.filter(action="registry.export", actor_username="county_a").exists()


def test_the_page_export_is_a_download_of_the_same_list(
    personas: dict[str, User], people: dict[str, Person], tmp_path: Path
) -> None:
    response = login(Client(), personas["county_b"]).get("/registry/export.xlsx")
    content = read_download(response)
    assert response["Content-Disposition"].startswith("attachment")
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert {r[2] for r in rows[2:] if any(r)} == {"王芳"}


def test_case_pages_and_measures(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["county_a"])
    page = client.get("/registry/zero-employment/")
    cases = list(page.context["page"].object_list)
    assert {c.household_id for c in cases} == {people["zhang"].household_id, people["evil"].household_id}
    case = cases[0]
    assert (
        client.post(
            f"/registry/zero-employment/{case.pk}/",
            {"kind": "job_referral", "date": "2026-11-01", "note": "推荐到社区工厂"},
        ).status_code
        == 302
    )
    assert case.measures.count() == 1
    assert login(Client(), personas["county_b"]).get(f"/registry/zero-employment/{case.pk}/").status_code == 404


def test_the_case_list_names_the_head_masked_the_town_the_officer_and_the_deadline(
    personas: dict[str, User], people: dict[str, Person]
) -> None:
    html = login(Client(), personas["county_a"]).get("/registry/zero-employment/").content.decode()
    assert "张*" in html and "张伟" not in html  # the head's name, masked
    town = people["zhang"].household.region.parent
    assert town is not None and town.name in html
    case = ZeroEmploymentCase.objects.get(household=people["zhang"].household, status="open")
    assert case.deadline.isoformat() in html and '<span class="badge ">待清零</span>' in html


def test_a_closed_case_shows_how_it_closed_and_refuses_every_change(
    personas: dict[str, User], people: dict[str, Person]
) -> None:
    a = personas["county_a"]
    zhang = people["zhang"]
    case = ZeroEmploymentCase.objects.get(household=zhang.household, status="open")
    services.status_change(actor=a, person=zhang, status=EmploymentStatus.FLEXIBLE, start=date(2026, 11, 2))
    case.refresh_from_db()
    assert case.status == "closed"
    api = Client(headers={"authorization": f"Bearer {_token(a)}"})
    audit_rows = AuditEvent.objects.count()

    browser = CsrfClient(a)
    page = browser.get(f"/registry/zero-employment/{case.pk}/").content.decode()
    assert '<span class="badge ok">已清零</span>' in page and case.close_note in page
    assert case.closed_on is not None and case.closed_on.isoformat() in page
    assert (
        "<h2>记录帮扶措施</h2>" not in page and 'name="officer"' not in page and "<form" not in page.split("<main")[-1]
    )
    for data in ({"officer": str(a.pk)}, {"kind": "job_referral", "date": "2026-11-03", "note": "推荐"}):
        refused = browser.post(f"/registry/zero-employment/{case.pk}/", data)
        assert refused.status_code == 422 and "该案件已办结" in refused.content.decode()
    answer = api.post(
        f"/api/v1/registry/zero-employment/{case.pk}/measures",
        {"kind": "job_referral", "date": "2026-11-03", "note": ""},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "该案件已办结" in answer.json()["error"]["message"]
    case.refresh_from_db()
    assert case.assigned_to is None and case.measures.count() == 0 and AuditEvent.objects.count() == audit_rows


def test_a_read_only_role_posting_to_a_case_gets_403_and_changes_nothing(
    personas: dict[str, User], people: dict[str, Person]
) -> None:
    case = ZeroEmploymentCase.objects.get(household=people["zhang"].household, status="open")
    leader = CsrfClient(personas["leader"])
    assert leader.get(f"/registry/zero-employment/{case.pk}/").status_code == 200
    for data in ({"officer": str(personas["county_a"].pk)}, {"kind": "job_referral", "date": "2026-11-03"}):
        assert leader.post(f"/registry/zero-employment/{case.pk}/", data).status_code == 403
    case.refresh_from_db()
    assert case.assigned_to is None and case.measures.count() == 0


def test_the_case_export_is_the_filtered_list_masked_watermarked_and_scoped(
    personas: dict[str, User], people: dict[str, Person], tmp_path: Path
) -> None:
    a = personas["county_a"]
    zhang = people["zhang"]
    # A retired parent: a member, but not labour.
    factories.person(a, zhang.household, relation="parent", name="张老汉", birth=date(1950, 3, 1))
    case = ZeroEmploymentCase.objects.get(household=zhang.household, status="open")
    services.case_add_measure(actor=a, case=case, kind="job_referral", day=date(2026, 11, 1), note="推荐到社区工厂")

    def export(user: User, query: str = "") -> list[list[object]]:
        response = login(Client(), user).get(f"/registry/zero-employment/export.xlsx{query}")
        assert response["Content-Disposition"].startswith("attachment")
        path = tmp_path / "cases.xlsx"
        path.write_bytes(read_download(response))
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    rows = export(a)
    assert "county_a" in rows[0][0] and "仅限本人工作使用" in rows[0][0]
    assert rows[1][: len(CASE_EXPORT_COLUMNS)] == CASE_EXPORT_COLUMNS
    body = {r[4]: dict(zip(CASE_EXPORT_COLUMNS, r, strict=False)) for r in rows[2:] if any(r)}
    assert set(body) == {"张伟", '\'=HYPERLINK("http://x")'}
    row = body["张伟"]
    assert (row["区县"], row["乡镇(街道)"], row["村(社区)"]) == ("紫阳县", "城关镇", "东城门社区居委会")
    assert row["户编号"] == zhang.household.number and row["户主公民身份号码（脱敏）"] == zhang.id_masked
    assert row["户主联系电话（脱敏）"] == "138****2222"
    assert (row["家庭人数"], row["劳动力人数"], row["劳动力"]) == (2, 1, "张伟")
    assert row["状态"] == "待清零" and row["是否超期"] == "否" and row["清零期限"] == case.deadline.isoformat()
    assert row["帮扶措施"] == "2026-11-01 岗位推荐：推荐到社区工厂"
    cells = [str(c) for r in rows[2:] for c in r]
    assert zhang.id_number not in cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert AuditEvent.objects.filter(action="registry.case_export", actor_username="county_a").exists()

    # The page's filters: only the overdue case.
    ZeroEmploymentCase.objects.filter(pk=case.pk).update(deadline=date(2026, 1, 31))
    overdue = [r for r in export(a, "?status=open&overdue=on")[2:] if any(r)]
    assert [(r[4], r[14]) for r in overdue] == [("张伟", "是")]

    # The neighbour county sees its own household only.
    assert [r[4] for r in export(personas["county_b"])[2:] if any(r)] == ["王芳"]
    # Relocated households only: one with a site.
    services.household_set_relocation_site(actor=a, household=zhang.household, relocation_site="幸福社区安置点")
    relocated = [r for r in export(a, "?status=open&relocated=on")[2:] if any(r)]
    assert [(r[4], r[10]) for r in relocated] == [("张伟", "幸福社区安置点")]


def test_the_rule_is_shown_on_the_case_list_and_changed_by_the_city(
    personas: dict[str, User], people: dict[str, Person]
) -> None:
    officer = login(Client(), personas["county_a"])
    page = officer.get("/registry/zero-employment/").content.decode()
    assert "16–60 周岁" in page and "清零期限 30 天" in page and "修改认定参数" not in page
    assert officer.get("/registry/zero-employment/rule/").status_code == 403

    admin = login(Client(), personas["city_admin"])
    assert "修改认定参数" in admin.get("/registry/zero-employment/").content.decode()
    refused = admin.post("/registry/zero-employment/rule/", {"min_age": "16", "max_age": "60", "clear_days": "30"})
    assert refused.status_code == 422 and "至少选择一种" in refused.content.decode()
    done = admin.post(
        "/registry/zero-employment/rule/",
        {"min_age": "16", "max_age": "45", "employed": ["in_county", "flexible"], "clear_days": "20"},
        follow=True,
    )
    text = done.content.decode()
    assert "认定参数已保存" in text and "16–45 周岁" in text and "清零期限 20 天" in text
    assert "县内务工、灵活就业；" in text


def test_the_rule_in_the_api(personas: dict[str, User], people: dict[str, Person]) -> None:
    officer = login(Client(), personas["county_a"])
    assert officer.get("/api/v1/registry/zero-employment/rule").json()["clear_days"] == 30
    body = {"min_age": 16, "max_age": 60, "employed": ["in_county"], "clear_days": 45}
    put = json.dumps(body)
    assert officer.put("/api/v1/registry/zero-employment/rule", put, content_type="application/json").status_code == 403

    admin = login(Client(), personas["city_admin"])
    bad = admin.put(
        "/api/v1/registry/zero-employment/rule",
        json.dumps({**body, "employed": ["unemployed"]}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["loc"] == ["employed"]
    done = admin.put("/api/v1/registry/zero-employment/rule", put, content_type="application/json").json()
    assert (done["clear_days"], done["employed"], done["flagged"]) == (45, ["in_county"], 3)


def test_upload_page_runs_the_import_in_the_background(personas: dict[str, User], tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiuye.registry import idcard

    number = idcard.make("610924", date(1990, 1, 1), 11)
    csv = f"村(社区)代码,户编号,姓名,公民身份号码,与户主关系,劳动能力,就业意愿,就业状态\n610924100001,X1,赵六,{number},户主,普通劳动力,是,务农\n"
    client = login(Client(), personas["county_a"])
    upload = SimpleUploadedFile("台账.csv", csv.encode("utf-8"), content_type="text/csv")
    response = client.post("/imports/", {"file": upload, "as_of": "2026-10-31"})
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.context["job"].created == 1 and not job_page.context["running"]
    assert Person.objects.filter(name="赵六").exists()


def test_moving_and_recording_a_death_from_the_page(personas: dict[str, User], people: dict[str, Person]) -> None:
    client = login(Client(), personas["county_a"])
    zhang = people["zhang"]
    response = client.post(f"/registry/persons/{zhang.pk}/move/", {"village": "610924101200", "household": "N7"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.region_id, zhang.household.number) == ("610924101200", "N7")
    outside = client.post(f"/registry/persons/{zhang.pk}/move/", {"village": "610902001003", "household": "N8"})
    assert outside.status_code == 422 and "不在您的管辖范围" in outside.content.decode()
    assert (
        client.post(f"/registry/persons/{zhang.pk}/state/", {"state": "deceased", "date": "2026-11-01"}).status_code
        == 302
    )
    zhang.refresh_from_db()
    assert zhang.state == "deceased" and not zhang.household.zero_employment


def test_api_creates_a_person_registers_and_records_measures(personas: dict[str, User]) -> None:
    from jiuye.registry import idcard

    client = login(Client(), personas["town_a"])
    payload = {
        "village_code": "610924100001",
        "household_number": "API-9",
        "name": "接口测试",
        "id_number": idcard.make("610924", date(1992, 3, 4), 21),
        "relation": "head",
        "labor_ability": "ordinary",
        "willing": True,
        "status": "unemployed",
        "status_since": "2026-01-01",
        "groups": ["graduate"],
    }
    created = client.post("/api/v1/registry/persons", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201 and created.json()["id_masked"].startswith("610924****")
    again = client.post("/api/v1/registry/persons", json.dumps(payload), content_type="application/json")
    assert again.status_code == 422 and again.json()["error"]["details"][0]["loc"] == ["id_number"]
    pk = created.json()["id"]
    body = {"kind": "unemployment", "date": "2026-02-01", "reason": "graduate"}
    assert (
        client.post(
            f"/api/v1/registry/persons/{pk}/registrations", json.dumps(body), content_type="application/json"
        ).status_code
        == 201
    )
    household = client.get(f"/api/v1/registry/households/{created.json()['household_id']}").json()
    assert household["zero_employment"] is True and household["members"][0]["name"] == "接口测试"
    case = client.get("/api/v1/registry/zero-employment").json()["items"][0]
    measure = {"kind": "job_referral", "date": "2026-02-10", "note": "推荐至园区企业"}
    assert (
        client.post(
            f"/api/v1/registry/zero-employment/{case['id']}/measures",
            json.dumps(measure),
            content_type="application/json",
        ).status_code
        == 201
    )
    foreign = client.post(
        "/api/v1/registry/persons",
        json.dumps({**payload, "village_code": "610902001003"}),
        content_type="application/json",
    )
    assert foreign.status_code == 422


def test_the_state_filter_can_show_everyone(personas: dict[str, User], people: dict[str, Person]) -> None:
    services.person_set_state(actor=personas["county_a"], person=people["evil"], state="deceased", on=date(2026, 1, 1))
    client = login(Client(), personas["county_a"])
    default = {p.name for p in client.get("/registry/").context["page"].object_list}
    everyone = {p.name for p in client.get("/registry/", {"state": "all"}).context["page"].object_list}
    deceased = {p.name for p in client.get("/registry/", {"state": "deceased"}).context["page"].object_list}
    assert default == {"张伟"} and everyone == {"张伟", people["evil"].name} and deceased == {people["evil"].name}
    # A link that filters by something else alone (a dashboard's drill-down) keeps to those in the registry.
    by_status = {p.name for p in client.get("/registry/", {"status": "unemployed"}).context["page"].object_list}
    assert by_status == {"张伟"}
    api = client.get("/api/v1/registry/persons", {"status": "unemployed"}).json()["items"]
    api_all = client.get("/api/v1/registry/persons", {"status": "unemployed", "state": "all"}).json()["items"]
    assert [p["name"] for p in api] == ["张伟"] and len(api_all) == 2


def test_relocation_site_by_form_and_api_is_scoped_audited_and_exported(
    personas: dict[str, User], people: dict[str, Person], tmp_path: Path
) -> None:
    household = people["zhang"].household
    client = login(Client(), personas["county_a"])
    url = f"/registry/households/{household.pk}/edit/"
    assert "编辑家庭信息" in client.get(f"/registry/households/{household.pk}/").content.decode()
    assert client.post(url, {"relocation_site": "安" * 101}).status_code == 200  # too long: the form again
    assert client.post(url, {"relocation_site": " 城关镇幸福社区安置点 "}).status_code == 302
    household.refresh_from_db()
    assert household.relocation_site == "城关镇幸福社区安置点"
    event = AuditEvent.objects.get(action="registry.household_update")
    assert (event.before, event.after) == ({"relocation_site": ""}, {"relocation_site": "城关镇幸福社区安置点"})
    # The county's sites are offered when another household is edited.
    other = people["evil"].household
    assert "城关镇幸福社区安置点" in client.get(f"/registry/households/{other.pk}/edit/").content.decode()
    # The API changes it the same way; a neighbour's household is 404 on the page and in the API.
    patched = client.patch(
        f"/api/v1/registry/households/{other.pk}",
        json.dumps({"relocation_site": "新城安置小区"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["relocation_site"] == "新城安置小区"
    neighbour = login(Client(), personas["county_b"])
    assert neighbour.post(url, {"relocation_site": "别处"}).status_code == 404
    assert (
        neighbour.patch(
            f"/api/v1/registry/households/{household.pk}",
            json.dumps({"relocation_site": "别处"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    household.refresh_from_db()
    assert household.relocation_site == "城关镇幸福社区安置点"
    # The export carries it in its last column.
    out = tmp_path / "sites.xlsx"
    call_command("export_registry", "--as", "county_a", "--out", str(out))
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[1][-1] == "易地搬迁安置点"
    assert {r[2]: r[-1] for r in rows[2:] if any(r)}["张伟"] == "城关镇幸福社区安置点"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_pickers_show_their_default_date_in_any_language(personas: dict[str, User], language: str) -> None:
    """<input type="date"> shows only an ISO value: the upload's 数据截至日期 defaults to today."""
    from django.utils import timezone

    client = login(Client(), personas["county_a"])
    client.cookies["django_language"] = language
    today = timezone.localdate().isoformat()
    upload = client.get("/imports/").content.decode()
    assert f'type="date" name="as_of" value="{today}"' in upload
    person = factories.person(personas["county_a"], factories.household(personas["county_a"]))
    detail = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert f'type="date" name="start" value="{today}"' in detail


def test_the_list_takes_a_county_or_town_prefix_and_says_when_a_region_code_is_malformed(
    personas: dict[str, User],
) -> None:
    from jiuye.registry.tests import factories

    officer = personas["city_admin"]
    here = factories.person(officer, factories.household(officer, village="610924100001"), name="甲")
    factories.person(officer, factories.household(officer, village="610902001003"), name="乙")
    client = login(Client(), officer)
    for typed in ("610924", "610924100", "610924000000"):
        page = client.get("/registry/", {"region": typed})
        assert [p.pk for p in page.context["page"].object_list] == [here.pk], typed
    bad = client.get("/registry/", {"region": "61092"})
    assert bad.context["form"].errors["region"] and bad.context["page"].paginator.count == 2
    api = client.get("/api/v1/registry/persons", {"region": "610924"})
    assert [p["id"] for p in api.json()["items"]] == [here.pk]
    assert client.get("/api/v1/registry/persons", {"region": "61092"}).status_code == 422
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="12 位"):
        call_command("export_registry", "--as", officer.username, "--out", "/dev/null", "--region", "61092")

    # A link that does not name 在册状态 lists 在册 persons, and the form says so.
    shown = client.get("/registry/", {"region": "610924"})
    assert shown.context["form"]["state"].value() == "active"
    assert 'value="active" selected' in shown.content.decode()


def _token(user: User) -> str:
    _row, raw = token_create(user=user, name="test")
    return raw
