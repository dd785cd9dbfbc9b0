"""Residual information (security bar D-8): an import left unfinished is closed after a day and its
uploaded file — personal data in clear — deleted, as are orphan uploads; nothing recent is touched."""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.core.models import AuditEvent
from jiuye.imports import services
from jiuye.imports.models import ImportJob, ImportStatus
from jiuye.imports.tests.test_registry_import import row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _staged(user: User, tmp_path: Path, name: str, *, hours_ago: float, started: bool) -> ImportJob:
    path = write_csv(tmp_path / name, [row()])
    job = services.import_stage(user=user, source=path, original_name=name, as_of=date(2026, 10, 31))
    when = timezone.now() - timedelta(hours=hours_ago)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=when,
        started_at=when if started else None,
        status=ImportStatus.RUNNING if started else ImportStatus.STAGED,
    )
    job.refresh_from_db()
    return job


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_stale_jobs_are_closed_and_their_files_deleted(personas: dict[str, User], tmp_path: Path) -> None:
    user = personas["county_a"]
    killed = _staged(user, tmp_path, "killed.csv", hours_ago=30, started=True)
    forgotten = _staged(user, tmp_path, "forgotten.csv", hours_ago=25, started=False)
    recent = _staged(user, tmp_path, "recent.csv", hours_ago=2, started=True)
    for job in (killed, forgotten, recent):
        _age(Path(job.stored_path), 30)  # the file's own age does not save a job's file
    store = Path(killed.stored_path).parent
    orphan_old = store / "999-orphan.csv"
    orphan_new = store / "998-orphan.csv"
    orphan_old.write_text("x")
    orphan_new.write_text("x")
    _age(orphan_old, 48)

    out = StringIO()
    call_command("purge_stale_imports", stdout=out)
    assert json.loads(out.getvalue()) == {"jobs_closed": 2, "files_removed": 1}

    for job in (killed, forgotten):
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and "已按规定删除" in job.message
        assert not Path(job.stored_path).exists()
    recent.refresh_from_db()
    assert recent.status == ImportStatus.RUNNING and Path(recent.stored_path).exists()
    assert not orphan_old.exists() and orphan_new.exists()
    failures = AuditEvent.objects.filter(action="imports.run", outcome="failure")
    assert sorted(int(e.object_id) for e in failures) == sorted([killed.pk, forgotten.pk])


def test_a_run_that_finishes_leaves_nothing_to_purge(personas: dict[str, User], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", [row()])
    job = services.import_stage(
        user=personas["county_a"], source=path, original_name="ok.csv", as_of=date(2026, 10, 31)
    )
    services.import_run(job=job)
    assert not Path(job.stored_path).exists()
    assert services.purge_stale(hours=1) == {"jobs_closed": 0, "files_removed": 0}
