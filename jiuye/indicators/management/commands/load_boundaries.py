"""Load the bureau's GeoJSON of a region's subdivisions for the dashboard map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import read_prefix
from jiuye.indicators import services
from jiuye.regions.models import Region


class Command(BaseCommand):
    help = "载入某区划下级单位的地图边界（GeoJSON），与“上传地图边界”页面相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="the region whose subdivisions the file draws")
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args: Any, file: str, region: str, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not has_perm(user, Perm.MANAGE_STATISTICS):
            raise CommandError("该用户不存在或无权管理统计设置。")
        place = Region.objects.filter(code=region, code__startswith=read_prefix(user) or "-").first()
        if place is None:
            raise CommandError("区划代码不存在或不在该用户管辖范围内。")
        try:
            _boundary, drawn, ignored = services.boundary_upload(actor=user, region=place, raw=Path(file).read_bytes())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            json.dumps({"region": place.code, "drawn": len(drawn), "ignored": ignored}, ensure_ascii=False)
        )
