"""Staging and running imports. The page and the command line use the same two functions."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.models import AuditOutcome
from jiuye.core.scoping import write_prefix
from jiuye.core.tabular import TableError
from jiuye.imports import actions
from jiuye.imports.models import ImportJob, ImportKind, ImportRowError, ImportStatus
from jiuye.registry import importing

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")


def _store_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_stage(
    *, user: Any, source: Path, original_name: str, as_of: date, kind: str = ImportKind.REGISTRY, dry_run: bool = False
) -> ImportJob:
    """Store the file and create the job (nothing is imported yet)."""
    prefix = write_prefix(user)
    if prefix is None:
        raise PermissionError("no write scope")
    suffix = Path(original_name).suffix.lower()
    sha = _sha256(source)
    job = ImportJob.objects.create(
        kind=kind,
        original_name=original_name[:255],
        stored_path="",
        sha256=sha,
        uploaded_by=user,
        region_code=prefix.ljust(12, "0")[:12] if len(prefix) < 12 else prefix,
        as_of=as_of,
        dry_run=dry_run,
    )
    target = _store_dir() / f"{job.pk}-{sha[:16]}{suffix}"
    shutil.copyfile(source, target)
    job.stored_path = str(target)
    job.save(update_fields=["stored_path"])
    return job


def import_run(*, job: ImportJob, batch_size: int = 5000) -> ImportJob:
    """Run (or resume) a staged job. Each batch commits with its checkpoint and its errors."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=job.started_at or timezone.now())

    def checkpoint(last_row: int, part: importing.ImportResult) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            last_row=last_row,
            created=F("created") + part.created,
            updated=F("updated") + part.updated,
            unchanged=F("unchanged") + part.unchanged,
            rejected=F("rejected") + part.rejected,
        )
        _save_errors(job, part)

    try:
        result = importing.run_import(
            job.stored_path,
            user=job.uploaded_by,
            as_of=job.as_of,
            dry_run=job.dry_run,
            batch_size=batch_size,
            start_after_row=job.last_row,
            on_batch=checkpoint,
        )
    except TableError as exc:
        _finish(job, status=ImportStatus.FAILED, message=str(exc))
        return ImportJob.objects.get(pk=job.pk)
    if job.dry_run:
        # Nothing was committed: keep the verdicts of the whole file on the job.
        ImportJob.objects.filter(pk=job.pk).update(
            created=result.created, updated=result.updated, unchanged=result.unchanged, rejected=result.rejected
        )
        ImportRowError.objects.filter(job=job).delete()
        _save_errors(job, result)
    columns = [c[1:] if c.startswith("?") else c for c in result.columns]
    ImportJob.objects.filter(pk=job.pk).update(rows_read=result.rows_read, warnings=result.warnings, columns=columns)
    _finish(job, status=ImportStatus.DONE, message="")
    return ImportJob.objects.get(pk=job.pk)


def _save_errors(job: ImportJob, result: importing.ImportResult) -> None:
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                job=job,
                row=e.row,
                column=e.column,
                value=e.value[:500],
                reason=e.reason[:500],
                cells=json.dumps(result.source_rows.get(e.row, []), ensure_ascii=False),
            )
            for e in sorted(result.errors, key=lambda e: (e.row, e.column))
        ],
        batch_size=1000,
    )


@retrying_atomic
def _finish(job: ImportJob, *, status: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now())
    job.refresh_from_db()
    audit_record(
        action=actions.IMPORT_RUN,
        actor=job.uploaded_by,
        obj=job,
        outcome=AuditOutcome.SUCCESS if status == ImportStatus.DONE else AuditOutcome.FAILURE,
        after={
            "sha256": job.sha256,
            "file": job.original_name,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "dry_run": job.dry_run,
        },
    )
    # The stored file holds personal data in clear; it is needed only until the job is over.
    Path(job.stored_path).unlink(missing_ok=True)


def unfinished_job(*, user: Any, sha256: str) -> ImportJob | None:
    """An interrupted run of the same file by the same user, to resume rather than restart."""
    return (
        ImportJob.objects.filter(
            uploaded_by=user, sha256=sha256, status__in=[ImportStatus.STAGED, ImportStatus.RUNNING]
        )
        .order_by("-created_at")
        .first()
    )


def file_sha256(path: Path) -> str:
    return _sha256(path)


def rejected_rows(*, job: ImportJob) -> list[int]:
    return sorted(set(ImportRowError.objects.filter(job=job).values_list("row", flat=True)))


STALE_MESSAGE = gettext_noop("超过%(hours)d小时未完成，上传的文件已按规定删除；请重新上传。")


def purge_stale(*, hours: int = 24) -> dict[str, int]:
    """Residual information (security bar D-8): an import left unfinished for ``hours`` — killed
    and never resumed — is closed as failed and its stored file (personal data in clear) deleted;
    a file in the upload directory that no unfinished job needs, and that old, is deleted too.
    Rows already committed stay, as any finished batch would."""
    cutoff = timezone.now() - timedelta(hours=hours)
    closed = 0
    stale = ImportJob.objects.filter(status__in=[ImportStatus.STAGED, ImportStatus.RUNNING]).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff)
    )
    for job in stale:
        _finish(job, status=ImportStatus.FAILED, message=gettext(STALE_MESSAGE) % {"hours": hours})
        closed += 1
    needed = {
        Path(p).name
        for p in ImportJob.objects.filter(status__in=[ImportStatus.STAGED, ImportStatus.RUNNING]).values_list(
            "stored_path", flat=True
        )
        if p
    }
    removed = 0
    for path in _store_dir().iterdir():
        if path.is_file() and path.name not in needed and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
    return {"jobs_closed": closed, "files_removed": removed}
