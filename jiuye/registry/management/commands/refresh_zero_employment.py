"""Recompute every household's zero-employment verdict (the nightly job; ages move on)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from jiuye.registry import services


class Command(BaseCommand):
    help = "重算全部家庭的零就业认定并同步清零台账（建议每日夜间运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = services.households_recompute_all()
        self.stdout.write(json.dumps({**result, "seconds": round(time.perf_counter() - started, 2)}))
