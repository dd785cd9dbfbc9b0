"""python manage.py setup_demo — demo logins, one per role and level (never in production).

Passwords are random, written once to var/demo-logins.txt and printed at every start. The
admin roles get a TOTP secret too; ``demo_totp USERNAME`` prints the current code.
"""

from __future__ import annotations

import secrets
import string
from pathlib import Path
from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.accounts import services
from jiuye.accounts.models import TOTPDevice, User
from jiuye.core.permissions import MATRIX, Perm, Role, requires_mfa
from jiuye.regions.models import Region

# (username, role, region code, full name); 紫阳县 is 610924, 汉滨区 is 610902.
DEMO_USERS = [
    ("city_admin", Role.CITY_ADMIN, "610900000000", "市局业务管理员"),
    ("ziyang_officer", Role.COUNTY_OFFICER, "610924000000", "紫阳县经办员"),
    # Maker–checker of the programs: a second county officer reviews, a second city admin approves.
    ("ziyang_reviewer", Role.COUNTY_OFFICER, "610924000000", "紫阳县审核员"),
    ("city_approver", Role.CITY_ADMIN, "610900000000", "市局审批员"),
    ("hanbin_officer", Role.COUNTY_OFFICER, "610902000000", "汉滨区经办员"),
    ("ziyang_town_officer", Role.TOWN_OFFICER, "610924100000", "城关镇经办员"),
    ("ziyang_village_clerk", Role.VILLAGE_CLERK, None, "村协理员"),
    ("leader", Role.LEADER, "610900000000", "分管领导"),
    ("system_admin", Role.SYSTEM_ADMIN, "610900000000", "系统管理员"),
    ("security_admin", Role.SECURITY_ADMIN, "610900000000", "安全管理员"),
    ("audit_admin", Role.AUDIT_ADMIN, "610900000000", "审计管理员"),
]


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"Jy-{core}-{secrets.randbelow(90) + 10}"


class Command(BaseCommand):
    help = "Create the demo logins (development only) and print them."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("setup_demo is refused in production.")
        path = Path(settings.VAR_DIR) / "demo-logins.txt"
        lines = []
        for username, role, code, full_name in DEMO_USERS:
            region = self._region(role, code)
            user = User.objects.filter(username=username).first()
            if user is None:
                password = _password()
                user = services.user_create(
                    actor=None,
                    username=username,
                    role=role,
                    region=region,
                    password=password,
                    full_name=full_name,
                    # The business logins see the sensitive categories; the leader shows the
                    # restricted view (ages instead of birth dates, no poverty or disability labels).
                    sensitive_access=role in MATRIX[Perm.EDIT_BUSINESS_DATA],
                )
                secret = ""
                if requires_mfa(role):
                    secret = pyotp.random_base32()
                    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
                lines.append(f"{username}\t{password}\t{role}\t{region.code} {region.name}\t{secret}")
        if lines:
            with path.open("a") as fh:
                fh.write("\n".join(lines) + "\n")
            path.chmod(0o600)
        self.stdout.write("")
        self.stdout.write("演示账户 / demo logins (仅供演示 / demo only) — http://127.0.0.1:8000")
        self.stdout.write("用户名\t密码\t角色\t区划\tTOTP密钥（管理员；当前口令: python manage.py demo_totp 用户名）")
        self.stdout.write(path.read_text() if path.exists() else "")

    def _region(self, role: str, code: str | None) -> Region:
        if code is None:  # the first village of the demo town
            region = Region.objects.filter(parent_id="610924100000").order_by("code").first()
        else:
            region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(_("区划数据缺失：先运行 load_regions data/regions-610900.csv。"))
        return region
