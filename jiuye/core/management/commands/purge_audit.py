"""python manage.py purge_audit [--days N] [--long-days N] [--dry-run] — nightly, after ship_audit:
delete the archived audit events older than the retention periods (security bar L-5), leaving a
signed gap so that the chain still verifies. Prints one JSON line."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.core.retention import RetentionError, purge_audit


class Command(BaseCommand):
    help = (
        "Delete archived audit events older than JIUYE_AUDIT_RETENTION_DAYS (at least 180), keeping "
        "approvals, disclosures and ledgers JIUYE_AUDIT_LONG_RETENTION_DAYS (at least 1096)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep this many days (at least 180)")
        parser.add_argument("--long-days", type=int, default=None, help="for the long-kept actions (at least 1096)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = purge_audit(days=options["days"], long_days=options["long_days"], dry_run=options["dry_run"])
        except RetentionError as exc:
            self.stdout.write(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
            sys.exit(1)
        self.stdout.write(json.dumps({"ok": True, **result.as_dict()}, ensure_ascii=False))
