"""python manage.py demo_totp USERNAME — the current TOTP code of a demo admin (development only)."""

from __future__ import annotations

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuye.accounts.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a user (refused in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp is refused in production.")
        device = TOTPDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError(_("该用户没有动态口令设备。"))
        self.stdout.write(pyotp.TOTP(device.secret).now())
