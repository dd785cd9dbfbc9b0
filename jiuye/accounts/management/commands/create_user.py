"""python manage.py create_user USERNAME --role ROLE --region CODE"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuye.accounts import services
from jiuye.accounts.models import User
from jiuye.core.permissions import Role
from jiuye.regions.models import Region


class Command(BaseCommand):
    help = "Create a user. The password comes from $JIUYE_PASSWORD or a prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        roles = ", ".join(f"{value} ({label})" for value, label in Role.choices)
        parser.add_argument("--role", required=True, choices=Role.values, metavar="ROLE", help=f"one of: {roles}")
        parser.add_argument("--region", required=True, metavar="CODE", help="12-digit region code of the scope")
        parser.add_argument("--write-region", metavar="CODE", help="narrower region the user may change")
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--sensitive-access",
            action="store_true",
            help="may see sensitive categories (poverty, disability, hardship), incomes and full birth dates",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(_("用户 %(name)s 已存在。") % {"name": username})
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(_("区划 %(code)s 不存在（先运行 load_regions）。") % {"code": options["region"]})
        write_region = None
        if options["write_region"]:
            write_region = Region.objects.filter(code=options["write_region"]).first()
            if write_region is None:
                raise CommandError(_("区划 %(code)s 不存在。") % {"code": options["write_region"]})
        password = os.environ.get("JIUYE_PASSWORD") or self._prompt()
        try:
            user = services.user_create(
                actor=None,
                username=username,
                full_name=options["full_name"],
                role=options["role"],
                region=region,
                write_region=write_region,
                password=password,
                sensitive_access=options["sensitive_access"],
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"created {user.username} ({user.role}, {user.region_id})")

    def _prompt(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError(_("两次输入的密码不一致。"))
        return first
