"""Every URL and API route, as every persona: the owner can, the neighbour gets 404, the
anonymous visitor gets the login page (or 401), a lower role gets 403.

The route table below must name every route of the URL configuration; a new route without a
row here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jiuye.accounts.models import ApiToken, User
from jiuye.accounts.services import token_create
from jiuye.conftest import COUNTY_B, PERSONAS, TOWN_B, login, make_user, read_download
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import read_prefix, write_prefix
from jiuye.exports.models import ExportRequest
from jiuye.imports.models import ImportJob
from jiuye.registry.models import ZeroEmploymentCase
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

# Routes open to anonymous visitors, and framework routes checked elsewhere.
PUBLIC = {"accounts:login", "accounts:login_totp", "accounts:totp_setup", "set_language"}


@dataclass(frozen=True)
class Route:
    name: str
    method: str = "GET"
    perm: Perm | None = None
    target: str | None = None  # "region", "parent", "user" or "token": an object in or out of scope
    api: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    query: str = ""


ROUTES = [
    Route("home"),
    Route("accounts:logout", "POST", ok=(302,)),
    Route("accounts:password_change"),
    Route("accounts:token_list"),
    Route("accounts:token_revoke", "POST", target="token", ok=(302,)),
    Route("accounts:user_list", perm=Perm.MANAGE_USERS),
    Route("accounts:user_create", perm=Perm.MANAGE_USERS),
    Route("accounts:user_edit", perm=Perm.MANAGE_USERS, target="user"),
    Route("accounts:user_unlock", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("accounts:user_totp_reset", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("accounts:user_password_reset", "POST", perm=Perm.MANAGE_USERS, target="user", ok=(302,)),
    Route("regions:browse", perm=Perm.VIEW_REGIONS, ok=(302,)),
    Route("regions:options", perm=Perm.VIEW_REGIONS),
    Route("regions:detail", perm=Perm.VIEW_REGIONS, target="region"),
    Route("regions:children", perm=Perm.VIEW_REGIONS, target="region"),
    Route("regions:zone_create", perm=Perm.MANAGE_ZONES, target="parent"),
    Route("audit:event_list", perm=Perm.READ_AUDIT),
    Route("audit:verify", "POST", perm=Perm.READ_AUDIT),
    Route("registry:person_list", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:person_export", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:person_create", perm=Perm.EDIT_BUSINESS_DATA),
    Route("registry:person_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"name": "矩阵"}, ok=(422,)),
    Route("registry:person_detail", perm=Perm.VIEW_PERSONAL_DATA, target="person"),
    Route("registry:person_edit", perm=Perm.EDIT_BUSINESS_DATA, target="person"),
    Route(
        "registry:person_status",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="person",
        data={"status": "flexible", "start": "2026-11-01"},
        ok=(302,),
    ),
    Route(
        "registry:person_registration",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="person",
        data={"kind": "unemployment", "date": "2026-11-01", "reason": "other"},
        ok=(302,),
    ),
    Route(
        "registry:person_reveal",
        "POST",
        perm=Perm.REVEAL_PERSONAL_DATA,
        target="person",
        data={"field": "id_number", "reason": "核对身份信息"},
    ),
    Route(
        "registry:person_move",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="person",
        data={"village": "", "household": "M1"},
        ok=(422,),  # the form names no village: the owner gets the form back, the neighbour a 404
    ),
    Route(
        "registry:person_correct_id",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="person",
        data={"version": "1", "id_number": "123", "reason": "矩阵核对"},
        ok=(422,),  # not a valid number: the owner gets the form back, the neighbour a 404
    ),
    Route(
        "registry:person_state",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="person",
        data={"state": "moved_out", "date": "2026-11-01"},
        ok=(302,),
    ),
    Route("registry:household_detail", perm=Perm.VIEW_PERSONAL_DATA, target="household"),
    Route("registry:household_edit", perm=Perm.EDIT_BUSINESS_DATA, target="household"),
    Route(
        "registry:household_edit",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="household",
        data={"relocation_site": "矩阵安置点"},
        ok=(302,),
    ),
    Route("registry:case_list", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:case_export", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:zero_rule", perm=Perm.MANAGE_STATISTICS),
    Route(
        "registry:zero_rule",
        "POST",
        perm=Perm.MANAGE_STATISTICS,
        data={"min_age": "16", "max_age": "60", "employed": ["in_county", "flexible"], "clear_days": "45"},
        ok=(302,),
    ),
    Route("registry:case_detail", perm=Perm.VIEW_PERSONAL_DATA, target="case"),
    Route("imports:job_list", perm=Perm.EDIT_BUSINESS_DATA),
    Route("exports:request_list", perm=Perm.VIEW_PERSONAL_DATA),
    Route(
        "exports:request_create",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        data={"kind": "registry.person", "params": "", "reason": "矩阵核对"},
        ok=(422,),  # a handful of persons in scope: below the approval line, the form says so
    ),
    Route("exports:request_detail", perm=Perm.VIEW_PERSONAL_DATA, target="export"),
    # The user's own request is still pending: back to the request with a message.
    Route("exports:request_download", "POST", perm=Perm.VIEW_PERSONAL_DATA, target="export", ok=(302,)),
    Route("imports:template", perm=Perm.EDIT_BUSINESS_DATA),
    Route("imports:job_detail", perm=Perm.EDIT_BUSINESS_DATA, target="job"),
    Route("imports:job_errors", perm=Perm.EDIT_BUSINESS_DATA, target="job"),
    Route("indicators:home", perm=Perm.VIEW_STATISTICS, ok=(302,)),
    Route("indicators:catalogue", perm=Perm.VIEW_STATISTICS),
    Route("indicators:params", perm=Perm.MANAGE_STATISTICS, query="code=urban_new_employment"),
    Route("indicators:entered", perm=Perm.VIEW_STATISTICS),
    Route("indicators:periods", perm=Perm.VIEW_STATISTICS),
    Route(
        "indicators:period_lock",
        "POST",
        perm=Perm.MANAGE_STATISTICS,
        data={"period": "2025-12", "action": "lock", "reason": "矩阵"},
        ok=(302,),
    ),
    Route("indicators:target_template", perm=Perm.SET_TARGETS),
    Route("indicators:target_upload", "POST", perm=Perm.SET_TARGETS, ok=(302,)),
    Route("indicators:boundary_upload", perm=Perm.MANAGE_STATISTICS),
    Route("indicators:dashboard", perm=Perm.VIEW_STATISTICS, target="region"),
    Route("indicators:dashboard_export", perm=Perm.VIEW_STATISTICS, target="region"),
    Route("indicators:drilldown", perm=Perm.VIEW_PERSONAL_DATA, target="region", query="indicator=labour_force"),
    Route("indicators:targets", perm=Perm.VIEW_STATISTICS, target="region"),
    Route("indicators:target_split", perm=Perm.SET_TARGETS, target="region"),
    Route("reports:annual", perm=Perm.VIEW_STATISTICS),
    Route("reports:annual_docx", perm=Perm.VIEW_STATISTICS, query="year=2019"),
    Route("reports:annual_pdf", perm=Perm.VIEW_STATISTICS, query="year=2019", ok=(200, 503)),
    Route("api-1.0.0:openapi-view"),
    Route("api-1.0.0:openapi-json"),
    # API
    Route("api-1.0.0:me", api=True),
    Route("api-1.0.0:token_list", api=True),
    Route("api-1.0.0:token_create", "POST", api=True, data={"name": "matrix"}, ok=(201,)),
    Route("api-1.0.0:token_revoke", "DELETE", api=True, target="token", ok=(204,)),
    Route("api-1.0.0:user_list", perm=Perm.MANAGE_USERS, api=True),
    Route("api-1.0.0:user_detail", perm=Perm.MANAGE_USERS, api=True, target="user"),
    Route(
        "api-1.0.0:user_create",
        "POST",
        perm=Perm.MANAGE_USERS,
        api=True,
        data={
            "username": "new_clerk",
            "role": "village_clerk",
            "region_code": "610924100001",
            "password": "Xy9!fresh-Clerk",
        },
        ok=(201, 422),  # 422 when 610924100001 is outside the admin's scope: a validation error, not data
    ),
    Route("api-1.0.0:user_update", "PATCH", perm=Perm.MANAGE_USERS, api=True, target="user", data={"full_name": "改"}),
    Route("api-1.0.0:region_list", perm=Perm.VIEW_REGIONS, api=True),
    Route("api-1.0.0:region_detail", perm=Perm.VIEW_REGIONS, api=True, target="region"),
    Route("api-1.0.0:region_children", perm=Perm.VIEW_REGIONS, api=True, target="region"),
    Route(
        "api-1.0.0:zone_create",
        "POST",
        perm=Perm.MANAGE_ZONES,
        api=True,
        target="parent",
        data={"name": "高新区"},
        ok=(201,),
    ),
    Route("api-1.0.0:audit_event_list", perm=Perm.READ_AUDIT, api=True),
    Route("api-1.0.0:person_list", perm=Perm.VIEW_PERSONAL_DATA, api=True),
    Route("api-1.0.0:person_search", "POST", perm=Perm.VIEW_PERSONAL_DATA, api=True, data={"phone": "13800000000"}),
    Route("api-1.0.0:person_detail", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="person"),
    Route(
        "api-1.0.0:person_status",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"status": "flexible", "start": "2026-11-01"},
    ),
    Route("api-1.0.0:status_on", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="person", query="day=2026-01-01"),
    Route(
        "api-1.0.0:person_update",
        "PATCH",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"version": 1, "note": "矩阵"},
        ok=(200, 409),
    ),
    Route(
        "api-1.0.0:person_correct_id",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"version": 1, "id_number": "1", "reason": "矩阵核对"},
        ok=(422,),  # not a valid number: the owner gets the reason, the neighbour a 404
    ),
    Route(
        "api-1.0.0:person_reveal",
        "POST",
        perm=Perm.REVEAL_PERSONAL_DATA,
        api=True,
        target="person",
        data={"field": "id_number", "reason": "矩阵核对"},
    ),
    Route(
        "api-1.0.0:person_move",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"village_code": "000000000000", "household_number": "M1"},
        ok=(422,),  # no such village: the owner gets the reason, the neighbour a 404
    ),
    Route(
        "api-1.0.0:person_state",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"state": "moved_out", "date": "2026-11-01"},
    ),
    Route(
        "api-1.0.0:case_assign",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="case",
        data={"officer_id": None},
    ),
    Route("api-1.0.0:case_list", perm=Perm.VIEW_PERSONAL_DATA, api=True),
    Route("api-1.0.0:rule_get", perm=Perm.VIEW_PERSONAL_DATA, api=True),
    Route(
        "api-1.0.0:rule_update",
        "PUT",
        perm=Perm.MANAGE_STATISTICS,
        api=True,
        data={"min_age": 16, "max_age": 60, "employed": ["in_county"], "clear_days": 30},
    ),
    Route("api-1.0.0:request_list", perm=Perm.VIEW_PERSONAL_DATA, api=True),
    Route(
        "api-1.0.0:request_create",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        data={"kind": "registry.person", "params": "", "reason": "矩阵核对"},
        ok=(422,),  # a handful of persons in scope: below the approval line
    ),
    Route("api-1.0.0:request_detail", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="export"),
    # The user's own request: not his or hers to decide; withdrawn; not approved, so no file.
    Route(
        "api-1.0.0:request_decide",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        target="export",
        data={"approve": True},
        ok=(403,),
    ),
    Route("api-1.0.0:request_withdraw", "POST", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="export"),
    Route("api-1.0.0:request_download", "POST", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="export", ok=(422,)),
    Route("api-1.0.0:indicator_list", perm=Perm.VIEW_STATISTICS, api=True),
    Route(
        "api-1.0.0:measurement_list",
        perm=Perm.VIEW_STATISTICS,
        api=True,
        query="indicator=labour_force",
    ),
    Route("api-1.0.0:household_detail", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="household"),
    Route(
        "api-1.0.0:household_update",
        "PATCH",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="household",
        data={"relocation_site": "矩阵安置点"},
    ),
    Route(
        "api-1.0.0:registration_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="person",
        data={"kind": "unemployment", "date": "2026-11-01", "reason": "other"},
        ok=(201,),
    ),
    Route(
        "api-1.0.0:measure_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="case",
        data={"kind": "training", "date": "2026-11-01"},
        ok=(201,),
    ),
    Route(
        "api-1.0.0:person_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        data={
            "village_code": "610924100001",
            "household_number": "API-1",
            "name": "接口",
            "id_number": "610924199001010011",
            "relation": "head",
            "labor_ability": "ordinary",
            "willing": True,
            "status": "farming",
            "status_since": "2026-01-01",
        },
        ok=(201, 422),  # 422 where 610924100001 lies outside the user's write scope
    ),
]


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_route_is_in_the_matrix() -> None:
    names = _url_names() - {"api-1.0.0:api-root"}
    assert names - PUBLIC == {r.name for r in ROUTES}


def _objects(user: User, *, own: bool, others: dict[str, User]) -> dict[str, Any]:
    """Arguments for a route's target: one in the user's scope, or one in county B."""
    if own:
        region = user.region_id
        owner_user = others["owned"]
        token = others["own_token"]
    else:
        region = TOWN_B
        owner_user = others["neighbour"]
        token = others["foreign_token"]
    side = "own" if own else "neighbour"
    parent = region if own else COUNTY_B
    if own and user.region.level not in ("city", "county"):
        parent = user.region_id[:6] + "000000"  # a zone parent must be a city or county
    return {
        "region": {"code": region},
        "parent": {"code": parent},
        "user": {"pk": owner_user.pk},
        "token": {"pk": token.pk},
        "person": {"pk": others[f"{side}_person"].pk},
        "household": {"pk": others[f"{side}_person"].household_id},
        "case": {"pk": others[f"{side}_case"].pk},
        "job": {"pk": others[f"{side}_job"].pk},
        "export": {"pk": others[f"{side}_export"].pk},
    }


def _request(client: Client, route: Route, kwargs: dict[str, Any], **extra: Any) -> Any:
    url = reverse(route.name, kwargs=kwargs or None) + (f"?{route.query}" if route.query else "")
    if route.api:
        import json

        body = json.dumps(route.data) if route.method in ("POST", "PATCH", "PUT") else None
        return client.generic(route.method, url, body or "", content_type="application/json", **extra)
    response = client.post(url, route.data) if route.method == "POST" else client.get(url)
    if getattr(response, "streaming", False):
        read_download(response)
    return response


@pytest.fixture
def world(personas: dict[str, User]) -> Callable[[User], dict[str, User]]:
    neighbour = make_user("neighbour_b", "county_officer", COUNTY_B)
    writer = personas["city_admin"]
    foreign_person = registry_factories.person(writer, registry_factories.household(writer, village="610902001003"))
    foreign_job = _job("610902001003", writer)
    foreign_export = _export(neighbour)

    def for_user(user: User) -> dict[str, Any]:
        owned = (
            make_user(f"owned_{user.pk}", "village_clerk", user.region_id) if user.region.level == "village" else None
        )
        if owned is None:
            village = (
                __import__("jiuye.regions.models", fromlist=["Region"])
                .Region.objects.filter(code__startswith=read_prefix(user), level="village")
                .order_by("code")
                .first()
            )
            owned = make_user(f"owned_{user.pk}", "village_clerk", village.code)
        own_token, _ = token_create(user=user, name="mine")
        foreign_token, _ = token_create(user=neighbour, name="theirs")
        own_person = registry_factories.person(writer, registry_factories.household(writer, village=owned.region_id))
        return {
            "owned": owned,
            "neighbour": neighbour,
            "own_token": own_token,
            "foreign_token": foreign_token,
            "own_person": own_person,
            "neighbour_person": foreign_person,
            "own_case": ZeroEmploymentCase.objects.get(household_id=own_person.household_id),
            "neighbour_case": ZeroEmploymentCase.objects.get(household_id=foreign_person.household_id),
            "own_job": _job(user.region_id, writer),
            "neighbour_job": foreign_job,
            "own_export": _export(user),
            "neighbour_export": foreign_export,
        }

    return for_user


def _job(village: str, uploader: User) -> ImportJob:
    return ImportJob.objects.create(
        kind="registry",
        original_name="台账.xlsx",
        stored_path="",
        sha256="0" * 64,
        uploaded_by=uploader,
        region_code=village,
        as_of=date(2026, 10, 31),
        status="done",
    )


def _export(requester: User) -> ExportRequest:
    return ExportRequest.objects.create(
        kind="registry.person", rows=6000, reason="矩阵核对", requested_by=requester, region_code=requester.region_id
    )


def _expected_status(route: Route, user: User | None, *, own: bool) -> tuple[int, ...]:
    if user is None:
        return (401,) if route.api else (302,)
    if route.perm is not None and not has_perm(user, route.perm):
        return (403,)
    if route.target and not own:
        if route.target == "token":
            return (404,)
        prefix = (write_prefix(user) if route.perm == Perm.EDIT_BUSINESS_DATA else read_prefix(user)) or ""
        if not COUNTY_B.startswith(prefix):
            return (404,)
        if route.target == "export":
            # Another's request in scope: an approver opens it but cannot download it; anyone
            # else does not see it.
            if not has_perm(user, Perm.APPROVE_EXPORTS):
                return (404,)
            others = {
                "exports:request_download": (403,),
                "api-1.0.0:request_download": (403,),
                "api-1.0.0:request_withdraw": (403,),
                "api-1.0.0:request_decide": (200,),  # the neighbour's request is the approver's to decide
            }
            return others.get(route.name, route.ok)
    return route.ok


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_anonymous_visitor_gets_login_page_or_401(
    route: Route, client: Client, personas: dict[str, User], world: Any
) -> None:
    objects = _objects(personas["county_a"], own=True, others=world(personas["county_a"]))
    response = _request(client, route, objects.get(route.target or "", {}))
    assert response.status_code == _expected_status(route, None, own=True)[0]
    if not route.api:
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("persona", [p.key for p in PERSONAS])
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_owner_neighbour_and_lower_role(route: Route, persona: str, personas: dict[str, User], world: Any) -> None:
    user = personas[persona]
    others = world(user)
    for own in (True, False) if route.target else (True,):
        client = login(Client(), user)
        objects = _objects(user, own=own, others=others)
        response = _request(client, route, objects.get(route.target or "", {}))
        expected = _expected_status(route, user, own=own)
        assert response.status_code in expected, (
            persona,
            route.name,
            "own" if own else "neighbour",
            response.content[:300],
        )
        if response.status_code == 404 and route.api:
            assert response.json()["error"]["code"] == "not_found"


def test_api_token_acts_with_its_owners_scope(personas: dict[str, User], client: Client) -> None:
    _, raw = token_create(user=personas["county_a"], name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/regions/610924000000", **auth).status_code == 200
    assert client.get(f"/api/v1/regions/{COUNTY_B}", **auth).status_code == 404
    codes = {r["code"] for r in client.get("/api/v1/regions?level=town", **auth).json()}
    assert codes and all(c.startswith("610924") for c in codes)
    assert client.get("/api/v1/users", **auth).status_code == 403
    assert ApiToken.objects.get(user=personas["county_a"]).last_used_at is not None
