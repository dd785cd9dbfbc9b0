"""python manage.py verify_audit — exit 0 when the audit chain is intact, 1 otherwise."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.core.audit import verify_chain
from jiuye.core.shipping import compare_with_archive


class Command(BaseCommand):
    help = "Verify the HMAC chain of the audit log; prints the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="also compare the database with an archive written by ship_audit (every shipped row unchanged)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(stop_at_first=True)
        if report.ok and options.get("against"):
            report = compare_with_archive(Path(options["against"]), stop_at_first=True)
        if report.ok:
            self.stdout.write(json.dumps({"ok": True, "checked": report.checked}, ensure_ascii=False))
            return
        first = report.breaks[0]
        self.stdout.write(
            json.dumps(
                {"ok": False, "checked": report.checked, "first_broken_seq": first.seq, "reason": first.reason},
                ensure_ascii=False,
            )
        )
        sys.exit(1)
