"""Shared fixtures: the real regions, the personas of every level, and logged-in clients."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone, translation

from jiuye.accounts.models import User
from jiuye.core.permissions import Role
from jiuye.regions.loader import load_regions_file
from jiuye.regions.models import Region

ROOT = Path(__file__).resolve().parent.parent
REGIONS_CSV = ROOT / "data" / "regions-610900.csv"

CITY = "610900000000"  # 安康市
COUNTY_A = "610924000000"  # 紫阳县
COUNTY_B = "610902000000"  # 汉滨区
TOWN_A = "610924100000"  # 紫阳县城关镇
VILLAGE_A = "610924100001"  # 城关镇东城门社区居委会
TOWN_B = "610902001000"  # 汉滨区老城街道
PASSWORD = "Correct-Horse-9-Battery"


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    role: str
    region: str


PERSONAS = [
    PersonaSpec("city_admin", Role.CITY_ADMIN, CITY),
    PersonaSpec("county_a", Role.COUNTY_OFFICER, COUNTY_A),
    PersonaSpec("county_b", Role.COUNTY_OFFICER, COUNTY_B),
    PersonaSpec("town_a", Role.TOWN_OFFICER, TOWN_A),
    PersonaSpec("village_a", Role.VILLAGE_CLERK, VILLAGE_A),
    PersonaSpec("leader", Role.LEADER, CITY),
    PersonaSpec("system_admin", Role.SYSTEM_ADMIN, CITY),
    PersonaSpec("security_admin", Role.SECURITY_ADMIN, CITY),
    PersonaSpec("audit_admin", Role.AUDIT_ADMIN, CITY),
    PersonaSpec("security_admin_a", Role.SECURITY_ADMIN, COUNTY_A),
    PersonaSpec("audit_admin_a", Role.AUDIT_ADMIN, COUNTY_A),
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The test database holds the real regions of 安康市 for the whole session."""
    with django_db_blocker.unblock():
        load_regions_file(REGIONS_CSV)


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in Simplified Chinese; a request in English must not leak into the next."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def worker_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files the application writes under ``VAR_DIR`` (stored uploads, reports), one directory a
    test process: parallel workers each have their own database, hence the same ids, and an
    upload stored as ``<job id>-<digest>`` by one worker must not be another's."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(autouse=True)
def test_settings(settings: Any, worker_var_dir: Path) -> None:
    # Argon2 is the configured hasher (see test_settings); tests need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run at once, inside the request, so tests see their effect.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = worker_var_dir


def audit_action(code: str) -> Any:
    """The catalogue's action of that code, defined on the spot for the tests' own (``test.*``)."""
    from jiuye.core.audit import action_for, define_action

    return action_for(code) or define_action(code, f"测试操作 {code}")


def make_user(username: str, role: str, region: str, *, password: str = PASSWORD, **extra: Any) -> User:
    # Users as a bureau configures them: granted the sensitive categories unless a test says not.
    extra.setdefault("sensitive_access", True)
    extra.setdefault("password_changed_at", timezone.now())  # as services.user_create does
    user = User(username=username, role=role, region=Region.objects.get(code=region), **extra)
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def personas(db: Any) -> dict[str, User]:
    return {p.key: make_user(p.key, p.role, p.region) for p in PERSONAS}


def login(client: Client, user: User) -> Client:
    """Log a user in as the login page would (session clocks included)."""
    client.force_login(user)
    session = client.session
    now = timezone.now().timestamp()
    session["jy_login_at"] = now
    session["jy_seen_at"] = now
    session.save()
    return client


class CsrfClient:
    """A logged-in client that enforces CSRF, as a browser meets the site: it reads the token
    from a page and sends it with every post (Django's default test client skips the check)."""

    def __init__(self, user: User) -> None:
        self.client = login(Client(enforce_csrf_checks=True), user)
        self.client.get("/")  # the first page sets the CSRF cookie
        self.token = self.client.cookies["csrftoken"].value

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:
        return self.client.get(path, *args, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        return self.client.post(path, {**(data or {}), "csrfmiddlewaretoken": self.token}, **kwargs)


@pytest.fixture
def client_for(personas: dict[str, User]) -> Any:
    def make(key: str) -> Client:
        return login(Client(), personas[key])

    return make


def read_download(response: Any) -> bytes:
    """The body of a streamed download, with its file closed.

    Closing a response fires ``request_finished``, whose ``close_old_connections`` would close
    the test's database connection mid-transaction (as the test client itself avoids).
    """
    from django.core.signals import request_finished
    from django.db import close_old_connections

    content = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return content


# --- no personal data in the logs -------------------------------------------------------------
# Every log record of the run goes to a file; at the end the file is scanned for a valid
# 18-digit ID number or a mobile number in clear, and the run fails if one is found.

_LOG_DIR = ROOT / "var" / "test-logs"


def _worker() -> str:
    """``gw0``, ``gw1`` … in a parallel run's workers; empty in the controlling (or only) process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def pytest_configure(config: Any) -> None:
    import logging

    _LOG_DIR.mkdir(parents=True, exist_ok=True)
    if not _worker():  # the controller starts the run afresh; each worker writes its own file
        for old in _LOG_DIR.glob("pytest*.log"):
            old.unlink()
    log_file = _LOG_DIR / f"pytest-{_worker() or 'main'}.log"
    log_file.write_text("")
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    config._jiuye_log_handler = handler


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """A test without database access does not depend on the engine: it is marked ``once``, and
    the PostgreSQL pass of CI leaves it out (``-m "not once"``); so are the browser tests, which
    run their own server on its own SQLite file whatever the engine."""
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or {"db", "transactional_db"} & set(
            item.fixturenames
        )
        if not uses_db or item.get_closest_marker("once") is not None:
            item.add_marker(pytest.mark.once)


def clear_personal_data(text: str) -> list[str]:
    """The valid ID numbers and mobile numbers that appear in ``text`` in clear."""
    import re

    from jiuye.registry import idcard

    found = [m for m in re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", text) if idcard.is_valid(m)]
    found += re.findall(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", text)
    return found


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    handler = getattr(session.config, "_jiuye_log_handler", None)
    if handler is None:
        return
    handler.flush()
    if _worker():
        return  # the controller reads every worker's file once they have all finished
    for log_file in sorted(_LOG_DIR.glob("pytest*.log")):
        leaks = clear_personal_data(log_file.read_text(encoding="utf-8", errors="replace"))
        if leaks:
            session.config.get_terminal_writer().line(
                f"personal data in clear in the logs ({log_file}): {len(leaks)} value(s), e.g. {leaks[0][:6]}…",
                red=True,
            )
            session.exitstatus = 1
