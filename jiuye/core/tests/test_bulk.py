"""The bulk helpers' lookups: one parameter however many keys, any characters in the keys."""

from __future__ import annotations

import pytest
from django.db import connection

from jiuye.accounts.models import User
from jiuye.core.bulk import is_one_of
from jiuye.regions.models import Region

pytestmark = pytest.mark.django_db


def test_any_lookup_finds_exactly_the_keys_given_however_many() -> None:
    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    wanted = codes[::2]
    assert len(wanted) > 999  # beyond SQLite's old cap on parameters in one statement
    assert set(Region.objects.filter(code__any=wanted).values_list("code", flat=True)) == set(wanted)
    assert Region.objects.filter(code__any=[]).count() == 0
    assert Region.objects.filter(code__any=["nothing", codes[0]]).count() == 1


def test_any_lookup_on_integer_keys(personas: dict[str, User]) -> None:
    ids = sorted(user.pk for user in personas.values())
    found = User.objects.filter(pk__any=[*ids, 10**9]).order_by("pk").values_list("pk", flat=True)
    assert list(found) == ids
    assert User.objects.filter(pk__any=ids[:1]).count() == 1


@pytest.mark.parametrize("odd", ['A,"12"\\3{x}', "", "NULL", "a b", "引号\"'"])
def test_is_one_of_carries_any_text(odd: str) -> None:
    where, params = is_one_of("%s", [odd, "other"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE {where}", [odd, *params])
        assert cursor.fetchall() == [(1,)]
        cursor.execute(f"SELECT 1 WHERE {where}", ["missing", *params])
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_one_of_no_values_is_nothing_on_every_engine() -> None:
    """An empty list of keys selects nothing (on PostgreSQL an empty array literal has no type:
    compared with a bigint column it was an error)."""
    assert list(User.objects.filter(pk__any=[])) == []  # a bigint column
    assert list(Region.objects.filter(code__any=[])) == []
    assert Region.objects.filter(code__any=["610924000000"]).count() == 1
