"""The registry import against django-import-export on the same 20,000 rows, in one run.

    .venv/bin/python bench/compare_import_export.py [--rows N]

django-import-export (a bench-only dependency: bench/requirements.txt) is the usual Django way to
import a spreadsheet: a ModelResource, one row at a time through the ORM. The resource below does
the same writing work as Jiuye's import for a new row — household get-or-create, the person with
its ID number encrypted and keyed hash, gender and birth from the ID, masked forms, the status
spell and the key groups — but none of Jiuye's other checks. Each side starts from an empty
registry in its own database (DATABASE_URL, or a fresh SQLite file each).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _prepare() -> None:
    from django.core.management import call_command

    from jiuye.accounts.models import User
    from jiuye.regions.models import Region

    call_command("migrate", verbosity=0)
    call_command("load_regions", str(ROOT / "data" / "regions-610900.csv"), verbosity=0)
    if not User.objects.filter(username="bench_city").exists():
        user = User(username="bench_city", role="city_admin", region=Region.objects.get(code="610900000000"))
        user.set_unusable_password()
        user.save()
    # The clerk who imports the field's ledgers holds the security label for the sensitive key
    # groups (脱贫人口, 监测对象, 残疾人, 就业困难人员); without it those rows are refused.
    User.objects.filter(username="bench_city").update(sensitive_access=True)


def jiuye_side(csv_path: Path) -> dict[str, float]:
    from jiuye.accounts.models import User
    from jiuye.imports import kinds, runner

    user = User.objects.get(username="bench_city")
    kind = kinds.get("registry.persons")
    assert kind is not None
    started = time.perf_counter()
    result = runner.run(kind, csv_path, user=user, as_of=date.today(), batch_size=5000)
    if result.rejected:  # both sides must write every row for the comparison to be fair
        raise SystemExit(f"Jiuye rejected {result.rejected} generated rows; fix the bench first")
    return {"seconds": time.perf_counter() - started, "created": result.created, "rejected": result.rejected}


def import_export_side(csv_path: Path) -> dict[str, float]:
    import tablib
    from import_export import fields, resources

    from jiuye.core.masking import mask_id_number
    from jiuye.core.pinyin import name_pinyin
    from jiuye.regions.models import Region
    from jiuye.registry import idcard, services
    from jiuye.registry.choices import (
        EmploymentStatus,
        KeyGroup,
        LaborAbility,
        Relation,
        Source,
    )
    from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup

    def labels(choices: object) -> dict[str, str]:
        return {str(label): value for value, label in choices.choices}  # type: ignore[attr-defined]

    relation, ability, status, group = (
        labels(Relation),
        labels(LaborAbility),
        labels(EmploymentStatus),
        labels(KeyGroup),
    )
    regions = {r.code: r for r in Region.objects.filter(level="village")}

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="公民身份号码")

        class Meta:
            model = Person
            import_id_fields = ["id_hash"]
            fields = ("id_hash", "name", "id_number")
            skip_unchanged = True
            use_transactions = True

        def before_import_row(self, row: dict[str, str], **kwargs: object) -> None:
            number = idcard.normalize(row["公民身份号码"])
            info = idcard.parse(number)
            home, _created = Household.objects.get_or_create(
                region=regions[row["村(社区)代码"]],
                number=row["户编号"],
                defaults={"key": f"{row['村(社区)代码']}/{row['户编号']}"},
            )
            row["id_hash"] = services.id_hash(number)
            row["__extra"] = {  # type: ignore[assignment]
                "household": home,
                "region_id": home.region_id,
                "relation": relation.get(row["与户主关系"], Relation.OTHER),
                "name_pinyin": name_pinyin(row["姓名"]),
                "id_masked": mask_id_number(number),
                "gender": info.gender,
                "birth_date": info.birth_date,
                "labor_ability": ability.get(row["劳动能力"], LaborAbility.ORDINARY),
                "willing": row["就业意愿"] == "是",
                "status": status.get(row["就业状态"], EmploymentStatus.UNEMPLOYED),
                "status_since": date.today(),
            }

        def import_instance(self, instance: Person, row: dict[str, object], **kwargs: object) -> None:
            super().import_instance(instance, row, **kwargs)
            for key, value in row["__extra"].items():  # type: ignore[union-attr]
                setattr(instance, key, value)

        def after_save_instance(self, instance: Person, row: dict[str, object], **kwargs: object) -> None:
            EmploymentSpell.objects.create(
                person=instance, status=instance.status, start=instance.status_since, source=Source.IMPORT
            )
            for label in str(row.get("人员类别") or "").split("、"):
                if label in group:
                    PersonGroup.objects.create(person=instance, group=group[label])

    dataset = tablib.Dataset().load(csv_path.read_text(encoding="utf-8-sig"), format="csv")
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, raise_errors=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "created": result.totals.get("new", 0), "errors": len(result.row_errors())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--side", choices=["jiuye", "import-export"])
    parser.add_argument("--csv")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.side:  # a child: one side, in its own database
        _setup()
        _prepare()
        run = jiuye_side if args.side == "jiuye" else import_export_side
        print(json.dumps(run(Path(args.csv))))
        return
    csv_path = OUT / f"compare-{args.rows}.csv"
    database = os.environ.get("DATABASE_URL")
    if not csv_path.exists():
        env = {**os.environ, "DATABASE_URL": database or f"sqlite:///{OUT / 'compare-gen.sqlite3'}"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "load_regions", "data/regions-610900.csv"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "generate_demo_data",
                "--persons",
                str(args.rows),
                "--seed",
                "3",
                "--out",
                str(csv_path),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    results = {}
    for side in ("jiuye", "import-export"):
        env = dict(os.environ)
        if database:
            # One PostgreSQL database per side: drop and recreate the schema between them.
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    "from django.db import connection; c = connection.cursor(); c.execute('DROP SCHEMA public CASCADE'); c.execute('CREATE SCHEMA public')",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            db = OUT / f"compare-{side}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{db}"
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--side", side, "--csv", str(csv_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results[side] = json.loads(done.stdout.strip().splitlines()[-1])
        results[side]["rows_per_s"] = round(args.rows / results[side]["seconds"])
    results["ratio"] = round(results["import-export"]["seconds"] / results["jiuye"]["seconds"], 1)
    vendor = "postgresql" if database else "sqlite"
    (OUT / f"compare-import-export-{vendor}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
