"""The security label (等保 访问控制 g; security bar 1.6): the key groups that tell poverty,
disability or hardship, incomes and full birth dates are shown only to users the security admin
has granted 可查看敏感信息; without it a user neither sees nor sets them, and what is stored stays."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jiuye.accounts.models import User
from jiuye.conftest import VILLAGE_A, login, make_user, read_download
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import Role, can_view_sensitive
from jiuye.imports import services as imports
from jiuye.imports.models import ImportRowError
from jiuye.registry import services
from jiuye.registry.choices import SENSITIVE_GROUPS, KeyGroup
from jiuye.registry.models import Person
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

BIRTH = date(1979, 3, 14)


@pytest.fixture
def plain(db: Any) -> User:
    """A county officer the security admin has not granted the sensitive categories."""
    return make_user("county_plain", Role.COUNTY_OFFICER, "610924000000", sensitive_access=False)


@pytest.fixture
def wang(personas: dict[str, User]) -> Person:
    officer = personas["county_a"]
    person = factories.person(
        officer,
        factories.household(officer),
        name="王建国",
        birth=BIRTH,
        groups=("disabled", "poverty_alleviated", "graduate"),
    )
    services.status_change(
        actor=officer, person=person, status="in_county", start=date(2026, 3, 1), monthly_income=320000
    )
    return Person.objects.get(pk=person.pk)


def _labels(*groups: str) -> list[str]:
    return [str(dict(KeyGroup.choices)[g]) for g in groups]


def test_the_label_needs_both_the_grant_and_a_role_that_sees_personal_data(personas: dict[str, User]) -> None:
    assert can_view_sensitive(personas["county_a"])
    assert not can_view_sensitive(make_user("c2", Role.COUNTY_OFFICER, "610924000000", sensitive_access=False))
    # Granted to an admin role, the flag gives nothing: that role sees no personal data at all.
    assert not can_view_sensitive(make_user("s2", Role.SECURITY_ADMIN, "610900000000", sensitive_access=True))
    assert sorted(SENSITIVE_GROUPS) == ["disabled", "hard_to_employ", "monitored", "poverty_alleviated"]


def test_the_person_page_hides_birth_date_sensitive_groups_and_income_without_the_label(
    personas: dict[str, User], plain: User, wang: Person
) -> None:
    url = f"/registry/persons/{wang.pk}/"
    granted = login(Client(), personas["county_a"]).get(url).content.decode()
    assert BIRTH.isoformat() in granted and "3,200.00 元" in granted
    assert all(label in granted for label in _labels("disabled", "poverty_alleviated", "graduate"))
    restricted = login(Client(), plain).get(url).content.decode()
    assert BIRTH.isoformat() not in restricted and "3200" not in restricted
    assert _labels("graduate")[0] in restricted
    badges = [f'<span class="badge">{label}</span>' for label in _labels("disabled", "poverty_alleviated", "graduate")]
    assert [badge in restricted for badge in badges] == [False, False, True]
    assert all(badge in granted for badge in badges)
    assert "需敏感信息授权" in restricted
    age = wang.age_on(timezone.localdate())
    assert f"{age}岁" in restricted


def test_the_list_shows_ages_and_refuses_a_sensitive_group_filter_without_the_label(
    personas: dict[str, User], plain: User, wang: Person
) -> None:
    client = login(Client(), plain)
    page = client.get("/registry/", {"region": VILLAGE_A})
    html = page.content.decode()
    assert "王建国" in html and BIRTH.isoformat() not in html and ">年龄<" in html
    assert "poverty_alleviated" not in [value for value, _label in page.context["form"].fields["group"].widget.choices]
    assert 'value="disabled"' not in html
    # A link filtering by 残疾人 is refused on its field; the other filters still apply.
    filtered = client.get("/registry/", {"group": "disabled", "region": "610924100002"})
    assert filtered.context["form"].errors["group"] == ["按敏感类别查询需要敏感信息授权。"]
    assert "按敏感类别查询需要敏感信息授权。" in filtered.content.decode()
    assert filtered.context["page"].paginator.count == 0  # 王建国 lives in another village
    # With the label the same filter works and the birth date is shown.
    granted = login(Client(), personas["county_a"]).get("/registry/", {"group": "disabled"})
    assert [p.pk for p in granted.context["page"].object_list] == [wang.pk]
    assert BIRTH.isoformat() in granted.content.decode()


def test_the_api_nulls_birth_date_and_income_and_filters_groups_without_the_label(
    personas: dict[str, User], plain: User, wang: Person
) -> None:
    restricted = login(Client(), plain).get(f"/api/v1/registry/persons/{wang.pk}").json()
    assert restricted["birth_date"] is None and restricted["age"] == wang.age_on(timezone.localdate())
    assert restricted["groups"] == ["graduate"]
    assert [s["monthly_income"] for s in restricted["spells"]] == [None, None]
    granted = login(Client(), personas["county_a"]).get(f"/api/v1/registry/persons/{wang.pk}").json()
    assert granted["birth_date"] == BIRTH.isoformat()
    assert sorted(granted["groups"]) == ["disabled", "graduate", "poverty_alleviated"]
    assert [s["monthly_income"] for s in granted["spells"]] == [None, 320000]
    listing = login(Client(), plain).get("/api/v1/registry/persons", {"group": "disabled"})
    assert listing.status_code == 403
    assert login(Client(), plain).get("/api/v1/registry/persons", {"group": "graduate"}).status_code == 200


def test_an_edit_without_the_label_keeps_the_sensitive_groups_and_cannot_set_them(plain: User, wang: Person) -> None:
    client = login(Client(), plain)
    page = client.get(f"/registry/persons/{wang.pk}/edit/")
    assert "disabled" not in page.content.decode()
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None and k != "groups"}
    form.update(groups=["returned_migrant"], willing="on", phone="")
    assert client.post(f"/registry/persons/{wang.pk}/edit/", form).status_code == 302
    assert sorted(wang.groups.values_list("group", flat=True)) == ["disabled", "poverty_alleviated", "returned_migrant"]
    wang.refresh_from_db()
    refused = client.post(
        f"/registry/persons/{wang.pk}/edit/", {**form, "version": wang.version, "groups": ["monitored"]}
    )
    assert refused.status_code == 200 and refused.context["form"].errors.get("groups")
    with pytest.raises(Exception, match="敏感信息"):
        services.person_set_groups(actor=plain, person=wang, groups=["monitored"])
    assert not wang.groups.filter(group="monitored").exists()
    # The API's PATCH follows the same rule.
    patch = client.patch(
        f"/api/v1/registry/persons/{wang.pk}",
        json.dumps({"version": wang.version, "groups": ["graduate"]}),
        content_type="application/json",
    )
    assert patch.status_code == 200
    assert sorted(wang.groups.values_list("group", flat=True)) == ["disabled", "graduate", "poverty_alleviated"]


def test_an_import_without_the_label_reports_sensitive_groups_and_keeps_stored_ones(
    plain: User, wang: Person, tmp_path: Path
) -> None:
    household = wang.household
    rows = [
        # Wang as stored, but the file's groups without the sensitive ones: unchanged for this user.
        {
            "村(社区)代码": household.region_id,
            "户编号": household.number,
            "姓名": "王建国",
            "公民身份号码": wang.id_number,
            "与户主关系": "户主",
            "劳动能力": "普通劳动力",
            "就业意愿": "是",
            "就业状态": "县内务工",
            "就业开始日期": "2026-03-01",
            "月收入(元)": "3200",
            "人员类别": "高校毕业生",
        },
        {
            "村(社区)代码": household.region_id,
            "户编号": household.number,
            "姓名": "王小红",
            "公民身份号码": factories.id_number(birth=date(2001, 5, 5), male=False),
            "与户主关系": "子女",
            "劳动能力": "普通劳动力",
            "就业意愿": "是",
            "就业状态": "未就业",
            "人员类别": "残疾人、高校毕业生",
        },
    ]
    path = tmp_path / "plain.csv"
    headers = list(dict.fromkeys(h for r in rows for h in r))
    lines = [",".join(headers), *(",".join(r.get(h, "") for h in headers) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    job = imports.import_stage(user=plain, source=path, original_name=path.name, as_of=date(2026, 10, 31))
    job = imports.import_run(job=job)
    assert (job.created, job.updated, job.unchanged, job.rejected) == (0, 0, 1, 1)
    error = ImportRowError.objects.get(job=job)
    assert (error.row, error.column) == (3, "人员类别") and "残疾人" in error.reason and "授权" in error.reason
    assert sorted(wang.groups.values_list("group", flat=True)) == ["disabled", "graduate", "poverty_alleviated"]
    assert not Person.objects.filter(name="王小红").exists()


def test_the_export_without_the_label_has_ages_and_no_sensitive_groups(
    personas: dict[str, User], plain: User, wang: Person, tmp_path: Path
) -> None:
    def sheet(user: User) -> list[list[Any]]:
        response = login(Client(), user).get("/registry/export.xlsx", {"region": VILLAGE_A})
        path = Path(tmp_path) / f"{user.username}.xlsx"
        path.write_bytes(read_download(response))
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    header, row = sheet(plain)[1:3]
    assert "年龄" in header and "出生日期" not in header
    assert row[header.index("年龄")] == wang.age_on(timezone.localdate())
    assert row[header.index("人员类别")] == "高校毕业生"
    header, row = sheet(personas["county_a"])[1:3]
    assert row[header.index("出生日期")] == BIRTH.isoformat() and "残疾人" in row[header.index("人员类别")]
    audit = AuditEvent.objects.filter(action="registry.export").order_by("id")
    assert [e.after["sensitive"] for e in audit] == [False, True]
    # An export link filtered by a group the user may not filter by exports nothing else instead.
    refused = login(Client(), plain).get("/registry/export.xlsx", {"group": "disabled"})
    assert refused.status_code == 302 and refused["Location"] == "/registry/?group=disabled"
    assert AuditEvent.objects.filter(action="registry.export").count() == 2


def test_a_drill_down_by_a_sensitive_group_lists_nobody_without_the_label(
    personas: dict[str, User], plain: User, wang: Person
) -> None:
    url = f"/stats/{VILLAGE_A}/drill/"
    query = {"indicator": "labour_force.disabled", "period": timezone.localdate().strftime("%Y-%m")}
    restricted = login(Client(), plain).get(url, query)
    assert restricted.status_code == 200 and "王建国" not in restricted.content.decode()
    assert restricted.context["restricted"] and "需要敏感信息授权" in restricted.content.decode()
    granted = login(Client(), personas["county_a"]).get(url, query)
    assert "王建国" in granted.content.decode()
    # A group that is not sensitive lists its members to everyone.
    open_query = {**query, "indicator": "labour_force.graduate"}
    assert "王建国" in login(Client(), plain).get(url, open_query).content.decode()


def test_the_security_admin_grants_and_revokes_the_label_audited(personas: dict[str, User], plain: User) -> None:
    admin = login(Client(), personas["security_admin"])
    form = {"full_name": "", "role": "county_officer", "region": "610924000000", "write_region": "", "is_active": "on"}
    assert admin.post(f"/accounts/users/{plain.pk}/", {**form, "sensitive_access": "on"}).status_code == 302
    plain.refresh_from_db()
    assert plain.sensitive_access
    event = AuditEvent.objects.get(action="user.update", object_id=str(plain.pk))
    assert event.before == {"sensitive_access": False} and event.after == {"sensitive_access": True}
    api = login(Client(), personas["security_admin"]).patch(
        f"/api/v1/users/{plain.pk}", json.dumps({"sensitive_access": False}), content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["sensitive_access"] is False


def test_opening_a_record_with_sensitive_categories_is_audited_for_those_who_see_them(
    personas: dict[str, User], plain: User, wang: Person
) -> None:
    def views() -> list[dict[str, Any]]:
        return list(AuditEvent.objects.filter(action="registry.sensitive_view").values_list("after", flat=True))

    login(Client(), plain).get(f"/registry/persons/{wang.pk}/")
    login(Client(), plain).get(f"/api/v1/registry/persons/{wang.pk}")
    assert views() == []  # nothing sensitive was shown
    officer = personas["county_a"]
    assert login(Client(), officer).get(f"/registry/persons/{wang.pk}/").status_code == 200
    assert login(Client(), officer).get(f"/api/v1/registry/persons/{wang.pk}").status_code == 200
    expected = {"groups": "disabled,poverty_alleviated", "income": True}
    assert views() == [expected, expected]
    event = AuditEvent.objects.filter(action="registry.sensitive_view").first()
    assert event is not None and (event.actor_id, event.object_id) == (officer.pk, str(wang.pk))
    # A record with nothing sensitive in it is opened without an audit row.
    other = factories.person(officer, factories.household(officer), name="赵敏", groups=("graduate",))
    login(Client(), officer).get(f"/registry/persons/{other.pk}/")
    assert len(views()) == 2


def test_registering_a_person_with_a_sensitive_group_needs_the_label(plain: User) -> None:
    body = {
        "village_code": VILLAGE_A,
        "household_number": "S-01",
        "name": "钱多多",
        "id_number": factories.id_number(birth=date(1990, 1, 2)),
        "relation": "head",
        "labor_ability": "ordinary",
        "willing": True,
        "status": "unemployed",
        "status_since": "2026-01-01",
        "groups": ["disabled"],
    }
    client = login(Client(), plain)
    refused = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and "敏感信息" in json.dumps(refused.json(), ensure_ascii=False)
    assert not Person.objects.filter(name="钱多多").exists()
    body["groups"] = ["graduate"]
    created = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["birth_date"] is None
