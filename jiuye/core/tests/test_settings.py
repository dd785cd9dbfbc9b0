"""Settings from the environment; production refuses weak or missing secrets."""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jiuye.conftest import ROOT
from jiuye.core.crypto import blind_index, blind_index_many, decrypt, encrypt, encrypt_many


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JIUYE_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"))}
    base.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "JIUYE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "JIUYE_FIELD_KEY": _key(),
        "JIUYE_AUDIT_KEY": _key(),
        "ALLOWED_HOSTS": "jiuye.example.gov.cn",
        "JIUYE_VAR_DIR": str(tmp_path),
    }


def test_check_deploy_under_production_settings_reports_no_issues(tmp_path: Path) -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JIUYE_FIELD_KEY", "JIUYE_AUDIT_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_each_secret(tmp_path: Path, missing: str) -> None:
    env = _production_env(tmp_path)
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0 and missing in result.stderr
    assert not (tmp_path / "secrets.json").exists()  # nothing generated in production


def test_production_refuses_debug_and_weak_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    assert "DEBUG" in _manage("check", env={**env, "DEBUG": "1"}).stderr
    assert "weak" in _manage("check", env={**env, "SECRET_KEY": "short"}).stderr
    assert "32 bytes" in _manage("check", env={**env, "JIUYE_FIELD_KEY": base64.b64encode(b"x" * 16).decode()}).stderr


def test_development_generates_keys_once_into_var(tmp_path: Path) -> None:
    env = {"JIUYE_VAR_DIR": str(tmp_path)}
    assert _manage("check", env=env).returncode == 0
    path = tmp_path / "secrets.json"
    first = path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert _manage("check", env=env).returncode == 0
    assert path.read_text() == first


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    env = {"JIUYE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    script = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA foreign_keys').fetchone()[0])"
    )
    result = _manage("shell", "--no-imports", "-c", script, env=env)
    assert result.stdout.split() == ["wal", "1"], result.stderr
    assert sqlite3.connect(tmp_path / "db.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_field_encryption_round_trips_and_binds_its_purpose() -> None:
    token = encrypt("61092419900101123X", purpose="registry.person.id_number")
    assert "61092419900101123X" not in token and token.startswith("v1:")
    assert decrypt(token, purpose="registry.person.id_number") == "61092419900101123X"
    assert token != encrypt("61092419900101123X", purpose="registry.person.id_number")  # fresh nonce
    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag)
        decrypt(token, purpose="registry.person.phone")
    assert blind_index("13812345678", purpose="phone") == blind_index("13812345678", purpose="phone")
    assert blind_index("13812345678", purpose="phone") != blind_index("13812345678", purpose="id")


def test_batch_encryption_and_hashes_agree_with_the_single_forms() -> None:
    values = ["61092419900101123X", "13812345678", "13812345678", ""]
    tokens = encrypt_many(values, purpose="registry.person.phone")
    assert [decrypt(t, purpose="registry.person.phone") for t in tokens] == values
    assert len({t[3:19] for t in tokens}) == len(values)  # every value its own nonce
    assert blind_index_many(values, purpose="phone") == [blind_index(v, purpose="phone") for v in values]
    assert encrypt_many([], purpose="phone") == [] and blind_index_many([], purpose="phone") == []


@pytest.mark.django_db
def test_the_database_checks_say_nothing_of_covering_indexes() -> None:
    """No warning on every command: the covering indexes' INCLUDE columns are PostgreSQL's;
    SQLite ignores them and says nothing about it."""
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    # (A throwaway PostgreSQL without fsync is reported by the durability check: not this test's.)
    call_command("check", databases=["default"], stdout=out, stderr=err, fail_level="CRITICAL")
    assert "W040" not in out.getvalue() + err.getvalue()
