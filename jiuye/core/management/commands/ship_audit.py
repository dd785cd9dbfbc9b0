"""python manage.py ship_audit --to FILE [--follow] — append the audit events not yet shipped to a
JSON-lines file that a log collector forwards to the log host (security bar L-8)."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.core.shipping import ShipError, ship_to_file


class Command(BaseCommand):
    help = "Ship new audit events to a JSON-lines file (one event a line, with its HMAC); resumes where it stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, help="the JSON-lines file a log collector reads")
        parser.add_argument("--follow", action="store_true", help="keep shipping every --interval seconds")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["to"])
        stopping = False

        def stop(_signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if options["follow"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        total = 0
        while True:
            try:
                result = ship_to_file(path, batch=options["batch"])
            except ShipError as exc:
                self.stdout.write(json.dumps({"ok": False, "shipped": total, "error": str(exc)}, ensure_ascii=False))
                sys.exit(1)
            total += result.shipped
            if not options["follow"] or stopping:
                break
            time.sleep(options["interval"])
            if stopping:
                break
        self.stdout.write(json.dumps({"ok": True, "shipped": total, "last_seq": result.last_seq}, ensure_ascii=False))
