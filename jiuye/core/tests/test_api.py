"""The API: one JSON error shape, OpenAPI, and scope on every list."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, REGIONS_CSV, login

pytestmark = pytest.mark.django_db


def _assert_error_shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "request_id"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["request_id"] == response["X-Request-ID"]


def test_every_error_has_the_same_shape(personas: dict[str, User], client: Client) -> None:
    _assert_error_shape(client.get("/api/v1/me"), 401, "unauthenticated")
    officer = login(Client(), personas["county_a"])
    _assert_error_shape(officer.get("/api/v1/users"), 403, "forbidden")
    _assert_error_shape(officer.get(f"/api/v1/regions/{COUNTY_B}"), 404, "not_found")
    _assert_error_shape(officer.get("/api/v1/no-such-route"), 404, "not_found")
    _assert_error_shape(officer.put("/api/v1/me"), 405, "method_not_allowed")
    bad = officer.post("/api/v1/tokens", json.dumps({"name": ""}), content_type="application/json")
    _assert_error_shape(bad, 422, "invalid")
    assert bad.json()["error"]["details"][0]["loc"][-1] == "name"
    broken = officer.post("/api/v1/tokens", "{not json", content_type="application/json")
    assert broken.status_code in (400, 422) and "error" in broken.json()


def test_validation_errors_from_services_are_422_with_field(personas: dict[str, User]) -> None:
    admin = login(Client(), personas["security_admin_a"])
    payload = {"username": "x1", "role": "village_clerk", "region_code": "610902001001", "password": "Fresh-Start-2026"}
    response = admin.post("/api/v1/users", json.dumps(payload), content_type="application/json")
    _assert_error_shape(response, 422, "invalid")
    assert response.json()["error"]["details"][0]["loc"] == ["region_code"]


def test_openapi_documents_every_operation_with_auth(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    schema = client.get("/api/v1/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 13
    assert all(op.get("security") for op in operations)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()
    page = docs.content.decode()
    # Inside the app's frame: the menu, and a way back.
    assert 'id="mainnav"' in page and "返回首页" in page and 'id="swagger-ui"' in page


# Two English words in a row (identifiers such as registry.case or ``version`` are fine).
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")


def test_the_api_documentation_is_in_chinese(personas: dict[str, User]) -> None:
    schema = login(Client(), personas["county_a"]).get("/api/v1/openapi.json").json()
    texts = [schema["info"]["title"], schema["info"]["description"]]
    for path in schema["paths"].values():
        for op in path.values():
            texts += [op.get("summary", ""), op.get("description", ""), *op.get("tags", [])]
            texts += [p.get("description", "") for p in op.get("parameters", [])]
    for component in schema["components"]["schemas"].values():
        texts.append(component.get("description", ""))
        texts += [field.get("description", "") for field in component.get("properties", {}).values()]
    english = [t for t in texts if ENGLISH_PROSE.search(t.replace("Authorization: Bearer", ""))]
    assert english == []
    assert all(op.get("summary") for path in schema["paths"].values() for op in path.values())


def _source(level: str, prefix: str) -> set[str]:
    """Ground truth straight from the shipped CSV, not from the database."""
    rows = (line.split(",") for line in REGIONS_CSV.read_text(encoding="utf-8").splitlines()[1:])
    return {r[0] for r in rows if r[2] == level and r[0].startswith(prefix)}


def test_region_lists_contain_only_the_scope(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    towns = client.get("/api/v1/regions?level=town").json()
    assert {t["code"] for t in towns} == _source("town", "610924")
    everything = client.get("/api/v1/regions?q=镇").json()
    assert everything and all(r["code"].startswith("610924") for r in everything)
    # One search for the API and the region picker: by pinyin initials too, within the scope.
    assert [r["name"] for r in client.get("/api/v1/regions?q=hpz").json()] == ["蒿坪镇"]
    assert login(Client(), personas["county_b"]).get("/api/v1/regions?q=hpz").json() == []
    children = client.get(f"/api/v1/regions/{COUNTY_A}/children").json()
    assert sum(c["villages"] for c in children) == len(_source("village", "610924"))
    assert {c["code"] for c in children} == _source("town", "610924")
    assert children[0]["parent_code"] == COUNTY_A and "parent_id" not in children[0]


def test_me_reports_role_scope_and_permissions(personas: dict[str, User]) -> None:
    me = login(Client(), personas["village_a"]).get("/api/v1/me").json()
    assert me["role"] == "village_clerk" and me["region_code"] == "610924100001"
    assert "manage_users" not in me["permissions"] and "edit_business_data" in me["permissions"]


def test_nul_characters_are_refused_before_any_view(personas: dict[str, User]) -> None:
    """PostgreSQL cannot store NUL in text; a request carrying one used to end in a 500 there."""
    from jiuye.accounts.models import ApiToken

    officer = login(Client(), personas["county_a"])
    response = officer.post("/api/v1/tokens", json.dumps({"name": "a\x00b"}), content_type="application/json")
    _assert_error_shape(response, 422, "invalid")
    assert "NUL" in response.json()["error"]["message"]
    nested = officer.post(
        "/api/v1/registry/persons/search", json.dumps({"phone": ["x", {"k\x00": 1}]}), content_type="application/json"
    )
    assert nested.status_code == 422
    assert officer.get("/api/v1/registry/persons", {"name": "张\x00"}).status_code == 422
    page = officer.get("/registry/", {"name": "张\x00"})
    assert page.status_code == 400 and "NUL" in page.content.decode()
    assert not ApiToken.objects.filter(user=personas["county_a"]).exists()
    # An ordinary request is untouched.
    assert officer.get("/api/v1/registry/persons", {"name": "张"}).status_code == 200
