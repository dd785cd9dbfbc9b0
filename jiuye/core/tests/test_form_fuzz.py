"""Every form of the pages, fuzzed: the test opens each page whose route is marked
``fuzz_forms`` in its app's route table (as a persona allowed to), collects each
``<form method="post">`` with its field names, and posts junk to it — wrong types, odd dates, huge numbers, other scripts' digits, very long text. A form may
refuse (400, 403, 404, 409, 422) or accept (200, 302), never answer 500."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from jiuye.conftest import login
from jiuye.core.tests.fuzzing import fuzz_settings
from jiuye.core.tests.matrix import Route, World, all_routes, all_targets, module_world, persona_for

pytestmark = pytest.mark.django_db

SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")

JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1",
            "abc",
            "2026-02-30",
            "2026-11-01",
            "9999-12-31",
            "1900-01-01",
            "610924100001",
            "610924",
            "99999999999999999999",
            "²",
            "٣",
            "１２",
            "x" * 3000,
            "=1+1",
            "<b>",
            "on",
            "true",
            "unemployed",
            "head",
            "ordinary",
            "open",
            "approve",
            "reject",
            "withdraw",
            "lock",
            "id_number",
            "farming",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=20),
)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = (a.get("action") or "", set())
        elif (
            tag in ("input", "select", "textarea", "button")
            and self._current is not None
            and a.get("name") not in (None, "", "csrfmiddlewaretoken")
        ):
            self._current[1].add(str(a["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def _forms(client: Client, page: str) -> list[tuple[str, list[str]]]:
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms()
    parser.feed(response.content.decode())
    return [(action or page, sorted(names)) for action, names in parser.forms if action not in SKIP_ACTIONS]


def _fuzz(client: Client, action: str, names: list[str]) -> None:
    @fuzz_settings()
    @given(st.dictionaries(st.sampled_from(names), st.one_of(JUNK, st.lists(JUNK, max_size=3)), max_size=len(names)))
    def check(data: dict[str, Any]) -> None:
        response = client.post(action, data)
        assert response.status_code < 500, (action, data)

    check()


# The pages that show forms (``fuzz_forms`` in the route tables), and the forms posted from
# elsewhere (a page's POST route with its fields, e.g. a lock posted from a list's rows).
FORM_PAGES = [r for r in all_routes() if r.fuzz_forms and r.method == "GET" and not r.api]
POSTS = [r for r in all_routes() if r.method == "POST" and not r.api and r.data]
world = module_world(all_targets(), FORM_PAGES + POSTS)


def _client(route: Route, world: World, settings: Any) -> tuple[Client, dict[str, Any]]:
    settings.JIUYE_SEARCH_PER_MINUTE = 0
    settings.JIUYE_EXPORTS_PER_DAY = 0
    user = world.personas[persona_for(route)]
    return login(Client(), user), world.kwargs(route.target, user, own=True)


@pytest.mark.parametrize("route", FORM_PAGES, ids=[r.name for r in FORM_PAGES])
def test_no_form_input_makes_a_page_fail(route: Route, world: World, settings: Any) -> None:
    client, kwargs = _client(route, world, settings)
    page = reverse(route.name, kwargs=kwargs or None) + (f"?{route.query}" if route.query else "")
    found = _forms(client, page)
    assert any(names for _action, names in found), (page, found)  # the table says it has forms
    for action, names in found:
        if names:
            _fuzz(client, action, names)


@pytest.mark.parametrize("route", POSTS, ids=[r.name for r in POSTS])
def test_no_posted_field_makes_a_form_fail(route: Route, world: World, settings: Any) -> None:
    client, kwargs = _client(route, world, settings)
    _fuzz(client, reverse(route.name, kwargs=kwargs or None), sorted(route.data))
