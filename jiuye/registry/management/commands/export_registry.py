"""python manage.py export_registry --as USERNAME --out FILE.xlsx [filters]

The same export as the page: scoped to the user, masked, formula-safe, watermarked, audited.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm, has_perm
from jiuye.registry.exports import person_export
from jiuye.registry.selectors import PersonFilters, state_filter


class Command(BaseCommand):
    help = "Export the registry list visible to a user to .xlsx (masked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--out", required=True)
        for name in ("region", "status", "group", "ability", "willing", "age-band", "name"):
            parser.add_argument(f"--{name}", default="")
        parser.add_argument("--state", default="", help="在册状态 (default: active); 'all' for everyone")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        if not has_perm(user, Perm.VIEW_PERSONAL_DATA):
            raise CommandError("this user's role may not read the registry")
        filters = PersonFilters(
            region=options["region"],
            status=options["status"],
            group=options["group"],
            ability=options["ability"],
            willing=options["willing"],
            age_band=options["age_band"],
            name=options["name"],
            state=state_filter(options["state"]),
        )
        try:
            count = person_export(user=user, filters=filters, path=Path(options["out"]))
        except PermissionDenied as exc:  # e.g. a sensitive key group without the security label
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:  # e.g. a region code that names no region
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(json.dumps({"rows": count, "file": options["out"]}, ensure_ascii=False))
