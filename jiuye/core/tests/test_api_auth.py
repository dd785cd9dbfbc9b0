"""How clients authenticate to the API, with CSRF enforced as in production.

Django's test client skips CSRF unless told otherwise, which once hid that every write with a
bearer token was refused ("CSRF check Failed"): the session authenticator checked CSRF before
the token was tried. These tests use ``Client(enforce_csrf_checks=True)`` on every unsafe API
operation of the access matrix: a bearer token writes without CSRF; a session writes only with
the CSRF token; a session without it is refused and nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiuye.accounts.models import User
from jiuye.accounts.services import token_create
from jiuye.conftest import PERSONAS, login
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import MATRIX, has_perm
from jiuye.core.tests.test_access_matrix import ROUTES, Route, _objects
from jiuye.core.tests.test_access_matrix import world as world

pytestmark = pytest.mark.django_db

UNSAFE_API = [r for r in ROUTES if r.api and r.method in ("POST", "PUT", "PATCH", "DELETE")]


def _persona_for(route: Route) -> str:
    """The first persona that holds the route's permission (a business officer where possible)."""
    for key in ("county_a", "city_admin", "security_admin", "audit_admin", "system_admin"):
        role = next(p.role for p in PERSONAS if p.key == key)
        if route.perm is None or role in MATRIX[route.perm]:
            return key
    raise AssertionError(f"no persona holds {route.perm}")


def _call(client: Client, route: Route, kwargs: dict[str, Any], **extra: Any) -> Any:
    url = reverse(route.name, kwargs=kwargs or None) + (f"?{route.query}" if route.query else "")
    body = json.dumps(route.data) if route.method != "DELETE" else ""
    return client.generic(route.method, url, body, content_type="application/json", **extra)


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_bearer_token_writes_without_csrf(route: Route, personas: dict[str, User], world: Any) -> None:
    user = personas[_persona_for(route)]
    assert route.perm is None or has_perm(user, route.perm)
    objects = _objects(user, own=True, others=world(user))
    _, raw = token_create(user=user, name="script")
    client = Client(enforce_csrf_checks=True)
    response = _call(client, route, objects.get(route.target or "", {}), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code in route.ok, (route.name, response.content[:300])


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_session_write_without_the_csrf_token_is_refused(route: Route, personas: dict[str, User], world: Any) -> None:
    user = personas[_persona_for(route)]
    objects = _objects(user, own=True, others=world(user))
    client = login(Client(enforce_csrf_checks=True), user)
    events = AuditEvent.objects.count()
    response = _call(client, route, objects.get(route.target or "", {}))
    assert response.status_code == 403, (route.name, response.content[:300])
    assert response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.count() == events  # nothing happened


@pytest.mark.parametrize("route", UNSAFE_API, ids=[r.name for r in UNSAFE_API])
def test_a_session_write_with_the_csrf_token_goes_through(route: Route, personas: dict[str, User], world: Any) -> None:
    user = personas[_persona_for(route)]
    objects = _objects(user, own=True, others=world(user))
    client = login(Client(enforce_csrf_checks=True), user)
    client.get(reverse("home"))  # the page sets the CSRF cookie, as a browser's first visit does
    token = client.cookies["csrftoken"].value
    response = _call(client, route, objects.get(route.target or "", {}), HTTP_X_CSRFTOKEN=token)
    assert response.status_code in route.ok, (route.name, response.content[:300])


def test_a_wrong_token_is_401_even_beside_a_session(personas: dict[str, User]) -> None:
    """A request that names a token is judged by the token alone, never by the session beside it."""
    client = login(Client(enforce_csrf_checks=True), personas["county_a"])
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"name": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer jy_nope",
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
