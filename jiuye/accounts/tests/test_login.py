"""Login security: lockout, identical messages, session timeouts, new session ids, TOTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from jiuye.accounts.models import TOTPDevice, User
from jiuye.conftest import CITY, COUNTY_A, PASSWORD, login, make_user
from jiuye.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _post_login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _error_text(response: Any) -> str:
    form = response.context["form"]
    return " ".join(str(e) for e in form.non_field_errors())


@pytest.fixture
def officer(db: Any) -> User:
    return make_user("officer", "county_officer", COUNTY_A)


def test_a_good_login_gets_a_new_session_id_and_is_audited(officer: User, client: Client) -> None:
    client.get(LOGIN)
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies["sessionid"].value != before
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert (event.actor_username, event.role, event.scope_code, event.ip) == (
        "officer",
        "county_officer",
        COUNTY_A,
        "10.0.0.1",
    )
    assert event.request_id


def test_unknown_user_and_wrong_password_get_the_same_answer(officer: User, client: Client) -> None:
    wrong = _post_login(client, "officer", "Wrong-password-1")
    unknown = _post_login(Client(), "nobody-here", "Wrong-password-1")
    assert wrong.status_code == unknown.status_code == 200
    assert _error_text(wrong) == _error_text(unknown) == "用户名或密码错误。"


def test_five_failures_lock_the_account_for_thirty_minutes(officer: User) -> None:
    start = timezone.now()
    with freeze_time(start) as frozen:
        for _ in range(4):
            assert "用户名或密码错误" in _error_text(_post_login(Client(), "officer", "Wrong-password-1"))
        assert "已锁定" in _error_text(_post_login(Client(), "officer", "Wrong-password-1"))
        # The right password does not get in while locked, however often it is tried.
        for _ in range(20):
            response = _post_login(Client(), "officer", PASSWORD)
            assert response.status_code == 200 and "已锁定" in _error_text(response)
        frozen.tick(timedelta(minutes=29))
        assert "已锁定" in _error_text(_post_login(Client(), "officer", PASSWORD))
        frozen.tick(timedelta(minutes=2))
        assert _post_login(Client(), "officer", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.lockout", actor_username="officer").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_locked").count() == 21


def test_unknown_usernames_lock_exactly_like_real_ones(officer: User) -> None:
    for name in ("officer", "ghost"):
        answers = [_error_text(_post_login(Client(), name, "Wrong-password-1", ip=f"10.1.0.{i}")) for i in range(6)]
        assert answers[:4] == ["用户名或密码错误。"] * 4
        assert "已锁定" in answers[4] and "已锁定" in answers[5]


def test_failures_spread_beyond_fifteen_minutes_do_not_lock(officer: User) -> None:
    start = timezone.now()
    with freeze_time(start) as frozen:
        for _ in range(8):
            _post_login(Client(), "officer", "Wrong-password-1")
            frozen.tick(timedelta(minutes=4))
        assert _post_login(Client(), "officer", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(officer: User) -> None:
    for _ in range(4):
        _post_login(Client(), "officer", "Wrong-password-1")
    assert _post_login(Client(), "officer", PASSWORD).status_code == 302
    for _ in range(4):
        _post_login(Client(), "officer", "Wrong-password-1")
    assert _post_login(Client(), "officer", PASSWORD).status_code == 302


def test_one_address_is_throttled_after_twenty_failures(officer: User) -> None:
    for i in range(20):
        _post_login(Client(), f"user{i}", "Wrong-password-1", ip="10.9.9.9")
    response = _post_login(Client(), "officer", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200 and "过多" in _error_text(response)
    assert _post_login(Client(), "officer", PASSWORD, ip="10.9.9.10").status_code == 302


def test_security_admin_can_unlock(officer: User, personas: dict[str, User]) -> None:
    for _ in range(5):
        _post_login(Client(), "officer", "Wrong-password-1")
    admin = login(Client(), personas["security_admin"])
    assert admin.post(f"/accounts/users/{officer.pk}/unlock/").status_code == 302
    assert _post_login(Client(), "officer", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlock", object_id=str(officer.pk)).exists()


def test_idle_timeout_is_thirty_minutes(officer: User) -> None:
    start = timezone.now()
    with freeze_time(start) as frozen:
        client = Client()
        _post_login(client, "officer", PASSWORD)
        frozen.tick(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        frozen.tick(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity kept it alive
        frozen.tick(timedelta(minutes=30, seconds=1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert client.get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action="auth.session_expired", actor_username="officer").exists()


def test_admin_roles_idle_out_after_fifteen_minutes(personas: dict[str, User]) -> None:
    start = timezone.now()
    with freeze_time(start) as frozen:
        client = login(Client(), personas["audit_admin"])
        frozen.tick(timedelta(minutes=15, seconds=1))
        assert client.get("/audit/").status_code == 302


def test_absolute_lifetime_is_twelve_hours_even_when_active(officer: User) -> None:
    start = timezone.now()
    with freeze_time(start) as frozen:
        client = Client()
        _post_login(client, "officer", PASSWORD)
        for _ in range(24):
            frozen.tick(timedelta(minutes=29))
            assert client.get("/").status_code == 200  # 24 × 29 min = 11 h 36 min
        frozen.tick(timedelta(minutes=25))  # 12 h 01 min after login
        assert client.get("/").status_code == 302


def test_logout_ends_the_server_side_session(officer: User) -> None:
    client = Client()
    _post_login(client, "officer", PASSWORD)
    old = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = old
    assert replay.get("/").status_code == 302


def test_disabling_a_user_ends_their_sessions(officer: User, personas: dict[str, User]) -> None:
    client = Client()
    _post_login(client, "officer", PASSWORD)
    officer.is_active = False
    officer.save()
    assert client.get("/").status_code == 302


# --- TOTP for the admin roles -----------------------------------------------------------------


@pytest.fixture
def auditor(db: Any) -> User:
    return make_user("auditor", "audit_admin", CITY)


def test_admin_password_alone_gives_no_access(auditor: User) -> None:
    client = Client()
    response = _post_login(client, "auditor", PASSWORD)
    assert response["Location"] == "/accounts/login/totp/setup/"
    for url in ("/", "/audit/", "/api/v1/me", "/api/v1/audit/events"):
        assert client.get(url).status_code in (302, 401)


def test_admin_enrols_a_totp_device_then_must_use_it(auditor: User) -> None:
    client = Client()
    _post_login(client, "auditor", PASSWORD)
    page = client.get("/accounts/login/totp/setup/")
    assert b"<svg" in page.content
    secret = page.context["secret"]
    assert client.post("/accounts/login/totp/setup/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/login/totp/setup/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/audit/").status_code == 200
    stored = TOTPDevice.objects.get(user=auditor)
    assert stored.confirmed_at is not None
    # Next login asks for the code, not for enrolment.
    second = Client()
    assert _post_login(second, "auditor", PASSWORD)["Location"] == "/accounts/login/totp/"


def test_a_used_totp_code_cannot_be_replayed(auditor: User) -> None:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=auditor, secret=secret, confirmed_at=timezone.now())
    code = pyotp.TOTP(secret).now()
    first = Client()
    _post_login(first, "auditor", PASSWORD)
    assert first.post("/accounts/login/totp/", {"code": code}).status_code == 302
    second = Client()
    _post_login(second, "auditor", PASSWORD)
    response = second.post("/accounts/login/totp/", {"code": code})
    assert response.status_code == 200
    assert second.get("/audit/").status_code == 302


def test_totp_accepts_one_step_of_clock_skew_only(auditor: User) -> None:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=auditor, secret=secret, confirmed_at=timezone.now())
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    stale = totp.at(now - timedelta(seconds=90))
    skewed = totp.at(now - timedelta(seconds=30))
    client = Client()
    _post_login(client, "auditor", PASSWORD)
    if stale != skewed:
        assert client.post("/accounts/login/totp/", {"code": stale}).status_code == 200
    assert client.post("/accounts/login/totp/", {"code": skewed}).status_code == 302


def test_the_totp_secret_is_encrypted_at_rest(auditor: User) -> None:
    from django.db import connection

    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=auditor, secret=secret)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice")
        (stored,) = cursor.fetchone()
    assert secret not in stored and stored.startswith("v1:")


def test_the_pending_second_factor_expires(auditor: User) -> None:
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=auditor, secret=secret, confirmed_at=timezone.now())
    start = timezone.now()
    with freeze_time(start) as frozen:
        client = Client()
        _post_login(client, "auditor", PASSWORD)
        frozen.tick(timedelta(minutes=6))
        response = client.post("/accounts/login/totp/", {"code": pyotp.TOTP(secret).now()})
        assert response["Location"] == LOGIN


def test_login_redirects_only_to_this_site(officer: User) -> None:
    client = Client()
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
