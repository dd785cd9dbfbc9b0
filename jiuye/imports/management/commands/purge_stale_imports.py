"""python manage.py purge_stale_imports [--hours 24] — nightly: close imports left unfinished and
delete the uploaded files no job needs (security bar D-8, residual information)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.imports.services import purge_stale


class Command(BaseCommand):
    help = "Close imports unfinished for --hours (default 24) and delete their stored files and orphan uploads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            raise SystemExit("--hours must be at least 1")
        self.stdout.write(json.dumps(purge_stale(hours=options["hours"])))
