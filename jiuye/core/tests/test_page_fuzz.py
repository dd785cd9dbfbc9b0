"""The pages that read their query string (``fuzz_query`` in the route tables), fuzzed (the same bar as the API's fuzzer, for the
clerk's side: a stale bookmark, a hand-edited link or a scanner never gets a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from jiuye.conftest import login, read_download
from jiuye.core.tests.fuzzing import LEAKS, fuzz_settings
from jiuye.core.tests.matrix import Route, World, all_routes, all_targets, module_world, persona_for

pytestmark = pytest.mark.django_db


JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "abc",
            "2026-13",
            "2026-02",
            "9999-12",
            "0000-00",
            "610924",
            "610924000000",
            "x" * 3000,
            "１２",
            "²",
            "٢٠٢٦",
            "%",
            "'",
            "true",
            "all",
            "open",
            "closed",
            "labour_force",
            "on",
            "2019",
            "99999999999999999999",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=30),
)

# Every page that reads its query string, from the apps' route tables (``fuzz_query``).
PAGES = [r for r in all_routes() if r.fuzz_query and not r.api]
world = module_world(all_targets(), PAGES)


@pytest.mark.parametrize("route", PAGES, ids=[r.name for r in PAGES])
def test_no_query_string_makes_a_page_fail(route: Route, world: World, settings: Any) -> None:
    settings.JIUYE_SEARCH_PER_MINUTE = 0
    settings.JIUYE_EXPORTS_PER_DAY = 0
    user = world.personas[persona_for(route)]
    client = login(Client(), user)
    url = reverse(route.name, kwargs=world.kwargs(route.target, user, own=True) or None)
    names = list(route.fuzz_query)

    @fuzz_settings()
    @given(st.dictionaries(st.sampled_from(names), JUNK, max_size=len(names)))
    def check(query: dict[str, str]) -> None:
        response = client.get(url, query)
        if getattr(response, "streaming", False):
            read_download(response)
        assert response.status_code < 500, (url, query)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            assert not LEAKS.search(response.content.decode("utf-8", "replace")), (url, query)

    check()
