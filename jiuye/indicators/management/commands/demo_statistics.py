"""Demo statistics: entered denominators, targets, and the measurements of the last 13 months."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiuye.accounts.models import User
from jiuye.indicators import demo


class Command(BaseCommand):
    help = "Compute the demo city's statistics (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_statistics is refused in production.")
        from django.utils import timezone

        actor = User.objects.filter(username="city_admin").first()
        if actor is None:
            raise CommandError("no user 'city_admin': run setup_demo first")
        self.stdout.write(json.dumps(demo.seed(actor=actor, as_of=timezone.localdate()), ensure_ascii=False))
