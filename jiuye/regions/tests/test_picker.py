"""The region picker: a cascade below the top of the user's scope, a search by name, code or
pinyin initials, the choice shown with its parents; nothing outside the scope, ever; the forms
that choose a region post its code as before, and show no code box."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient, login
from jiuye.regions import picker
from jiuye.registry.models import Person

pytestmark = pytest.mark.django_db

VILLAGE = "610924101200"  # 蒿坪村委会, 蒿坪镇, 紫阳县
NEIGHBOUR = "610902001003"  # 西大街社区居委会, 汉滨区


def test_the_cascade_runs_from_the_scope_down_to_the_choice(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    state = picker.state(user=officer, name="village", value=VILLAGE, levels=("village",), required=True)
    assert state.value == VILLAGE and state.path == "紫阳县 蒿坪镇 蒿坪村委会"
    towns, villages = state.selects
    assert towns.selected == "610924101000" and all(r.code.startswith("610924") for r in towns.options)
    assert villages.selected == VILLAGE and all(r.parent_id == "610924101000" for r in villages.options)
    assert towns.blank == "请选择镇街"  # a village is required: the county itself is no choice
    # Nothing chosen: one drop-down, the county's towns; a filter may leave it at the county.
    empty = picker.state(user=officer, name="region", value="", levels=("county", "town", "village"), required=False)
    assert empty.value == "" and len(empty.selects) == 1 and empty.selects[0].blank == "（紫阳县全部）"
    # A town where a village is needed is not a value: the form will refuse it.
    town = picker.state(user=officer, name="village", value="610924101000", levels=("village",), required=True)
    assert town.value == "" and "村社区" in town.error
    # A town officer's choice is named with the county above his scope, as the breadcrumb names it.
    town_officer = personas["town_a"]
    own = picker.state(user=town_officer, name="village", value="610924100001", levels=("village",), required=True)
    assert own.path == "紫阳县 城关镇 东城门社区居委会" and len(own.selects) == 1
    # Another county's region is no choice at all, and its name is not shown.
    outside = picker.state(user=officer, name="region", value=NEIGHBOUR, levels=("village",), required=False)
    assert outside.value == "" and "西大街" not in outside.path


def test_search_by_name_code_or_pinyin_within_the_scope(personas: dict[str, User]) -> None:
    officer = personas["county_a"]

    def found(query: str, levels: tuple[str, ...] = ("county", "town", "village")) -> list[str]:
        return [path for _region, path in picker.search(user=officer, query=query, levels=levels)]

    assert found("hpz") == ["紫阳县 蒿坪镇"]  # pinyin initials
    assert found("haoping")[0] == "紫阳县 蒿坪镇"  # full pinyin, the town before its villages
    assert "紫阳县 蒿坪镇 蒿坪村委会" in found("蒿坪")
    assert found("610924101200") == ["紫阳县 蒿坪镇 蒿坪村委会"]
    assert "紫阳县 蒿坪镇" not in found("hpz", ("village",))  # only the levels asked for
    assert found("西大街") == [] and found("xdj") == [] and found(NEIGHBOUR) == []  # the neighbour's


def test_the_picker_answers_only_within_the_scope_and_names_no_neighbour(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    html = client.get("/regions/picker/", {"name": "village", "levels": "village", "code": VILLAGE}).content.decode()
    assert 'name="village" value="610924101200"' in html and "紫阳县 蒿坪镇 蒿坪村委会" in html
    neighbour = client.get("/regions/picker/", {"name": "region", "code": NEIGHBOUR}).content.decode()
    assert "西大街" not in neighbour and NEIGHBOUR not in neighbour
    results = client.get("/regions/picker/", {"name": "region", "q": "hpz"}).content.decode()
    assert "紫阳县 蒿坪镇" in results
    assert "西大街" not in client.get("/regions/picker/", {"name": "region", "q": "西大街"}).content.decode()
    bad = client.get("/regions/picker/", {"name": '"><script>', "code": VILLAGE})
    assert bad.status_code == 400


def test_forms_offer_the_picker_not_a_code_box_and_post_the_code(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    client = CsrfClient(officer)
    for url, field in (("/registry/persons/new/", "village"), ("/registry/", "region"), ("/stats/entered/", "region")):
        page = client.get(url).content.decode()
        assert f'<input type="hidden" name="{field}"' in page, url
        assert not re.search(rf'<input type="text" name="{field}"', page), url
        assert 'class="region-picker"' in page and "rp-cascade" in page, url
    from jiuye.registry import idcard

    number = idcard.make("610924", date(1990, 3, 3), 17)
    response = client.post(
        "/registry/persons/new/",
        {
            "village": VILLAGE,
            "household": "P1",
            "relation": "head",
            "name": "选区划",
            "id_number": number,
            "labor_ability": "ordinary",
            "willing": "on",
            "status": "unemployed",
            "start": "2026-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Person.objects.get(name="选区划").region_id == VILLAGE
    # The list filtered by a town shows it with its parents in the picker.
    listing = client.get("/registry/", {"region": "610924101000"}).content.decode()
    assert "紫阳县 蒿坪镇" in listing


def test_the_user_form_chooses_regions_by_name(personas: dict[str, User]) -> None:
    admin = personas["security_admin"]
    page = login(Client(), admin).get("/accounts/users/new/").content.decode()
    assert page.count('class="region-picker"') == 2  # 管辖区划 and 可编辑区划
    assert "区划代码为 12 位" not in page and "region-options" not in page
    assert "（安康市全部）" in page and "紫阳县" in page  # the city itself, or one of its counties by name
