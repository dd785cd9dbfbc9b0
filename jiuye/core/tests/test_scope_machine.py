"""Region scoping as a state machine (security bar R-9, and R-5: re-scoping takes effect at once).

Random steps — persons registered in villages of two counties, persons moved between villages,
users of every business level moved to another region of their level — and after every step,
for every user: the persons the user sees (queryset, page and API) are exactly those whose
current village lies under the user's current region. Nothing is cached between steps.

CI runs a short walk; ``JIUYE_SCOPE_STEPS`` (and ``JIUYE_SCOPE_EXAMPLES``) lengthen it for a
nightly run."""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from jiuye.accounts.models import User
from jiuye.accounts.services import user_update
from jiuye.conftest import login, make_user
from jiuye.core.scoping import code_prefix
from jiuye.regions.models import Region
from jiuye.registry import services
from jiuye.registry.models import Person
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db

COUNTIES = ("610924000000", "610902000000")  # 紫阳县, 汉滨区
LEVEL_ROLE = {"county": "county_officer", "town": "town_officer", "village": "village_clerk"}
_names = itertools.count()


def _pool() -> dict[str, list[str]]:
    """Two towns of each county and three villages of each town."""
    pool: dict[str, list[str]] = {"county": list(COUNTIES), "town": [], "village": []}
    for county in COUNTIES:
        towns = list(
            Region.objects.filter(parent_id=county, level="town").order_by("code").values_list("code", flat=True)[:2]
        )
        pool["town"] += towns
        for town in towns:
            pool["village"] += list(
                Region.objects.filter(parent_id=town, level="village")
                .order_by("code")
                .values_list("code", flat=True)[:3]
            )
    return pool


class ScopeMachine(RuleBasedStateMachine):
    persons = Bundle("persons")
    users = Bundle("users")

    def __init__(self) -> None:
        super().__init__()
        self.pool = _pool()
        self.writer = make_user(f"sm_writer_{next(_names)}", "city_admin", "610900000000")
        self.security = make_user(f"sm_security_{next(_names)}", "security_admin", "610900000000")
        self.where: dict[int, str] = {}  # person → village, as the model believes
        self.scope: dict[int, str] = {}  # user → region, as the model believes
        self.user_objs: dict[int, User] = {}

    @initialize(target=users, level=st.sampled_from(sorted(LEVEL_ROLE)), data=st.data())
    def first_user(self, level: str, data: st.DataObject) -> int:
        return self._new_user(level, data.draw(st.sampled_from(self.pool[level])))

    @rule(target=users, level=st.sampled_from(sorted(LEVEL_ROLE)), data=st.data())
    def add_user(self, level: str, data: st.DataObject) -> int:
        return self._new_user(level, data.draw(st.sampled_from(self.pool[level])))

    def _new_user(self, level: str, region: str) -> int:
        user = make_user(f"sm_user_{next(_names)}", LEVEL_ROLE[level], region)
        self.scope[user.pk] = region
        self.user_objs[user.pk] = user
        return user.pk

    @rule(target=persons, data=st.data())
    def register(self, data: st.DataObject) -> int:
        village = data.draw(st.sampled_from(self.pool["village"]))
        person = factories.person(self.writer, factories.household(self.writer, village=village))
        self.where[person.pk] = village
        return person.pk

    @rule(person=persons, data=st.data())
    def move(self, person: int, data: st.DataObject) -> None:
        village = data.draw(st.sampled_from(self.pool["village"]))
        services.person_move_to(
            actor=self.writer,
            person=Person.objects.get(pk=person),
            region=Region.objects.get(code=village),
            household_number=f"SM{next(_names)}",
        )
        self.where[person] = village

    @rule(user=users, data=st.data())
    def rescope(self, user: int, data: st.DataObject) -> None:
        obj = User.objects.get(pk=user)
        region = data.draw(st.sampled_from(self.pool[Region.objects.get(code=obj.region_id).level]))
        user_update(
            actor=self.security,
            user=obj,
            role=obj.role,
            region=Region.objects.get(code=region),
            full_name=obj.full_name,
            is_active=True,
        )
        self.scope[user] = region

    def _expected(self, user: int) -> set[int]:
        prefix = code_prefix(self.scope[user])
        return {pk for pk, village in self.where.items() if village.startswith(prefix)}

    @invariant()
    def querysets_match_the_model(self) -> None:
        for user_pk in self.scope:
            user = User.objects.get(pk=user_pk)  # read again: no stale scope
            seen = set(Person.objects.visible_to(user).filter(pk__in=list(self.where)).values_list("pk", flat=True))
            assert seen == self._expected(user_pk), (user.role, user.region_id)

    @rule(user=users, person=persons)
    def open_page_and_api(self, user: int, person: int) -> None:
        client = login(Client(), User.objects.get(pk=user))
        expected = 200 if person in self._expected(user) else 404
        assert client.get(f"/registry/persons/{person}/").status_code == expected
        assert client.get(f"/api/v1/registry/persons/{person}").status_code == expected


def test_scope_follows_every_move_and_reassignment() -> None:
    run_state_machine_as_test(
        ScopeMachine,
        settings=settings(
            max_examples=int(os.environ.get("JIUYE_SCOPE_EXAMPLES", "8")),
            stateful_step_count=int(os.environ.get("JIUYE_SCOPE_STEPS", "15")),
            deadline=None,
            derandomize=os.environ.get("JIUYE_FUZZ_RANDOM", "") != "1",  # repeatable unless asked
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_the_machine_notices_a_stale_scope(monkeypatch: Any) -> None:
    """The invariant is not vacuous: a scope that ignores the user's current region fails it."""
    from jiuye.core import scoping

    machine = ScopeMachine()
    user = machine._new_user("county", COUNTIES[0])
    person = factories.person(machine.writer, factories.household(machine.writer, village=machine.pool["village"][-1]))
    machine.where[person.pk] = machine.pool["village"][-1]  # in the other county
    monkeypatch.setattr(scoping, "read_prefix", lambda u: "6109")  # everyone sees the city
    with pytest.raises(AssertionError):
        machine.querysets_match_the_model()
    assert user in machine.scope
