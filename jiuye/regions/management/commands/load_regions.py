"""python manage.py load_regions FILE — load or update the region code table (idempotent)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.regions.loader import FileError, load_regions_file


class Command(BaseCommand):
    help = "Load regions (统计用区划代码) from a CSV file; prints a one-line JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="CSV with columns code,name,level,parent_code[,urban,longitude,latitude,population]"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_regions_file(options["file"])
        except (FileError, OSError) as exc:
            self.stdout.write(json.dumps({"file_error": str(exc)}, ensure_ascii=False))
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written")
