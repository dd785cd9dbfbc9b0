"""Print one stored measurement as a JSON line."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.indicators import catalogue, services
from jiuye.indicators.models import Measurement


class Command(BaseCommand):
    help = "显示某指标某区划某月的测量值（一行 JSON）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM, or YYYY for the year's last measured month")

    def handle(self, *args: Any, code: str, region: str, period: str, **options: Any) -> None:
        indicator = catalogue.get(code)
        if indicator is None:
            raise CommandError(f"未知指标：{code}")
        rows = Measurement.objects.filter(indicator=code, region_code=region)
        try:
            if len(period.strip()) == 4 and period.strip().isdecimal():
                rows = rows.filter(period__year=int(period)).order_by("-period")
            else:
                rows = rows.filter(period=services.parse_period(period))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        row = rows.first()
        value = indicator.shown(row.value) if row else None
        self.stdout.write(
            json.dumps(
                {
                    "code": code,
                    "region": region,
                    "period": row.period.strftime("%Y-%m") if row else period,
                    "value": None if value is None else float(value),
                    "unit": str(indicator.unit),
                },
                ensure_ascii=False,
            )
        )
        if row is None:
            raise CommandError("该月尚无测量值（先运行 compute_indicators）。")
