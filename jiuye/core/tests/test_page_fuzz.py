"""The pages that read their query string, fuzzed (the same bar as the API's fuzzer, for the
clerk's side: a stale bookmark, a hand-edited link or a scanner never gets a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.core.tests.fuzzing import LEAKS, fuzz_settings
from jiuye.registry.tests import factories

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

# Page → the query parameters it reads (forms and direct reads alike).
PAGES = {
    "/registry/": ["name", "region", "status", "group", "ability", "willing", "age_band", "state", "page"],
    "/registry/zero-employment/": ["status", "overdue", "relocated", "region", "page"],
    "/registry/persons/new/": ["household"],
    "/stats/610924000000/": ["period", "focus"],
    "/stats/610924000000/drill/": ["indicator", "period", "page"],
    "/stats/610924000000/targets/": ["period", "year"],
    "/stats/610924000000/targets/split/": ["indicator", "year", "code"],
    "/stats/610924000000/export.xlsx": ["period", "focus"],
    "/stats/indicators/": ["q"],
    "/stats/entered/": ["period", "region", "indicator"],
    "/stats/periods/": ["page"],
    "/regions/610924000000/": ["q", "page"],
    "/regions/options/": ["q", "level"],
    "/reports/annual/": ["year", "region"],
    "/imports/": ["page"],
    "/exports/": ["page"],
    "/accounts/tokens/": ["page"],
}


@pytest.mark.parametrize("url", sorted(PAGES))
def test_no_query_string_makes_a_page_fail(url: str, personas: dict[str, User], settings: Any) -> None:
    settings.JIUYE_SEARCH_PER_MINUTE = 0
    writer = personas["city_admin"]
    factories.person(writer, factories.household(writer))
    client = login(Client(), personas["county_a"])
    names = PAGES[url]

    @fuzz_settings()
    @given(st.dictionaries(st.sampled_from(names), JUNK, max_size=len(names)))
    def check(query: dict[str, str]) -> None:
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            assert not LEAKS.search(response.content.decode("utf-8", "replace")), (url, query)

    check()
