"""The catalogue: code, Chinese name and unit, tab-separated, one indicator a line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from jiuye.indicators import catalogue


class Command(BaseCommand):
    help = "列出指标目录（代码、名称、单位，以制表符分隔）。"

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            for indicator in catalogue.all_indicators():
                self.stdout.write(f"{indicator.code}\t{indicator.name}\t{indicator.unit}")
