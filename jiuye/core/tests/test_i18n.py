"""Simplified Chinese by default, and an English catalogue complete for what exists."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from jiuye.accounts.models import User
from jiuye.conftest import ROOT, login


def test_the_english_catalogue_translates_every_message(tmp_path: Path) -> None:
    """Extract the messages afresh (as makemessages would) and require a translation for each."""
    for name in ("config", "jiuye", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "JIUYE_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    po = polib.pofile(str(tmp_path / "locale/en/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []
    assert len(po) > 200


@pytest.mark.django_db
def test_pages_default_to_chinese_and_switch_to_english(personas: dict[str, User]) -> None:
    client = login(Client(), personas["county_a"])
    assert "退出" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Log out" in html and "退出" not in html
    with translation.override("en"):
        assert client.get("/api/v1/users").json()["error"]["message"] == "Your role may not do this."
