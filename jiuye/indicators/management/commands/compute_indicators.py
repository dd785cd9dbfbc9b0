"""Compute and store every indicator for a month (--period YYYY-MM) or a year (--year YYYY)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.indicators import services


class Command(BaseCommand):
    help = "计算并保存指标测量值（某月或某年各月）。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--period", help="YYYY-MM")
        group.add_argument("--year", type=int)
        group.add_argument("--stale", action="store_true", help="recompute the months marked stale")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["stale"]:
                periods = services.recompute_stale()
                self.stdout.write(json.dumps({"recomputed": [p.strftime("%Y-%m") for p in periods]}))
                return
            if options["period"]:
                periods = [services.parse_period(options["period"])]
            else:
                periods = services.months_of_year(options["year"])
                if not periods:
                    raise CommandError("该年度尚未开始。")
            for period in periods:
                started = time.perf_counter()
                rows = services.compute_period(period)
                self.stdout.write(
                    json.dumps(
                        {
                            "period": period.strftime("%Y-%m"),
                            "measurements": rows,
                            "seconds": round(time.perf_counter() - started, 3),
                        }
                    )
                )
        except (ValidationError, services.PeriodLocked) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
