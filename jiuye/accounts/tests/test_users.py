"""User management by the security admin, the create_user command, and API tokens."""

from __future__ import annotations

import json
import os
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jiuye.accounts.models import ApiToken, User
from jiuye.accounts.services import token_create
from jiuye.conftest import COUNTY_A, COUNTY_B, TOWN_A, VILLAGE_A, login
from jiuye.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "new_town",
        "full_name": "李娜",
        "role": "town_officer",
        "region": TOWN_A,
        "write_region": "",
        "password": "Fresh-Start-2026",
    }
    data.update(overrides)
    return data


def test_security_admin_creates_a_user_in_scope_and_it_is_audited(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin_a"])
    response = client.post("/accounts/users/new/", _form())
    assert response.status_code == 302
    user = User.objects.get(username="new_town")
    assert (user.role, user.region_id) == ("town_officer", TOWN_A)
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.after["region_id"] == TOWN_A and event.region_code == TOWN_A
    assert "password" not in json.dumps(event.after)


def test_security_admin_cannot_place_a_user_outside_their_scope(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin_a"])
    response = client.post("/accounts/users/new/", _form(region="610902001000"))
    assert response.status_code == 200
    assert "不在您的管辖范围内" in str(response.context["form"].errors)
    assert not User.objects.filter(username="new_town").exists()


def test_role_and_region_level_must_agree(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin"])
    response = client.post("/accounts/users/new/", _form(role="county_officer", region=TOWN_A))
    assert response.status_code == 200
    assert "层级不符" in str(response.context["form"].errors)


def test_write_scope_must_lie_inside_read_scope(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin"])
    bad = client.post(
        "/accounts/users/new/", _form(role="county_officer", region=COUNTY_A, write_region="610902001000")
    )
    assert "可编辑区划必须在管辖区划之内" in str(bad.context["form"].errors)
    good = client.post("/accounts/users/new/", _form(role="county_officer", region=COUNTY_A, write_region=TOWN_A))
    assert good.status_code == 302
    assert User.objects.get(username="new_town").write_region_id == TOWN_A


def test_every_user_satisfies_write_within_read(personas: dict[str, User]) -> None:
    from jiuye.core.scoping import read_prefix, write_prefix

    for user in User.objects.all():
        write = write_prefix(user)
        assert write is None or write.startswith(read_prefix(user) or "\0")


def test_rescoping_takes_effect_on_the_next_request(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    client = login(Client(), officer)
    assert client.get(f"/regions/{COUNTY_A}/").status_code == 200
    admin = login(Client(), personas["security_admin"])
    response = admin.post(
        f"/accounts/users/{officer.pk}/",
        {
            "full_name": "",
            "role": "county_officer",
            "region": COUNTY_B,
            "write_region": "",
            "is_active": "on",
            "sensitive_access": "on",
        },
    )
    assert response.status_code == 302
    assert client.get(f"/regions/{COUNTY_A}/").status_code == 404
    assert client.get(f"/regions/{COUNTY_B}/").status_code == 200
    event = AuditEvent.objects.get(action="user.update", object_id=str(officer.pk))
    assert event.before == {"region_id": COUNTY_A} and event.after == {"region_id": COUNTY_B}


def test_a_security_admin_cannot_change_their_own_account(personas: dict[str, User]) -> None:
    admin = personas["security_admin"]
    client = login(Client(), admin)
    response = client.post(
        f"/accounts/users/{admin.pk}/",
        {
            "full_name": "",
            "role": "city_admin",
            "region": admin.region_id,
            "write_region": "",
            "is_active": "on",
            "sensitive_access": "on",
        },
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.role == "security_admin"


def test_user_api_refuses_mass_assignment_of_protected_fields(personas: dict[str, User]) -> None:
    client = login(Client(), personas["security_admin"])
    target = personas["village_a"]
    response = client.patch(
        f"/api/v1/users/{target.pk}",
        json.dumps({"full_name": "新名", "password": "x", "is_superuser": True, "username": "hijack"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert (target.full_name, target.username) == ("新名", "village_a")


def test_create_user_command(db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with mock.patch.dict(os.environ, {"JIUYE_PASSWORD": "Command-Line-42"}):
        call_command("create_user", "cli_clerk", "--role", "village_clerk", "--region", VILLAGE_A)
    user = User.objects.get(username="cli_clerk")
    assert user.check_password("Command-Line-42") and user.region_id == VILLAGE_A
    with mock.patch.dict(os.environ, {"JIUYE_PASSWORD": "weak"}), pytest.raises(CommandError, match="密码"):
        call_command("create_user", "cli_weak", "--role", "village_clerk", "--region", VILLAGE_A)
    with (
        mock.patch.dict(os.environ, {"JIUYE_PASSWORD": "Command-Line-42"}),
        pytest.raises(CommandError, match="不存在"),
    ):
        call_command("create_user", "cli_nowhere", "--role", "village_clerk", "--region", "610999999999")


def test_create_user_help_lists_the_roles(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("create_user", "--help")
    out = capsys.readouterr().out
    for role in (
        "city_admin",
        "county_officer",
        "town_officer",
        "village_clerk",
        "leader",
        "system_admin",
        "security_admin",
        "audit_admin",
    ):
        assert role in out


def test_tokens_are_stored_hashed_and_can_be_revoked(personas: dict[str, User], client: Client) -> None:
    token, raw = token_create(user=personas["county_a"], name="etl")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **auth).json()["region_code"] == COUNTY_A
    owner = login(Client(), personas["county_a"])
    assert owner.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_a_token_of_a_disabled_user_stops_working(personas: dict[str, User], client: Client) -> None:
    _, raw = token_create(user=personas["county_a"], name="etl")
    personas["county_a"].is_active = False
    personas["county_a"].save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_token_page_shows_the_raw_token_once(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    created = client.post("/accounts/tokens/", {"name": "报表脚本", "days": 30})
    assert created.context["new_token"].startswith("jy_")
    again = client.get("/accounts/tokens/")
    assert again.context["new_token"] is None
    assert created.context["new_token"] not in again.content.decode()


def test_session_api_writes_need_the_csrf_token(personas: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, personas["county_a"])
    response = client.post("/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_password_is_hashed_with_argon2_by_configuration() -> None:
    from config import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
