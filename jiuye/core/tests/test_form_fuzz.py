"""Every form of the pages, fuzzed: the test opens the pages a clerk, a city admin and a
security admin use, collects each ``<form method="post">`` with its field names, and posts junk
to it — wrong types, odd dates, huge numbers, other scripts' digits, very long text. A form may
refuse (400, 403, 404, 409, 422) or accept (200, 302), never answer 500."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.core.tests.fuzzing import fuzz_settings
from jiuye.registry.models import ZeroEmploymentCase
from jiuye.registry.tests import factories

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


@pytest.mark.parametrize("persona", ["county_a", "city_admin", "security_admin"])
def test_no_form_input_makes_a_page_fail(persona: str, personas: dict[str, User], settings: Any) -> None:
    settings.JIUYE_SEARCH_PER_MINUTE = 0
    settings.JIUYE_EXPORTS_PER_DAY = 0
    user = personas[persona]
    writer = personas["city_admin"]
    person = factories.person(writer, factories.household(writer))
    case = ZeroEmploymentCase.objects.get(household_id=person.household_id)
    client = login(Client(), user)
    pages = {
        "county_a": [
            f"/registry/persons/{person.pk}/",
            f"/registry/persons/{person.pk}/edit/",
            f"/registry/households/{person.household_id}/",
            f"/registry/households/{person.household_id}/edit/",
            f"/registry/zero-employment/{case.pk}/",
            "/registry/persons/new/",
            "/imports/",
            "/accounts/tokens/",
            "/stats/610924000000/targets/split/?indicator=urban_new_employment",
        ],
        "city_admin": [
            "/registry/zero-employment/rule/",
            "/stats/periods/",
            "/stats/indicators/params/?code=urban_new_employment",
            "/stats/entered/",
            "/regions/610924000000/zones/new/",
        ],
        "security_admin": ["/accounts/users/new/", f"/accounts/users/{writer.pk}/"],
    }[persona]
    found = [form for page in pages for form in _forms(client, page)]
    assert len(found) >= len(pages) - 1, (pages, found)
    if persona == "city_admin":  # posted from the period list's rows
        found.append(("/stats/periods/lock/", ["period", "action", "reason"]))
    for action, names in found:
        if names:
            _fuzz(client, action, names)
