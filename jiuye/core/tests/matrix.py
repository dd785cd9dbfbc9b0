"""The access matrix: every page and API route, as every persona.

Each app keeps its own route table (``<app>/tests/routes.py``: ``ROUTES``, and ``TARGETS`` for the
objects its routes open) and runs the matrix over it in its ``tests/test_access.py``::

    world, test_anonymous_visitor_gets_login_page_or_401, test_owner_neighbour_and_lower_role = (
        access_tests(ROUTES, TARGETS)
    )

The owner can; the neighbour (an object in county B) gets 404; a lower role gets 403; the
anonymous visitor gets the login page (or 401). ``core/tests/test_routes.py`` walks the URL
configuration and fails on a route that no table names, so a new route cannot go untested.

The personas and the objects they open (the "world") are built once per test module, inside a
transaction that is rolled back at its end; every test runs in a savepoint of its own.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from jiuye.accounts.models import User
from jiuye.accounts.services import token_create
from jiuye.conftest import COUNTY_B, PERSONAS, TOWN_B, login, make_user, read_download
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import read_prefix, write_prefix
from jiuye.regions.models import Region


@dataclass(frozen=True)
class Route:
    """One route as the matrix calls it.

    ``target`` names the object the URL opens (a key of the targets); ``ok`` are the owner's
    answers; ``neighbour`` overrides the answer for an object in county B that the user's scope
    covers (a city user's), given the user. ``query`` is appended to the URL. For the fuzzers:
    ``fuzz_query`` lists the query parameters a page reads, ``fuzz_forms`` that the page shows
    forms to post junk to (as a persona holding ``perm``)."""

    name: str
    method: str = "GET"
    perm: Perm | None = None
    target: str | None = None
    api: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    query: str = ""
    neighbour: Callable[[User], tuple[int, ...]] | None = None
    fuzz_query: tuple[str, ...] = ()
    fuzz_forms: bool = False
    shared: bool = False  # the target is not a region's (a city-wide program): no neighbour's copy


# Builds the URL keyword arguments of a target: (world, user, own) → kwargs.
Target = Callable[["World", User, bool], dict[str, Any]]


class World:
    """The personas, the city admin who writes the test records, a county B officer whose
    records are the neighbour's, and the objects each route opens, made on first use."""

    def __init__(self, targets: dict[str, Target], used: set[str]) -> None:
        self.personas = {p.key: make_user(p.key, p.role, p.region) for p in PERSONAS}
        self.writer = self.personas["city_admin"]
        self.neighbour = make_user("neighbour_b", "county_officer", COUNTY_B)
        self.targets = {**BUILT_IN, **targets}
        self._owned: dict[int, User] = {}
        self.cache: dict[Any, Any] = {}  # objects that several targets share (a person and its household)
        # Every object is made now, in the module's transaction: one made during a test would be
        # rolled back with it.
        self._made = {
            (name, user.pk, own): self.targets[name](self, user, own)
            for name in sorted(used)
            for user in self.personas.values()
            for own in (True, False)
        }

    def kwargs(self, target: str | None, user: User, *, own: bool) -> dict[str, Any]:
        return {} if target is None else self._made[(target, user.pk, own)]

    def owned_village_user(self, user: User) -> User:
        """A village clerk inside ``user``'s scope (the user itself when it is one)."""
        if user.pk not in self._owned:
            if user.region.level == "village":
                village = user.region_id
            else:
                village = (
                    Region.objects.filter(code__startswith=read_prefix(user) or "-", level="village")
                    .order_by("code")
                    .values_list("code", flat=True)
                    .first()
                )
            self._owned[user.pk] = make_user(f"owned_{user.pk}", "village_clerk", village)
        return self._owned[user.pk]

    def region(self, user: User, *, own: bool) -> str:
        """A region code in the user's scope, or one in county B."""
        return user.region_id if own else TOWN_B


def _region(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"code": world.region(user, own=own)}


def _parent(world: World, user: User, own: bool) -> dict[str, Any]:
    if not own:
        return {"code": COUNTY_B}
    if user.region.level in ("city", "county"):
        return {"code": user.region_id}
    return {"code": user.region_id[:6] + "000000"}  # a zone's parent must be a city or county


def _user(world: World, user: User, own: bool) -> dict[str, Any]:
    return {"pk": (world.owned_village_user(user) if own else world.neighbour).pk}


def _token(world: World, user: User, own: bool) -> dict[str, Any]:
    token, _raw = token_create(user=user if own else world.neighbour, name="mine" if own else "theirs")
    return {"pk": token.pk}


BUILT_IN: dict[str, Target] = {"region": _region, "parent": _parent, "user": _user, "token": _token}


def personal(_user: User) -> tuple[int, ...]:
    """For a ``neighbour`` override: the object is its owner's alone (a token), whatever the scope."""
    return (404,)


def persona_for(route: Route) -> str:
    """The first persona that holds the route's permission: a county officer where possible."""
    from jiuye.core.permissions import MATRIX

    for key in ("county_a", "city_admin", "security_admin", "audit_admin", "system_admin"):
        role = next(p.role for p in PERSONAS if p.key == key)
        if route.perm is None or role in MATRIX[route.perm]:
            return key
    raise AssertionError(f"no persona holds {route.perm}")


def expected_status(route: Route, user: User | None, *, own: bool) -> tuple[int, ...]:
    if user is None:
        return (401,) if route.api else (302,)
    if route.perm is not None and not has_perm(user, route.perm):
        return (403,)
    if route.target and not own:
        if route.neighbour is personal:
            return (404,)
        prefix = (write_prefix(user) if route.perm == Perm.EDIT_BUSINESS_DATA else read_prefix(user)) or ""
        if not COUNTY_B.startswith(prefix):
            return (404,)
        if route.neighbour is not None:
            return route.neighbour(user)
    return route.ok


def call(client: Client, route: Route, kwargs: dict[str, Any], **extra: Any) -> Any:
    """The route's request, as a browser or a script sends it."""
    url = reverse(route.name, kwargs=kwargs or None) + (f"?{route.query}" if route.query else "")
    if route.api:
        body = json.dumps(route.data) if route.method in ("POST", "PATCH", "PUT") else ""
        return client.generic(route.method, url, body, content_type="application/json", **extra)
    response = client.post(url, route.data, **extra) if route.method == "POST" else client.get(url, **extra)
    if getattr(response, "streaming", False):
        read_download(response)
    return response


_TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


def module_world(targets: dict[str, Target], routes: list[Route]) -> Callable[..., Iterator[World]]:
    """A module-scoped fixture: the world, inside a transaction rolled back after the module."""

    @pytest.fixture(scope="module")
    def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
        with django_db_blocker.unblock(), override_settings(**_TEST_SETTINGS):
            atomic = transaction.atomic()
            atomic._from_testcase = True  # type: ignore[attr-defined]  # services' retries see it as the test's
            atomic.__enter__()
            try:
                yield World(targets, {r.target for r in routes if r.target})
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return world


def access_tests(routes: list[Route], targets: dict[str, Target]) -> tuple[Any, Any, Any]:
    """The world fixture and the two tests of the matrix, over one app's routes."""
    ids = [f"{r.method} {r.name}" if r.method != "GET" else r.name for r in routes]

    @pytest.mark.django_db
    @pytest.mark.parametrize("route", routes, ids=ids)
    def test_anonymous_visitor_gets_login_page_or_401(route: Route, world: World) -> None:
        kwargs = world.kwargs(route.target, world.personas["county_a"], own=True)
        response = call(Client(), route, kwargs)
        assert response.status_code == expected_status(route, None, own=True)[0]
        if not route.api:
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.json()["error"]["code"] == "unauthenticated"

    @pytest.mark.django_db
    @pytest.mark.parametrize("persona", [p.key for p in PERSONAS])
    @pytest.mark.parametrize("route", routes, ids=ids)
    def test_owner_neighbour_and_lower_role(route: Route, persona: str, world: World) -> None:
        user = world.personas[persona]
        for own in (True, False) if route.target and not route.shared else (True,):
            client = login(Client(), user)
            response = call(client, route, world.kwargs(route.target, user, own=own))
            expected = expected_status(route, user, own=own)
            assert response.status_code in expected, (
                persona,
                route.name,
                "own" if own else "neighbour",
                response.content[:300],
            )
            if response.status_code == 404 and route.api:
                assert response.json()["error"]["code"] == "not_found"

    return (
        module_world(targets, routes),
        test_anonymous_visitor_gets_login_page_or_401,
        test_owner_neighbour_and_lower_role,
    )


def app_tables() -> Iterator[tuple[str, list[Route], dict[str, Target]]]:
    """Every installed app's route table (``<app>.tests.routes``), in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tests.routes"
        if importlib.util.find_spec(f"{config.name}.tests") is None or importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        yield config.label, list(module.ROUTES), dict(getattr(module, "TARGETS", {}))


def all_routes() -> list[Route]:
    return [route for _label, routes, _targets in app_tables() for route in routes]


def all_targets() -> dict[str, Target]:
    merged: dict[str, Target] = {}
    for _label, _routes, targets in app_tables():
        merged.update(targets)
    return merged
