"""python manage.py disable_dormant_users [--days N] — nightly: disable accounts not used for N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuye.accounts import services


class Command(BaseCommand):
    help = (
        "Disable every active account whose last login (or creation, if never used) is older than "
        "--days (default JIUYE_DORMANT_DAYS, 90); each is audited. Prints the usernames."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        for username in services.disable_dormant(days=options["days"]):
            self.stdout.write(username)
