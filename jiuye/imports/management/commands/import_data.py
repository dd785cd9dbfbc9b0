"""python manage.py import_data KIND FILE --as USERNAME [--as-of YYYY-MM-DD] [--dry-run]

Any import kind (``--list`` names them), through the same pipeline as the page, with the user's
rights and scope. Prints one JSON line. An interrupted import of the same file by the same user is
resumed from its checkpoint.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.core.permissions import has_perm
from jiuye.imports import kinds, services
from jiuye.imports.models import ImportStatus
from jiuye.imports.report import write_error_report


class Command(BaseCommand):
    help = "Import a file of one kind (.xlsx, .xls, .csv) as a user; prints a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", help="the import kind's code, e.g. registry.persons (see --list)")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--as", dest="username", help="the user whose rights and scope apply")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期, default today")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--list", action="store_true", help="list the import kinds and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for kind in kinds.all_kinds():
                self.stdout.write(f"{kind.code}\t{kind.title}\t{kind.perm}")
            return
        if not options["kind"] or not options["file"] or not options["username"]:
            raise CommandError("usage: import_data KIND FILE --as USERNAME [--as-of DATE] [--dry-run]")
        run_import(self, **options)


def run_import(command: BaseCommand, **options: Any) -> None:
    """The import as the command line runs it (``import_data`` and its shorthands)."""
    kind = kinds.get(options["kind"])
    if kind is None:
        known = ", ".join(k.code for k in kinds.all_kinds())
        raise CommandError(f"no import kind {options['kind']!r} (known: {known})")
    user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {options['username']!r}")
    if not has_perm(user, kind.perm):
        _refuse(command, "该用户没有导入此类数据的权限。")
    as_of = date.fromisoformat(options["as_of"]) if options.get("as_of") else timezone.localdate()
    source = Path(options["file"])
    if not source.exists():
        _refuse(command, "文件不存在。")
    sha = services.file_sha256(source)
    job = None if options.get("dry_run") else services.unfinished_job(user=user, sha256=sha, kind=kind.code)
    try:
        if job is None:
            job = services.import_stage(
                user=user,
                source=source,
                original_name=source.name,
                as_of=as_of,
                kind=kind.code,
                dry_run=bool(options.get("dry_run")),
            )
    except PermissionDenied:
        _refuse(command, "该用户没有导入此类数据的权限。")
    job = services.import_run(job=job, batch_size=options.get("batch_size") or 5000)
    if job.status == ImportStatus.FAILED:
        _refuse(command, job.message)
    report = None
    if job.rejected:
        report = write_error_report(job=job, path=Path(settings.VAR_DIR) / "reports" / f"import-{job.pk}-errors.xlsx")
    summary: dict[str, Any] = {
        "kind": kind.code,
        "rows_read": job.rows_read,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "rejected_rows": services.rejected_rows(job=job),
        "error_report": str(report) if report else None,
    }
    if job.dry_run:
        summary["dry_run"] = True
    if job.warnings:
        summary["warnings"] = job.warnings
    command.stdout.write(json.dumps(summary, ensure_ascii=False))


def _refuse(command: BaseCommand, reason: str) -> NoReturn:
    command.stdout.write(json.dumps({"file_error": reason}, ensure_ascii=False))
    sys.exit(1)
