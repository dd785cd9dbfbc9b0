"""免申即享 at city scale (issue 18): the job-retention refund over 20,000 insured units, the
one-off hiring subsidy and the one-off start-up subsidy over a registry of 1,500,000 persons,
each a full check of the whole city that proposes claims — beside, in the same run, the bare
SQL that only counts the same candidates (the floor any check must pay to read its facts).

    .venv/bin/python bench/programs.py [--persons 1500000] [--units 20000]
    scripts/with-postgres.sh .venv/bin/python bench/programs.py

Uses DATABASE_URL (PostgreSQL) or a fresh SQLite file. The registry is bench/city.py's synthetic
city; units, their insurance years and the employers named by this year's hires are added here.
Results go to bench/out/programs-<vendor>.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench.city import _setup, build_city  # noqa: E402

TODAY = date(2026, 12, 5)


def add_units(units: int, *, seed: int = 11) -> dict[str, Any]:
    """Insured units (half of them employers in the directory), their last-year insurance facts,
    and this year's wage-employment spells of key-group persons pointed at the employers."""
    from django.db import connection, transaction

    from jiuye.core.credit_code import CHARSET, check_character
    from jiuye.employers.models import Employer
    from jiuye.programs.models import InsuranceFact
    from jiuye.regions.models import Region
    from jiuye.registry.models import EmploymentSpell

    rng = random.Random(seed)
    towns = list(Region.objects.filter(level="town").values_list("code", flat=True))
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < units:
        first17 = "91610900" + "".join(rng.choice(CHARSET) for _ in range(9))
        if first17 not in seen:
            seen.add(first17)
            codes.append(first17 + check_character(first17))
    started = time.perf_counter()
    with transaction.atomic():
        Employer.objects.bulk_create(
            [
                Employer(credit_code=c, name=f"单位{i}", kind="enterprise", region_id=rng.choice(towns))
                for i, c in enumerate(codes[: units // 2])
            ],
            batch_size=2000,
        )
        InsuranceFact.objects.bulk_create(
            [
                InsuranceFact(
                    credit_code=c,
                    name=f"单位{i}",
                    unit_type=rng.choice(["enterprise"] * 9 + ["social_group"]),
                    region_code=rng.choice(towns)[:6] + "000000",
                    year=TODAY.year - 1,
                    months_paid=12 if rng.random() < 0.9 else 8,
                    premiums=rng.randint(50_000, 50_000_000),
                    avg_insured=(n := rng.choice([5, 12, 30, 45, 80, 150, 400])),
                    layoffs=0 if rng.random() < 0.7 else rng.randint(1, max(1, n // 6)),
                    bank_account="6217000" + str(rng.randrange(10**12)).zfill(12),
                )
                for i, c in enumerate(codes)
            ],
            batch_size=2000,
        )
        employers = codes[: units // 2]
        hires = list(
            EmploymentSpell.objects.filter(
                status__in=["in_county", "in_province", "out_of_province"],
                end__isnull=True,
                person__groups__isnull=False,
            )
            .values_list("id", flat=True)
            .distinct()[: len(employers) * 4]
        )
        with connection.cursor() as cursor:
            for start in range(0, len(hires), 5000):
                chunk = hires[start : start + 5000]
                cursor.executemany(
                    f"UPDATE {EmploymentSpell._meta.db_table} SET employer_credit_code = %s, start = %s WHERE id = %s",  # noqa: S608
                    [(rng.choice(employers), date(TODAY.year, rng.randint(1, 6), 1), pk) for pk in chunk],
                )
    return {
        "units": units,
        "employers": len(employers),
        "hires": len(hires),
        "seconds": round(time.perf_counter() - started, 1),
    }


def floor_counts() -> dict[str, float]:
    """The bare SQL reading the same candidates, counting only (no rule, no claims written)."""
    from django.db import connection

    queries = {
        "refund": "SELECT COUNT(*) FROM programs_insurancefact WHERE year = %s",
        "hiring": (
            "SELECT COUNT(DISTINCT s.person_id) FROM registry_employmentspell s"
            " JOIN registry_persongroup g ON g.person_id = s.person_id"
            " WHERE s.employer_credit_code <> '' AND s.start >= %s AND s.status IN ('in_county','in_province','out_of_province')"
        ),
        "startup": (
            "SELECT COUNT(DISTINCT s.person_id) FROM registry_employmentspell s"
            " JOIN registry_persongroup g ON g.person_id = s.person_id"
            " WHERE s.status = 'self_employed' AND s.start >= %s"
        ),
    }
    params = {"refund": [TODAY.year - 1], "hiring": [date(TODAY.year, 1, 1)], "startup": [date(TODAY.year - 1, 1, 1)]}
    out = {}
    with connection.cursor() as cursor:
        for code, sql in queries.items():
            started = time.perf_counter()
            cursor.execute(sql, params[code])
            cursor.fetchone()
            out[code] = round(time.perf_counter() - started, 2)
    return out


def run(persons: int, units: int) -> dict[str, Any]:
    _setup()
    from django.db import connection

    from jiuye.accounts.models import User
    from jiuye.programs import rules, services

    city = build_city(persons, today=TODAY)
    extra = add_units(units)
    actor = User.objects.get(username="bench_city")
    floor = floor_counts()
    checks = {}
    for code, year in (("refund", TODAY.year - 1), ("hiring", TODAY.year), ("startup", TODAY.year)):
        program = rules.get(code)
        assert program is not None
        started = time.perf_counter()
        result = services.proactive_run(
            actor=actor, program=program, year=year, region_code="610900000000", today=TODAY
        )
        seconds = time.perf_counter() - started
        checks[code] = {
            "checked": result.checked,
            "proposed": result.proposed,
            "seconds": round(seconds, 2),
            "floor_seconds": floor[code],
        }
    total = round(sum(c["seconds"] for c in checks.values()), 2)
    return {"vendor": connection.vendor, "city": city, "units": extra, "checks": checks, "total_seconds": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_500_000)
    parser.add_argument("--units", type=int, default=20_000)
    args = parser.parse_args()
    result = run(args.persons, args.units)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"programs-{result['vendor']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False))
    print("\n| check | candidates | proposed | seconds | bare count query |\n| --- | --- | --- | --- | --- |")
    for code, c in result["checks"].items():
        print(f"| {code} | {c['checked']:,} | {c['proposed']:,} | {c['seconds']} | {c['floor_seconds']} |")
    print(f"| all three | | | **{result['total_seconds']}** (target ≤ 60) | |")


if __name__ == "__main__":
    main()
