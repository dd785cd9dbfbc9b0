"""How clients authenticate to the API, with CSRF enforced as in production.

Django's test client skips CSRF unless told otherwise, which once hid that every write with a
bearer token was refused ("CSRF check Failed"): the session authenticator checked CSRF before
the token was tried. These tests use ``Client(enforce_csrf_checks=True)`` on every unsafe API
operation of every app's route table: a bearer token writes without CSRF; a session writes only
with the CSRF token; a session without it is refused and nothing is written.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from jiuye.accounts.services import token_create
from jiuye.conftest import login
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import has_perm
from jiuye.core.tests.matrix import Route, World, all_routes, all_targets, call, module_world, persona_for

pytestmark = pytest.mark.django_db

UNSAFE_API = [r for r in all_routes() if r.api and r.method in ("POST", "PUT", "PATCH", "DELETE")]
world = module_world(all_targets(), UNSAFE_API)


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_bearer_token_writes_without_csrf(route: Route, world: World) -> None:
    user = world.personas[persona_for(route)]
    assert route.perm is None or has_perm(user, route.perm)
    _, raw = token_create(user=user, name="script")
    client = Client(enforce_csrf_checks=True)
    response = call(client, route, world.kwargs(route.target, user, own=True), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code in route.ok, (route.name, response.content[:300])


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_session_write_without_the_csrf_token_is_refused(route: Route, world: World) -> None:
    user = world.personas[persona_for(route)]
    client = login(Client(enforce_csrf_checks=True), user)
    events = AuditEvent.objects.count()
    response = call(client, route, world.kwargs(route.target, user, own=True))
    assert response.status_code == 403, (route.name, response.content[:300])
    assert response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.count() == events  # nothing happened


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_session_write_with_the_csrf_token_goes_through(route: Route, world: World) -> None:
    user = world.personas[persona_for(route)]
    client = login(Client(enforce_csrf_checks=True), user)
    client.get(reverse("home"))  # the page sets the CSRF cookie, as a browser's first visit does
    token = client.cookies["csrftoken"].value
    response = call(client, route, world.kwargs(route.target, user, own=True), HTTP_X_CSRFTOKEN=token)
    assert response.status_code in route.ok, (route.name, response.content[:300])


def test_a_wrong_token_is_401_even_beside_a_session(world: World) -> None:
    """A request that names a token is judged by the token alone, never by the session beside it."""
    client = login(Client(enforce_csrf_checks=True), world.personas["county_a"])
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"name": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer jy_nope",
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
