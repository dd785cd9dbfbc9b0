"""Two imports of overlapping files at the same time create no duplicate person.

Runs the real command in two processes against one SQLite file (WAL, BEGIN IMMEDIATE), the
way two clerks' uploads meet on a county server.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from jiuye.conftest import ROOT
from jiuye.registry import idcard

HEADER = ["村(社区)代码", "户编号", "姓名", "公民身份号码", "与户主关系", "劳动能力", "就业意愿", "就业状态"]


def _rows(start: int, stop: int) -> list[list[str]]:
    return [
        [
            "610924100001",
            f"H{i:04d}",
            f"测试{i}",
            idcard.make("610924", date(1980, 1, 1), i),
            "户主",
            "普通劳动力",
            "是",
            "务农",
        ]
        for i in range(start, stop)
    ]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_two_concurrent_imports_of_overlapping_files(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "JIUYE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "JIUYE_PASSWORD": "Concurrent-Import-1",
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    manage("migrate", "--noinput", "-v", "0")
    manage("load_regions", "data/regions-610900.csv")
    manage("create_user", "clerk_one", "--role", "county_officer", "--region", "610924000000")
    manage("create_user", "clerk_two", "--role", "county_officer", "--region", "610924000000")
    first = _write(tmp_path / "one.csv", _rows(0, 600))
    second = _write(tmp_path / "two.csv", _rows(300, 900))  # rows 300–599 are in both files
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "import_registry", str(path), "--as", user, "--batch-size", "50"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path, user in ((first, "clerk_one"), (second, "clerk_two"))
    ]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(o["created"] for o in outcomes) == 900
    assert sum(o["created"] + o["unchanged"] for o in outcomes) == 1200
    assert all(o["rejected"] == 0 for o in outcomes)
    count = manage(
        "shell",
        "--no-imports",
        "-c",
        "from jiuye.registry.models import Person, Household; print(Person.objects.count(), Household.objects.count())",
    )
    assert count.stdout.split() == ["900", "900"]
