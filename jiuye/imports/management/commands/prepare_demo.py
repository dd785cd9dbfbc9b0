"""python manage.py prepare_demo — everything `make demo` needs, in one process (seconds on a re-run).

Migrates, loads the real regions, creates the demo logins, loads the demo registry and computes
its employers, jobs and programs, and computes its statistics; each step is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Prepare the demo city (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=50_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("prepare_demo is refused in production.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_regions", str(settings.BASE_DIR / "data" / "regions-610900.csv"), stdout=self.stdout)
        call_command("setup_demo", stdout=self.stdout)
        call_command("generate_demo_data", persons=options["persons"], seed=2021, stdout=self.stdout)
        call_command("generate_jobs_demo", seed=2021, stdout=self.stdout)
        call_command("generate_programs_demo", seed=2021, stdout=self.stdout)
        call_command("demo_statistics", stdout=self.stdout)
