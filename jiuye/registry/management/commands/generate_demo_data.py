"""python manage.py generate_demo_data --persons N --seed S [--out FILE.csv]

Writes a deterministic synthetic registry for the loaded regions in the import template, or
(without --out) loads it through the import pipeline, adds two years of registrations, and
stops at once when a registry is already there.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.imports import services as import_services
from jiuye.regions.models import Region
from jiuye.registry.choices import EmploymentForm, RegistrationKind, UnemploymentEnd, UnemploymentReason
from jiuye.registry.demo import Village, generate, write_csv
from jiuye.registry.models import Person, Registration
from jiuye.registry.rules import DEFAULT_EMPLOYED


class Command(BaseCommand):
    help = "Generate a synthetic registry (import template CSV with --out, or load it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--out", help="write the CSV here instead of loading it")
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
        if options["out"]:
            count = write_csv(rows, Path(options["out"]))
            self.stdout.write(json.dumps({"written": count, "file": options["out"]}, ensure_ascii=False))
            return
        if Person.objects.exists():
            self.stdout.write(json.dumps({"skipped": "registry already loaded", "persons": Person.objects.count()}))
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}: run setup_demo first")
        path = Path(settings.VAR_DIR) / f"demo-registry-{options['seed']}.csv"
        write_csv(rows, path)
        started = time.perf_counter()
        job = import_services.import_stage(user=user, source=path, original_name=path.name, as_of=as_of)
        job = import_services.import_run(job=job, batch_size=5000)
        path.unlink(missing_ok=True)
        registrations = _registrations(seed=options["seed"], as_of=as_of)
        self.stdout.write(
            json.dumps(
                {
                    "created": job.created,
                    "rejected": job.rejected,
                    "registrations": registrations,
                    "seconds": round(time.perf_counter() - started, 1),
                },
                ensure_ascii=False,
            )
        )


@transaction.atomic
def _registrations(*, seed: int, as_of: date) -> int:
    """Two years of 就业登记 and 失业登记 for urban residents, consistent with their spells."""
    rng = random.Random(seed + 1)  # noqa: S311 (synthetic demo data, not security)
    since = as_of - timedelta(days=730)
    urban = set(Region.objects.filter(level="village", urban=True).values_list("code", flat=True))
    made: list[Registration] = []
    people = Person.objects.filter(region_id__in=urban, status_since__gte=since).values_list(
        "pk", "region_id", "status", "status_since"
    )
    for pk, region_id, status, start in people.iterator(5000):
        if status in DEFAULT_EMPLOYED and rng.random() < 0.6:
            form = {
                "self_employed": EmploymentForm.SELF_EMPLOYED,
                "flexible": EmploymentForm.FLEXIBLE,
                "public_welfare": EmploymentForm.PUBLIC_WELFARE,
            }.get(status, EmploymentForm.EMPLOYER)
            made.append(
                Registration(
                    person_id=pk,
                    region_id=region_id,
                    kind=RegistrationKind.EMPLOYMENT,
                    date=start,
                    urban=True,
                    form=form,
                )
            )
        elif status == "unemployed" and rng.random() < 0.5:
            ended = rng.random() < 0.2
            made.append(
                Registration(
                    person_id=pk,
                    region_id=region_id,
                    kind=RegistrationKind.UNEMPLOYMENT,
                    date=start,
                    urban=True,
                    reason=rng.choice(list(UnemploymentReason.values)),
                    ended_on=min(as_of, start + timedelta(days=rng.randint(30, 300))) if ended else None,
                    end_reason=UnemploymentEnd.OTHER if ended else "",
                )
            )
    Registration.objects.bulk_create(made, batch_size=2000)
    return len(made)
