"""The jobs module's routes in the access matrix, and the objects they open: a posting (of an
employer), a recruitment event, a referral and a 见习 of a registry person, in the user's scope or
in county B. The public board's two pages are open to anyone (``core/tests/test_routes.PUBLIC``)
and tested in ``test_board``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World
from jiuye.employers.tests import factories as employer_factories
from jiuye.jobs import services
from jiuye.jobs.permissions import VIEW_JOBS
from jiuye.jobs.tests import factories
from jiuye.registry.choices import KeyGroup
from jiuye.registry.tests import factories as registry_factories

NEIGHBOUR_VILLAGE = "610902001003"  # 汉滨区老城街道
TODAY = date.today().isoformat()


def _village(world: World, user: User, own: bool) -> str:
    return world.owned_village_user(user).region_id if own else NEIGHBOUR_VILLAGE


def _employer(world: World, user: User, own: bool) -> Any:
    key = ("jobs.employer", user.pk if own else 0, own)
    if key not in world.cache:
        world.cache[key] = employer_factories.employer(
            world.writer, region=_village(world, user, own), internship_base=True
        )
    return world.cache[key]


def _posting(world: World, user: User, own: bool) -> Any:
    key = ("jobs.posting", user.pk if own else 0, own)
    if key not in world.cache:
        world.cache[key] = factories.posting(world.writer, _employer(world, user, own))
    return world.cache[key]


def _person(world: World, user: User, own: bool) -> Any:
    key = ("jobs.person", user.pk if own else 0, own)
    if key not in world.cache:
        home = registry_factories.household(world.writer, village=_village(world, user, own))
        made = registry_factories.person(world.writer, home, groups=[KeyGroup.GRADUATE])
        world.cache[key] = made
    return world.cache[key]


def posting(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _posting(world, user, own).pk}


def person(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"person_pk": _person(world, user, own).pk}


def api_person(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": _person(world, user, own).pk}


def event(world: World, user: User, own: bool) -> dict[str, Any]:
    today = timezone.localdate()
    made = services.event_save(
        actor=world.writer,
        data=services.EventInput(
            name="春风行动",
            kind="spring_breeze",
            start=today,
            end=today + timedelta(days=1),
            region=_village(world, user, own),
        ),
    )
    return {"pk": made.pk}


def referral(world: World, user: User, own: bool) -> dict[str, Any]:
    made = services.referral_create(
        actor=world.writer, person=_person(world, user, own), posting=_posting(world, user, own)
    )
    return {"pk": made.pk}


def internship(world: World, user: User, own: bool) -> dict[str, Any]:
    employer = _employer(world, user, own)
    post = services.internship_post_save(
        actor=world.writer, employer=employer, title="见习文员", slots=3, stipend=150000, months=6
    )
    home = registry_factories.household(world.writer, village=_village(world, user, own))
    intern = registry_factories.person(world.writer, home, groups=[KeyGroup.GRADUATE])
    made = services.internship_start(actor=world.writer, person=intern, post=post, start=timezone.localdate())
    return {"pk": made.pk}


TARGETS = {
    "posting": posting,
    "seeker": person,
    "person_api": api_person,
    "event": event,
    "referral": referral,
    "internship": internship,
}

ROUTES = [
    Route("jobs:posting_list", perm=VIEW_JOBS, fuzz_query=("q", "occupation", "region", "open_only", "page")),
    Route("jobs:posting_create", perm=Perm.EDIT_BUSINESS_DATA, fuzz_query=("employer",), fuzz_forms=True),
    Route("jobs:posting_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"title": "矩阵"}, ok=(422,)),
    Route("jobs:posting_detail", perm=VIEW_JOBS, target="posting", fuzz_forms=True),
    Route("jobs:posting_edit", perm=Perm.EDIT_BUSINESS_DATA, target="posting", fuzz_forms=True),
    Route("jobs:posting_edit", "POST", perm=Perm.EDIT_BUSINESS_DATA, target="posting", data={"title": ""}, ok=(422,)),
    Route("jobs:seeker_edit", perm=Perm.EDIT_BUSINESS_DATA, target="seeker", fuzz_forms=True),
    Route(
        "jobs:seeker_edit",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="seeker",
        data={"occupations": ["6-05"], "work_time": "any", "wage_floor": "3000", "active": "on"},
        ok=(302,),
    ),
    Route("jobs:referral_list", perm=Perm.VIEW_PERSONAL_DATA, fuzz_query=("stage", "page")),
    # The person and the posting are named in the form: an unknown pair is a 404 to everyone.
    Route(
        "jobs:referral_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"person": "0", "posting": "0"}, ok=(404,)
    ),
    Route(
        "jobs:referral_stage",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="referral",
        data={"stage": "interview", "date": TODAY},
        ok=(302,),
    ),
    Route("jobs:event_list", perm=VIEW_JOBS, fuzz_query=("page",)),
    Route("jobs:event_create", perm=Perm.EDIT_BUSINESS_DATA, fuzz_forms=True),
    Route("jobs:event_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"name": ""}, ok=(422,)),
    Route("jobs:event_detail", perm=VIEW_JOBS, target="event", fuzz_query=("lists",)),
    Route("jobs:event_edit", perm=Perm.EDIT_BUSINESS_DATA, target="event", fuzz_forms=True),
    Route("jobs:event_edit", "POST", perm=Perm.EDIT_BUSINESS_DATA, target="event", data={"name": ""}, ok=(422,)),
    Route(
        "jobs:event_add_posting", "POST", perm=Perm.EDIT_BUSINESS_DATA, target="event", data={"posting": "0"}, ok=(302,)
    ),
    Route("jobs:event_refer", "POST", perm=Perm.EDIT_BUSINESS_DATA, target="event", ok=(302,)),
    Route("jobs:internship_list", perm=Perm.VIEW_PERSONAL_DATA, fuzz_forms=True),
    Route("jobs:internship_post_create", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"title": ""}, ok=(422,)),
    Route("jobs:internship_start", "POST", perm=Perm.EDIT_BUSINESS_DATA, data={"id_number": "x"}, ok=(422,)),
    Route(
        "jobs:internship_end",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        target="internship",
        data={"ended_on": TODAY},
        ok=(302,),
    ),
    Route("api-1.0.0:posting_list", perm=VIEW_JOBS, api=True),
    Route("api-1.0.0:posting_detail", perm=VIEW_JOBS, api=True, target="posting"),
    Route(
        "api-1.0.0:posting_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        data={
            "employer": 0,
            "title": "矩阵",
            "occupation": "9-99",
            "headcount": 1,
            "wage_min": 2,
            "wage_max": 1,
            "valid_from": "2026-12-01",
            "valid_until": "2026-11-01",
        },
        ok=(422,),
    ),
    Route("api-1.0.0:posting_candidates", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="posting"),
    Route("api-1.0.0:person_recommendations", perm=Perm.VIEW_PERSONAL_DATA, api=True, target="person_api"),
    Route(
        "api-1.0.0:referral_create",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        data={"person": 0, "posting": 0},
        ok=(404,),
    ),
    Route(
        "api-1.0.0:referral_stage",
        "POST",
        perm=Perm.EDIT_BUSINESS_DATA,
        api=True,
        target="referral",
        data={"stage": "interview", "date": TODAY},
    ),
]
