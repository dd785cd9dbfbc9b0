"""python manage.py import_registry FILE --as USERNAME [--as-of YYYY-MM-DD] [--dry-run]

The same pipeline as the upload page, with the user's scope. Prints one JSON line. An import
of the same file by the same user that was interrupted is resumed from its checkpoint.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.imports import services
from jiuye.imports.models import ImportStatus
from jiuye.imports.report import write_error_report


class Command(BaseCommand):
    help = "Import a labour-force ledger (.xlsx, .xls, .csv) as a user; prints a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="the user whose scope applies")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期, default today")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        source = Path(options["file"])
        if not source.exists():
            self._refuse("文件不存在。")
        sha = services.file_sha256(source)
        job = None if options["dry_run"] else services.unfinished_job(user=user, sha256=sha)
        if job is None:
            job = services.import_stage(
                user=user, source=source, original_name=source.name, as_of=as_of, dry_run=options["dry_run"]
            )
        job = services.import_run(job=job, batch_size=options["batch_size"])
        if job.status == ImportStatus.FAILED:
            self._refuse(job.message)
        report = None
        if job.rejected:
            report = write_error_report(
                job=job, path=Path(settings.VAR_DIR) / "reports" / f"import-{job.pk}-errors.xlsx"
            )
        summary = {
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "rejected_rows": services.rejected_rows(job=job),
            "error_report": str(report) if report else None,
        }
        if job.warnings:
            summary["warnings"] = job.warnings
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def _refuse(self, reason: str) -> None:
        self.stdout.write(json.dumps({"file_error": reason}, ensure_ascii=False))
        sys.exit(1)
