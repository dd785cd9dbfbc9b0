"""python manage.py generate_demo_data --persons N --seed S [--out FILE.csv [--registrations-out FILE.csv]]

Writes a deterministic synthetic registry for the loaded regions in the ledger's import template
(and, with --registrations-out, the same persons' 就业失业登记 in theirs), or (without --out) loads
both through the import pipeline, and stops at once when a registry is already there.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.imports import services as import_services
from jiuye.regions.models import Region
from jiuye.registry.demo import (
    REGISTRATION_HEADERS,
    Registrant,
    Village,
    generate,
    registrant,
    registrations,
    write_csv,
)
from jiuye.registry.models import Person


class Command(BaseCommand):
    help = "Generate a synthetic registry (import template CSV with --out, or load it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--out", help="write the ledger's CSV here instead of loading it")
        parser.add_argument("--registrations-out", help="with --out: write the registrations' CSV here")
        parser.add_argument("--as", dest="username", default="city_admin", help="the importing user (city scope)")
        parser.add_argument("--as-of", dest="as_of", help="数据截至日期, default today")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        villages = [
            Village(code, bool(urban), name)
            for code, urban, name in Region.objects.filter(level="village")
            .order_by("code")
            .values_list("code", "urban", "name")
        ]
        if not villages:
            raise CommandError("no villages: run load_regions first")
        rows = generate(villages, persons=options["persons"], seed=options["seed"], as_of=as_of)
        people: list[Registrant] = []
        if options["out"]:
            count = write_csv(rows, Path(options["out"]), keep=lambda row: people.append(registrant(row)))
            written: dict[str, Any] = {"written": count, "file": options["out"]}
            if options["registrations_out"]:
                acts = registrations(people, seed=options["seed"] + 1, as_of=as_of)
                written["registrations"] = write_csv(
                    acts, Path(options["registrations_out"]), headers=REGISTRATION_HEADERS
                )
            self.stdout.write(json.dumps(written, ensure_ascii=False))
            return
        if Person.objects.exists():
            self.stdout.write(json.dumps({"skipped": "registry already loaded", "persons": Person.objects.count()}))
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}: run setup_demo first")
        started = time.perf_counter()
        path = Path(settings.VAR_DIR) / f"demo-registry-{options['seed']}.csv"
        write_csv(rows, path, keep=lambda row: people.append(registrant(row)))
        job = _import(user, path, "registry.persons", as_of)
        acts_path = Path(settings.VAR_DIR) / f"demo-registrations-{options['seed']}.csv"
        write_csv(registrations(people, seed=options["seed"] + 1, as_of=as_of), acts_path, headers=REGISTRATION_HEADERS)
        acts = _import(user, acts_path, "registry.registrations", as_of)
        self.stdout.write(
            json.dumps(
                {
                    "created": job.created,
                    "rejected": job.rejected,
                    "registrations": acts.created,
                    "registrations_rejected": acts.rejected,
                    "seconds": round(time.perf_counter() - started, 1),
                },
                ensure_ascii=False,
            )
        )


def _import(user: Any, path: Path, kind: str, as_of: date) -> Any:
    job = import_services.import_stage(user=user, source=path, original_name=path.name, as_of=as_of, kind=kind)
    job = import_services.import_run(job=job, batch_size=5000)
    path.unlink(missing_ok=True)
    return job
