"""The registry's routes in the access matrix, and the objects they open: a person (with its
household and zero-employment case) in the user's scope, or one in county B."""

from __future__ import annotations

from typing import Any

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World
from jiuye.registry.models import Person, ZeroEmploymentCase
from jiuye.registry.tests import factories

NEIGHBOUR_VILLAGE = "610902001003"  # 汉滨区老城街道


def _person(world: World, user: User, own: bool) -> Person:
    village = world.owned_village_user(user).region_id if own else NEIGHBOUR_VILLAGE
    key = ("person", user.pk if own else 0, own)
    made = world.cache.get(key)
    if made is None:
        made = world.cache[key] = factories.person(world.writer, factories.household(world.writer, village=village))
    return made


def person(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _person(world, user, own).pk}


def household(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _person(world, user, own).household_id}


def case(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": ZeroEmploymentCase.objects.get(household_id=_person(world, user, own).household_id).pk}


TARGETS = {"person": person, "household": household, "case": case}

ROUTES = [
    Route(
        "registry:person_list",
        perm=Perm.VIEW_PERSONAL_DATA,
        fuzz_query=("name", "region", "status", "group", "ability", "willing", "age_band", "state", "page"),
    ),
    Route("registry:person_export", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:person_create", perm=Perm.EDIT_BUSINESS_DATA, fuzz_query=("household",), fuzz_forms=True),
    Route("registry:person_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"name": "矩阵"}, ok=(422,)),
    Route("registry:person_detail", perm=Perm.VIEW_PERSONAL_DATA, target="person", fuzz_forms=True),
    Route("registry:person_edit", perm=Perm.EDIT_BUSINESS_DATA, target="person", fuzz_forms=True),
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
    Route("registry:household_edit", perm=Perm.EDIT_BUSINESS_DATA, target="household", fuzz_forms=True),
    Route(
        "registry:household_edit",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="household",
        data={"relocation_site": "矩阵安置点"},
        ok=(302,),
    ),
    Route(
        "registry:case_list",
        perm=Perm.VIEW_PERSONAL_DATA,
        fuzz_query=("status", "overdue", "relocated", "region", "page"),
    ),
    Route("registry:case_export", perm=Perm.VIEW_PERSONAL_DATA),
    Route("registry:zero_rule", perm=Perm.MANAGE_STATISTICS, fuzz_forms=True),
    Route(
        "registry:zero_rule",
        "POST",
        perm=Perm.MANAGE_STATISTICS,
        data={"min_age": "16", "max_age": "60", "employed": ["in_county", "flexible"], "clear_days": "45"},
        ok=(302,),
    ),
    Route("registry:case_detail", perm=Perm.VIEW_PERSONAL_DATA, target="case", fuzz_forms=True),
    # Naming an officer (here: clearing it) is a write: a read-only role gets 403.
    Route(
        "registry:case_detail",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="case",
        data={"officer": ""},
        ok=(302,),
    ),
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
