"""The password policy, table-driven (security bar A-1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from jiuye.accounts.models import User

OFFICER = User(username="zhangwei", full_name="张伟", role="county_officer")
ADMIN = User(username="secadmin", full_name="王敏", role="security_admin")

GOOD_FOR_OFFICER = [
    "Tree-House-7",
    "kQ8#mzpLw",
    "Ren$he2026x",
    "LongPassphrase4U",
    "北京Beijing-2026",
    "abcDEF1234",
    "mY.Quiet.Desk.9",
    "Gx7%" + "q" * 60,  # 64 characters
    "Q" * 80 + "a1!",  # over 64 characters is accepted
    "Stable-Jiuye-88",
]
BAD_FOR_OFFICER = [
    ("Ab1!", "password_too_short"),
    ("Ab1!xyz", "password_too_short"),
    ("", "password_too_short"),
    ("abcdefghij", "password_too_simple"),
    ("ABCDEFGHIJ", "password_too_simple"),
    ("1234567890", "password_too_simple"),
    ("abcdefgh12", "password_too_simple"),
    ("!!!!????aa", "password_too_simple"),
    ("Password1", "password_too_common"),
    ("P@ssw0rd", "password_too_common"),
    ("Qwerty123", "password_too_common"),
    ("Woaini1314", "password_too_common"),
    ("Admin@123", "password_too_common"),
    ("Zhangwei-2026", "password_too_similar"),
    ("x-ZHANGWEI-9", "password_too_similar"),
    ("张伟Abc12345", "password_too_similar"),
    ("A1!" + "b" * 300, "password_too_long"),
]
BAD_FOR_ADMIN = [
    ("kQ8#mzpLw", "password_too_short"),
    ("Ren$he2026x", "password_too_short"),
    ("abcdefghijklmn", "password_too_simple"),
    ("Secadmin-Login-1", "password_too_similar"),
]
GOOD_FOR_ADMIN = ["Tree-House-7x", "Quiet.Desk.Lamp.9", "Gx7%" + "q" * 60]


def _codes(password: str, user: User) -> set[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return {e.code for e in exc.error_list if e.code}
    return set()


@pytest.mark.parametrize("password", GOOD_FOR_OFFICER)
def test_good_passwords_are_accepted(password: str) -> None:
    assert _codes(password, OFFICER) == set()


@pytest.mark.parametrize(("password", "code"), BAD_FOR_OFFICER)
def test_bad_passwords_are_refused_for_the_stated_reason(password: str, code: str) -> None:
    assert code in _codes(password, OFFICER)


@pytest.mark.parametrize(("password", "code"), BAD_FOR_ADMIN)
def test_admin_roles_need_twelve_characters(password: str, code: str) -> None:
    assert code in _codes(password, ADMIN)


def test_twelve_is_the_admin_boundary() -> None:
    assert "password_too_short" in _codes("Tree-House-", ADMIN)  # 11
    assert _codes("Tree-House-7", ADMIN) == set()  # 12


@pytest.mark.parametrize("password", GOOD_FOR_ADMIN)
def test_good_admin_passwords_are_accepted(password: str) -> None:
    assert _codes(password, ADMIN) == set()


def test_messages_are_in_chinese() -> None:
    with pytest.raises(ValidationError) as info:
        validate_password("abc", user=OFFICER)
    assert any("密码" in m for m in info.value.messages)
