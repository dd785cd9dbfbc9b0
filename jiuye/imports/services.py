"""Staging and running imports of every kind. The page, the command line and the background task
use the same functions: ``import_stage`` stores the file and makes the job; ``import_run`` runs
(or resumes) it through the one pipeline (``imports.runner``), each batch committing its
checkpoint, its counters and its rejected rows with its rows."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.models import AuditOutcome
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import ScopedQuerySet, read_prefix, write_prefix
from jiuye.core.tabular import TableError
from jiuye.imports import actions, kinds, runner
from jiuye.imports.kinds import ImportRefused
from jiuye.imports.models import ImportJob, ImportRowError, ImportStatus

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")


def _store_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def jobs_for(user: Any) -> ScopedQuerySet[ImportJob]:
    """The jobs a user may open: of the kinds he or she may import, in his or her region."""
    jobs: ScopedQuerySet[ImportJob] = ImportJob.objects.visible_to(user)  # type: ignore[attr-defined]
    return jobs.filter(kind__in=[k.code for k in kinds.kinds_for(user)])


def _job_region(user: Any) -> str:
    prefix = write_prefix(user) or read_prefix(user)
    if prefix is None:
        raise PermissionDenied
    return prefix.ljust(12, "0")


def import_stage(
    *, user: Any, source: Path, original_name: str, as_of: date, kind: str = "registry.persons", dry_run: bool = False
) -> ImportJob:
    """Store the file and create the job (nothing is imported yet)."""
    import_kind = kinds.get(kind)
    if import_kind is None or not has_perm(user, import_kind.perm):
        raise PermissionDenied
    suffix = Path(original_name).suffix.lower()
    sha = file_sha256(source)
    job = ImportJob.objects.create(
        kind=import_kind.code,
        original_name=original_name[:255],
        stored_path="",
        sha256=sha,
        uploaded_by=user,
        region_code=_job_region(user),
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
    kind = kinds.get(job.kind)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=job.started_at or timezone.now())
    if job.dry_run:  # a dry run starts afresh: its verdicts are those of the whole file
        ImportRowError.objects.filter(job=job).delete()
        ImportJob.objects.filter(pk=job.pk).update(last_row=0, created=0, updated=0, unchanged=0, rejected=0)
        job.last_row = 0

    def checkpoint(part: runner.BatchResult) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            last_row=part.last_row,
            created=F("created") + part.created,
            updated=F("updated") + part.updated,
            unchanged=F("unchanged") + part.unchanged,
            rejected=F("rejected") + part.rejected,
        )
        _save_errors(job, part)

    try:
        if kind is None:
            raise ImportRefused(gettext("没有这种导入：%(kind)s。") % {"kind": job.kind})
        summary = runner.run(
            kind,
            job.stored_path,
            user=job.uploaded_by,
            as_of=job.as_of,
            dry_run=job.dry_run,
            batch_size=batch_size,
            start_after_row=job.last_row,
            sink=checkpoint,
        )
    except (TableError, ImportRefused) as exc:
        _finish(job, status=ImportStatus.FAILED, message=str(exc))
        return ImportJob.objects.get(pk=job.pk)
    columns = [c[1:] if c.startswith("?") else c for c in summary.columns]
    ImportJob.objects.filter(pk=job.pk).update(rows_read=summary.rows_read, warnings=summary.warnings, columns=columns)
    _finish(job, status=ImportStatus.DONE, message="")
    return ImportJob.objects.get(pk=job.pk)


def _save_errors(job: ImportJob, part: runner.BatchResult) -> None:
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                job=job,
                row=e.row,
                column=e.column,
                value=e.value[:500],
                reason=e.reason[:500],
                cells=json.dumps(part.cells.get(e.row, []), ensure_ascii=False),
            )
            for e in part.errors
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
            "kind": job.kind,
            "sha256": job.sha256,
            "file": job.original_name,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "dry_run": job.dry_run,
        },
    )
    # The stored file holds personal data in clear; it is needed only until the job is over, or,
    # for a finished preview, until its uploader confirms it (``purge_stale`` deletes it a day on).
    if not (job.dry_run and status == ImportStatus.DONE):
        Path(job.stored_path).unlink(missing_ok=True)


def confirmable(job: ImportJob) -> bool:
    """A finished preview whose file is still held: it can be imported as it was checked."""
    return bool(job.dry_run and job.status == ImportStatus.DONE and job.stored_path and Path(job.stored_path).is_file())


@retrying_atomic
def import_confirm(*, user: Any, job: ImportJob) -> ImportJob:
    """Import the file a preview checked, without uploading it again: a new job of the same kind,
    date and file; the preview gives its file up, so it is confirmed once. Only its uploader may."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not confirmable(locked):
        raise ImportRefused(gettext("该校验结果已确认导入或已过期，请重新上传文件。"))
    if locked.uploaded_by_id != user.pk:
        raise PermissionDenied
    kind = kinds.get(locked.kind)
    if kind is None or not has_perm(user, kind.perm):
        raise PermissionDenied
    real = ImportJob.objects.create(
        kind=locked.kind,
        original_name=locked.original_name,
        stored_path="",
        sha256=locked.sha256,
        uploaded_by=user,
        region_code=locked.region_code,
        as_of=locked.as_of,
        dry_run=False,
    )
    source = Path(locked.stored_path)
    target = _store_dir() / f"{real.pk}-{locked.sha256[:16]}{source.suffix}"
    source.rename(target)
    real.stored_path = str(target)
    real.save(update_fields=["stored_path"])
    ImportJob.objects.filter(pk=locked.pk).update(stored_path="")
    return real


def unfinished_job(*, user: Any, sha256: str, kind: str) -> ImportJob | None:
    """An interrupted run of the same file by the same user, to resume rather than restart."""
    return (
        ImportJob.objects.filter(
            uploaded_by=user,
            sha256=sha256,
            kind=kind,
            dry_run=False,
            status__in=[ImportStatus.STAGED, ImportStatus.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


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


def home_agenda(user: Any) -> list[Any]:
    """The user's checked imports waiting for confirmation, and imports that failed this week."""
    from django.urls import reverse

    from jiuye.core.home import AGENDA_SHOWN, AgendaItem

    now = timezone.now()
    mine = ImportJob.objects.filter(uploaded_by=user, finished_at__gte=now - timedelta(days=7)).order_by("-finished_at")
    items = []
    for job in mine[: AGENDA_SHOWN * 2]:
        url = reverse("imports:job_detail", args=[job.pk])
        if confirmable(job) and job.finished_at and job.finished_at >= now - timedelta(days=1):
            items.append(
                AgendaItem(
                    title=gettext("确认导入：%(file)s") % {"file": job.original_name},
                    url=url,
                    detail=gettext("校验完成：将新增 %(created)s、将更新 %(updated)s、拒绝 %(rejected)s")
                    % {"created": job.created, "updated": job.updated, "rejected": job.rejected},
                    due=timezone.localdate(job.finished_at + timedelta(days=1)),
                )
            )
        elif job.status == ImportStatus.FAILED:
            items.append(
                AgendaItem(
                    title=gettext("导入未完成：%(file)s") % {"file": job.original_name},
                    url=url,
                    detail=job.message[:80],
                    warn=True,
                )
            )
    return items[:AGENDA_SHOWN]
