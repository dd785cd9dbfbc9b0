"""Import benchmark: the registry's two imports against the physical baseline, in one run.

    .venv/bin/python bench/run.py [--rows N] [--xlsx-rows N] [--memory-rows N]

Uses DATABASE_URL (PostgreSQL, e.g. through scripts/with-postgres.sh) or a fresh SQLite file.
For each database it measures, on the same generated rows:
- the baseline: the same rows, already valid, written raw into a table of the same width with
  a primary key, a unique ID-hash index and a household index (COPY on PostgreSQL,
  executemany on SQLite);
- the import: the real pipeline (``imports.runner`` with the ledger's kind: parse, validate
  column-wise, encrypt, hash, write, history, zero-employment refresh, audit), in a child process
  so its peak memory is its own;
- the registrations import (就业失业登记) of the same persons, against its own baseline;
- with --memory-rows, the peak memory of a ledger that large (3,000,000 rows: the issue's bound).
Results go to bench/out/results.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def _setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child_import(csv_path: str, as_of: str, kind: str = "registry.persons") -> None:
    """Runs in a child process: one import of that kind, then print seconds and peak RSS."""
    _setup_django(None)
    from datetime import date

    from jiuye.accounts.models import User
    from jiuye.imports import kinds, runner

    import_kind = kinds.get(kind)
    assert import_kind is not None
    user = User.objects.get(username="bench_city")
    started = time.perf_counter()
    result = runner.run(import_kind, csv_path, user=user, as_of=date.fromisoformat(as_of), batch_size=5000)
    seconds = time.perf_counter() - started
    peak = _peak_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": result.rows_read,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "peak_mib": peak,
            }
        )
    )


def _peak_mib() -> float:
    """This process's own peak RSS. (ru_maxrss survives execve, so a child would report the
    parent's peak at fork time — here the baseline's rows held in memory.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", str(ROOT / "data" / "regions-610900.csv"))
    from jiuye.accounts.models import User
    from jiuye.regions.models import Region

    if not User.objects.filter(username="bench_city").exists():
        user = User(username="bench_city", role="city_admin", region=Region.objects.get(code="610900000000"))
        user.set_unusable_password()
        user.save()
    # The clerk who imports the field's ledgers holds the security label for the sensitive key
    # groups (脱贫人口, 监测对象, 残疾人, 就业困难人员); without it those rows are refused.
    User.objects.filter(username="bench_city").update(sensitive_access=True)


def baseline(csv_path: Path, key: tuple[int, ...] = (0, 1), *, unique: str = "id_hash") -> float:
    """The same rows, already valid, straight into an indexed table of the same width (with a
    keyed hash of the ID number and a second key, indexed as the real tables are)."""
    import polars as pl
    from django.db import connection

    from jiuye.core.bulk import insert_frame
    from jiuye.core.crypto import blind_index

    with csv_path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        id_column = header.index("公民身份号码")
        rows = [(*r, blind_index(r[id_column], purpose="bench"), "/".join(r[k] for k in key)) for r in reader]
    columns = [f"c{i}" for i in range(len(header))] + ["id_hash", "household_key"]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.Utf8), orient="row")
    del rows
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        pk = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
        cursor.execute(f"CREATE TABLE bench_raw (id {pk}, {', '.join(c + ' TEXT' for c in columns)})")
        other = "household_key" if unique == "id_hash" else "id_hash"
        cursor.execute(f"CREATE UNIQUE INDEX bench_raw_unique ON bench_raw ({unique})")
        cursor.execute(f"CREATE INDEX bench_raw_other ON bench_raw ({other})")
    from django.db import transaction

    from jiuye.imports.runner import large_page_cache

    # The same writer the import uses (COPY of CSV text on PostgreSQL, executemany on SQLite),
    # in batches of the same size, with the same SQLite page cache: the physical floor.
    with large_page_cache():
        started = time.perf_counter()
        for start in range(0, frame.height, 5000):
            with transaction.atomic():
                insert_frame("bench_raw", frame.slice(start, 5000))
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    return seconds


def write_xlsx(csv_path: Path, xlsx_path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    with csv_path.open(encoding="utf-8") as fh:
        for r, record in enumerate(csv.reader(fh)):
            if r > rows:
                break
            sheet.write_row(r, 0, record)
    workbook.close()


def _generate(path: Path, rows: int, seed: int, database_url: str) -> None:
    """The ledger, and beside it (``…-registrations.csv``) the same persons' registrations."""
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "generate_demo_data",
            "--persons",
            str(rows),
            "--seed",
            str(seed),
            "--out",
            str(path),
            "--registrations-out",
            str(registrations_of(path)),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


def registrations_of(path: Path) -> Path:
    return path.with_name(path.stem + "-registrations.csv")


def _header(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as f:
        return f.readline().strip()


def _generated(rows: int, *, seed: int, database_url: str) -> Path:
    """The generated file, kept between runs; made again when the template's columns have
    changed since (the template only grows, and the bench should import every column)."""
    path = OUT / f"registry-{rows}-seed{seed}.csv"
    if path.exists():
        probe = OUT / "header-probe.csv"
        _generate(probe, 10, seed, database_url)
        if _header(probe) != _header(path) or not registrations_of(path).exists():
            path.unlink()
        probe.unlink()
        registrations_of(probe).unlink(missing_ok=True)
    if not path.exists():
        _generate(path, rows, seed, database_url)
    return path


def run_child(path: Path, as_of: str, env: dict[str, str], kind: str = "registry.persons") -> dict[str, float]:
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", str(path), as_of, kind],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--memory-rows", type=int, default=0, help="also: the peak memory of a ledger this large")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child_import(*args.child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / 'bench.sqlite3'}"
    if database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    _setup_django(database_url)
    from django.db import connection
    from django.utils import timezone

    prepare_database()
    as_of = timezone.localdate().isoformat()
    csv_path = _generated(args.rows, seed=7, database_url=database_url)
    vendor = connection.vendor
    results: dict[str, object] = {"database": vendor, "rows": args.rows}
    results["baseline_seconds"] = baseline(csv_path)
    env = {**os.environ, "DATABASE_URL": database_url}
    csv_run = run_child(csv_path, as_of, env)
    results["csv"] = csv_run
    if csv_run["rejected"]:  # the generated rows are all valid: a refusal would skew the figure
        raise SystemExit(f"the bench import rejected {csv_run['rejected']} generated rows; fix the bench first")
    again = run_child(csv_path, as_of, env)  # the same file again: every row unchanged
    results["csv_again_seconds"] = again["seconds"]
    # The registrations of the same persons, against their own raw-insert baseline.
    acts = registrations_of(csv_path)
    # (a person's acts: unique by person, kind and day, as the table's own index)
    results["registrations_baseline_seconds"] = baseline(acts, key=(0, 1, 2), unique="household_key")
    registered = run_child(acts, as_of, env, kind="registry.registrations")
    results["registrations"] = registered
    if registered["rejected"]:
        raise SystemExit(f"the registrations import rejected {registered['rejected']} generated rows")
    if args.xlsx_rows:
        xlsx_path = OUT / f"registry-{args.xlsx_rows}-seed8.xlsx"
        source = _generated(args.xlsx_rows, seed=8, database_url=database_url)
        if not xlsx_path.exists() or xlsx_path.stat().st_mtime < source.stat().st_mtime:
            write_xlsx(source, xlsx_path, args.xlsx_rows)
        results["xlsx_rows"] = args.xlsx_rows
        results["xlsx"] = run_child(xlsx_path, as_of, env)  # other persons: new rows
        # Seed 8's persons go into the registry seed 7 filled: a few dozen of them draw an ID number
        # already taken there and are rightly refused. More than that would skew the figure.
        if results["xlsx"]["rejected"] > args.xlsx_rows // 1000:  # type: ignore[index]
            raise SystemExit(f"the bench .xlsx import rejected {results['xlsx']['rejected']} rows")  # type: ignore[index]
    rows = args.rows
    line = {
        "import rows/s (CSV, new rows)": round(rows / csv_run["seconds"]),
        "baseline rows/s": round(rows / float(results["baseline_seconds"])),  # type: ignore[arg-type]
        "import / baseline": round(float(results["baseline_seconds"]) / csv_run["seconds"], 3),  # type: ignore[arg-type]
        "re-import rows/s (unchanged)": round(rows / again["seconds"]),
        "peak MiB": round(csv_run["peak_mib"]),
    }
    acts_rows = registered["rows"]
    line["registrations rows/s"] = round(acts_rows / registered["seconds"])
    line["registrations baseline rows/s"] = round(acts_rows / float(results["registrations_baseline_seconds"]))  # type: ignore[arg-type]
    if args.memory_rows:
        big = _generated(args.memory_rows, seed=9, database_url=database_url)
        results["memory"] = run_child(big, as_of, env)
        line[f"peak MiB ({args.memory_rows:,} rows)"] = round(results["memory"]["peak_mib"])  # type: ignore[index]
        line[f"rows/s ({args.memory_rows:,} rows)"] = round(args.memory_rows / results["memory"]["seconds"])  # type: ignore[index]
    if args.xlsx_rows:
        line["xlsx rows/s (new rows)"] = round(args.xlsx_rows / results["xlsx"]["seconds"])  # type: ignore[index]
        line["xlsx rows rejected"] = results["xlsx"]["rejected"]  # type: ignore[index]
    results["summary"] = line
    (OUT / f"results-{vendor}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\n| {vendor} | " + " | ".join(f"{k}: {v}" for k, v in line.items()) + " |")


if __name__ == "__main__":
    main()
