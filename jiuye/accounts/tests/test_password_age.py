"""Security bar A-2 (passwords changed periodically) and A-8 (dormant accounts disabled)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import PASSWORD, login, make_user
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import Role

pytestmark = pytest.mark.django_db

OPEN = {"/accounts/password/", "/accounts/logout/", "/i18n/setlang/"}


def _paths(resolver: URLResolver | None = None, prefix: str = "/") -> list[str]:
    """Every route of the site as a concrete path (any pk or code will do: the check comes first)."""
    paths: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        route = re.sub(r"<int:\w+>|\{\w+\}", "1", route)
        route = re.sub(r"<(str:)?\w+>", "610924000000", route)
        if isinstance(entry, URLResolver):
            paths += _paths(entry, route)
        elif isinstance(entry, URLPattern):
            paths.append(route)
    return sorted(set(paths))


def _aged(user: User, days: int) -> User:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))
    user.refresh_from_db()
    return user


def test_an_expired_password_leaves_nothing_but_changing_it(personas: dict[str, User]) -> None:
    officer = _aged(personas["county_a"], 91)
    client = login(Client(), officer)
    paths = [p for p in _paths() if p not in OPEN and not p.startswith(("/static/", "/accounts/login"))]
    assert len(paths) > 60
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert "密码已过期" in response.json()["error"]["message"], path
        else:
            assert (response.status_code, response["Location"]) == (302, "/accounts/password/"), path
    htmx = client.get("/registry/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "超过 90 天未修改" in page.content.decode()
    changed = client.post(
        "/accounts/password/", {"current": PASSWORD, "new": "Qz7!nmR2-wasp", "repeat": "Qz7!nmR2-wasp"}
    )
    assert changed.status_code == 302 and client.get("/registry/").status_code == 200


def test_a_password_younger_than_the_limit_and_a_limit_of_zero(personas: dict[str, User], settings: Any) -> None:
    client = login(Client(), _aged(personas["county_a"], 89))
    assert client.get("/registry/").status_code == 200
    officer = _aged(personas["county_a"], 400)
    settings.JIUYE_PASSWORD_MAX_AGE_DAYS = 0
    assert login(Client(), officer).get("/registry/").status_code == 200
    settings.JIUYE_PASSWORD_MAX_AGE_DAYS = 30
    assert login(Client(), _aged(officer, 31)).get("/registry/").status_code == 302
    # An account whose password age is unknown changes it first.
    User.objects.filter(pk=officer.pk).update(password_changed_at=None)
    officer.refresh_from_db()
    assert login(Client(), officer).get("/registry/")["Location"] == "/accounts/password/"


def test_dormant_accounts_are_disabled_and_audited(db: Any) -> None:
    now = timezone.now()
    region = "610924000000"
    recent = make_user("recent", Role.COUNTY_OFFICER, region, last_login=now - timedelta(days=89))
    idle = make_user("idle", Role.COUNTY_OFFICER, region, last_login=now - timedelta(days=91))
    never_old = make_user("never_old", Role.COUNTY_OFFICER, region, date_joined=now - timedelta(days=91))
    never_new = make_user("never_new", Role.COUNTY_OFFICER, region, date_joined=now - timedelta(days=3))
    off = make_user("off", Role.COUNTY_OFFICER, region, is_active=False, last_login=now - timedelta(days=400))
    out = StringIO()
    call_command("disable_dormant_users", stdout=out)
    assert out.getvalue().split() == ["idle", "never_old"]
    active = dict(User.objects.values_list("username", "is_active"))
    assert [active[u.username] for u in (recent, idle, never_old, never_new, off)] == [True, False, False, True, False]
    events = AuditEvent.objects.filter(action="user.disable_dormant").order_by("object_id")
    assert sorted(e.object_id for e in events) == sorted([str(idle.pk), str(never_old.pk)])
    assert all(e.after["is_active"] is False and e.after["days"] == 90 for e in events)
    # Run again: nothing more to do.
    again = StringIO()
    call_command("disable_dormant_users", "--days", "90", stdout=again)
    assert again.getvalue().split() == [] and AuditEvent.objects.filter(action="user.disable_dormant").count() == 2
    # A disabled user's session stops at once.
    client = login(Client(), User.objects.get(username="recent"))  # (this sets last_login to now)
    User.objects.filter(username="recent").update(last_login=now - timedelta(days=40))
    call_command("disable_dormant_users", "--days", "30", stdout=StringIO())
    assert client.get("/registry/").status_code == 302
