"""Region codes, prefixes and the one door to data."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jiuye.accounts.models import User
from jiuye.core.scoping import code_level, code_prefix, read_prefix, write_prefix
from jiuye.regions.models import Region


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("610900000000", "city", "6109"),
        ("610924000000", "county", "610924"),
        ("610924100000", "town", "610924100"),
        ("610924100001", "village", "610924100001"),
    ],
)
def test_code_levels_and_prefixes(code: str, level: str, prefix: str) -> None:
    assert code_level(code) == level and code_prefix(code) == prefix


@pytest.mark.parametrize(
    "code", ["61092410000", "6109241000011", "61092410000A", "000000000000", "610900000001", "610900100000"]
)
def test_malformed_codes(code: str) -> None:
    assert code_level(code) is None


@pytest.mark.django_db
def test_read_and_write_prefixes(personas: dict[str, User]) -> None:
    assert read_prefix(personas["county_a"]) == "610924"
    assert write_prefix(personas["county_a"]) == "610924"
    assert write_prefix(personas["leader"]) is None  # read-only
    assert write_prefix(personas["system_admin"]) is None
    personas["county_a"].write_region_id = "610924100000"
    assert write_prefix(personas["county_a"]) == "610924100"
    personas["county_a"].write_region_id = "610902000000"  # outside the read scope: no write at all
    assert write_prefix(personas["county_a"]) is None
    personas["county_a"].is_active = False
    assert read_prefix(personas["county_a"]) is None


@pytest.mark.django_db
def test_visible_and_editable_sets_are_subtrees(personas: dict[str, User]) -> None:
    for key in ("city_admin", "county_a", "town_a", "village_a"):
        user = personas[key]
        prefix = read_prefix(user) or ""
        visible = set(Region.objects.visible_to(user).values_list("code", flat=True))
        assert visible == {c for c in Region.objects.values_list("code", flat=True) if c.startswith(prefix)}
        assert set(Region.objects.editable_by(user).values_list("code", flat=True)) <= visible


def _views(resolver: URLResolver | None = None) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found += _views(entry)
        elif isinstance(entry, URLPattern):
            found.append((str(entry.pattern), entry.callback))
    return found


def test_every_view_declares_its_access() -> None:
    """R-7: each view is either marked public or goes through staff_view (scoped selectors)."""
    undeclared = []
    for pattern, view in _views():
        if getattr(view, "__module__", "") == "ninja.operation":
            continue  # API operations declare theirs with api_view (test_routes.test_every_api_operation_declares_its_access)
        if getattr(getattr(view, "func", None), "__name__", "") == "default_home":
            continue  # the API root: always a 404 that names the docs URL
        if not hasattr(view, "jiuye_access"):
            undeclared.append(pattern)
    assert undeclared == []


def test_public_views_are_the_allow_list() -> None:
    public = sorted(p for p, v in _views() if getattr(v, "jiuye_access", None) == "public")
    assert public == sorted(
        ["login/", "login/totp/", "login/totp/setup/", "i18n/setlang/", "favicon.ico", "board/", "board/<int:pk>/"]
    )
