"""The employers module's routes in the access matrix, and the objects they open: an employer (a
新社区工厂, so that its monthly report can be filed) and an HR service organisation, in the user's
scope or in county B."""

from __future__ import annotations

from typing import Any

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World
from jiuye.employers.choices import EmployerKind
from jiuye.employers.permissions import VIEW_EMPLOYERS
from jiuye.employers.tests import factories

NEIGHBOUR_VILLAGE = "610902001003"  # 汉滨区老城街道


def _village(world: World, user: User, own: bool) -> str:
    return world.owned_village_user(user).region_id if own else NEIGHBOUR_VILLAGE


def employer(world: World, user: User, own: bool) -> dict[str, Any]:
    key = ("employer", user.pk if own else 0, own)
    made = world.cache.get(key)
    if made is None:
        made = world.cache[key] = factories.employer(
            world.writer, region=_village(world, user, own), kind=EmployerKind.COMMUNITY_FACTORY
        )
    return {"pk": made.pk}


def org(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": factories.org(world.writer, region=_village(world, user, own)).pk}


TARGETS = {"employer": employer, "org": org}

EMPLOYER_FORM = {"credit_code": "123", "name": "矩阵", "kind": "enterprise", "region": ""}

ROUTES = [
    Route("employers:employer_list", perm=VIEW_EMPLOYERS, fuzz_query=("q", "kind", "region", "page")),
    Route("employers:employer_create", perm=Perm.EDIT_BUSINESS_DATA, fuzz_forms=True),
    Route("employers:employer_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data=EMPLOYER_FORM, ok=(422,)),
    Route("employers:employer_detail", perm=VIEW_EMPLOYERS, target="employer", fuzz_forms=True),
    Route("employers:employer_edit", perm=Perm.EDIT_BUSINESS_DATA, target="employer", fuzz_forms=True),
    Route(
        "employers:employer_edit",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="employer",
        data=EMPLOYER_FORM,
        ok=(422,),
    ),
    Route(
        "employers:factory_report",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="employer",
        data={
            "month": "2026-10",
            "jobs": "10",
            "relocated": "4",
            "poverty_alleviated": "3",
            "output_value": "1000",
            "wages_paid": "300",
        },
        ok=(302,),
    ),
    Route("employers:market_list", perm=VIEW_EMPLOYERS, fuzz_query=("year",)),
    Route("employers:org_list", perm=VIEW_EMPLOYERS, fuzz_query=("kind", "page")),
    Route("employers:org_create", perm=Perm.EDIT_BUSINESS_DATA, fuzz_forms=True),
    Route("employers:org_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"kind": "", "name": ""}, ok=(422,)),
    Route("employers:org_detail", perm=VIEW_EMPLOYERS, target="org", fuzz_forms=True),
    Route("employers:org_edit", perm=Perm.EDIT_BUSINESS_DATA, target="org", fuzz_forms=True),
    Route("employers:org_edit", "POST", perm=Perm.EDIT_BUSINESS_DATA, target="org", data={"kind": ""}, ok=(422,)),
    Route(
        "employers:org_record",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="org",
        data={"month": "2026-10", "kind": "placement", "persons": "12"},
        ok=(302,),
    ),
    Route("api-1.0.0:employer_list", perm=VIEW_EMPLOYERS, api=True),
    Route("api-1.0.0:employer_detail", perm=VIEW_EMPLOYERS, api=True, target="employer"),
    Route(
        "api-1.0.0:employer_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        data={"credit_code": "91610900MA0000000X", "name": "矩阵", "kind": "enterprise", "region": "000000000000"},
        ok=(422,),
    ),
    Route(
        "api-1.0.0:employer_update",
        "PUT",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="employer",
        data={"credit_code": "1", "name": "矩阵", "kind": "enterprise", "region": "000000000000"},
        ok=(422,),
    ),
]
