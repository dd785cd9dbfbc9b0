"""Recompute a month from the records and compare with the stored measurements."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.indicators import services


class Command(BaseCommand):
    help = "从原始记录重算某月指标并与已存测量值比对；有差异则以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        try:
            month = services.parse_period(period)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        differences = services.check_period(month)
        for d in differences[:50]:
            self.stdout.write(
                json.dumps(
                    {
                        "indicator": d.indicator,
                        "region": d.region,
                        "stored": None if d.stored is None else str(d.stored),
                        "fresh": None if d.fresh is None else str(d.fresh),
                    }
                )
            )
        self.stdout.write(json.dumps({"period": month.strftime("%Y-%m"), "differences": len(differences)}))
        if differences:
            raise CommandError(f"{len(differences)} 处不一致。")
