"""Many clerks at once on the same few households (security bar C-4: "50-way contention, 0 × 5xx").

    .venv/bin/python bench/contention.py [--clerks 50] [--operations 20] [--households 3]

Uses DATABASE_URL (PostgreSQL, e.g. through scripts/with-postgres.sh) or a fresh SQLite file.
Each clerk is a process of its own, with its own session and database connection, going through the whole
page stack (middleware, views, services) with Django's test client, as fast as it can:
- status changes of the households' members (each one flips its household's zero-employment
  verdict, so the household row is updated after the audit head is locked), and
- edits of the households' relocation site (the household row is locked first, then the head),
which is the lock order that deadlocks on PostgreSQL. Afterwards the registry must hold: one open
status spell per person, spells that do not overlap, each household's verdict as recomputed, and
an intact audit chain. Prints one JSON line; exits 1 on any 5xx or broken invariant.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        OUT.mkdir(parents=True, exist_ok=True)
        db = OUT / "contention.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()


class _Conflicts(logging.Handler):
    """Counts the retries ``core.db`` logs."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retried = 0
        self.count_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            with self.count_lock:
                self.retried += 1


def prepare(clerks: int, households: int, size: int) -> tuple[list[str], list[int], dict[int, list[int]]]:
    from django.core.management import call_command

    from jiuye.accounts.models import User
    from jiuye.regions.models import Region
    from jiuye.registry import services
    from jiuye.registry.choices import EmploymentStatus, LaborAbility, Relation

    call_command("migrate", verbosity=0)
    call_command("load_regions", str(ROOT / "data" / "regions-610900.csv"), verbosity=0)
    county = Region.objects.get(code="610924000000")
    names = []
    for n in range(clerks):
        name = f"contention_{n:02d}"
        user, _created = User.objects.get_or_create(
            username=name, defaults={"role": "county_officer", "region": county, "sensitive_access": True}
        )
        user.set_unusable_password()
        user.save()
        names.append(name)
    actor = User.objects.get(username=names[0])
    village = Region.objects.get(code="610924100001")
    members: dict[int, list[int]] = {}
    from jiuye.registry.idcard import make

    serial = 0
    for h in range(households):
        home = services.household_get_or_create(actor=actor, region=village, number=f"C{h:03d}")
        members[home.pk] = []
        for m in range(size):
            serial += 1
            person = services.person_create(
                actor=actor,
                household=home,
                data=services.PersonInput(
                    name=f"争用{h}{m}",
                    id_number=make("610924", date(1980 + m, 3, 1 + h), serial),
                    relation=Relation.HEAD if m == 0 else Relation.CHILD,
                    labor_ability=LaborAbility.ORDINARY,
                    willing=True,
                    status=EmploymentStatus.UNEMPLOYED,
                    status_since=date(2025, 1, 1),
                ),
            )
            members[home.pk].append(person.pk)
    return names, list(members), members


def clerk(
    username: str, households: list[int], members: dict[int, list[int]], operations: int, seed: int
) -> Counter[str]:
    """One clerk, in a process of its own (threads would take turns at the GIL and hardly meet
    in the database)."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jiuye.accounts.models import User

    conflicts = _Conflicts()
    logging.getLogger("jiuye.core.db").addHandler(conflicts)
    logging.getLogger("jiuye.core.db").setLevel(logging.INFO)
    rng = random.Random(seed)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    session = client.session
    now = time.time()
    session["jy_login_at"], session["jy_seen_at"] = now, now
    session.save()
    today = timezone.localdate().isoformat()
    tally: Counter[str] = Counter()
    try:
        for _ in range(operations):
            household = rng.choice(households)
            if rng.random() < 0.6:
                person = rng.choice(members[household])
                status = rng.choice(["unemployed", "in_county"])  # flips the household's verdict often
                response = client.post(f"/registry/persons/{person}/status/", {"status": status, "start": today})
                tally[f"status {response.status_code}"] += 1
            else:
                site = rng.choice(["", "城关安置点", "新村安置点"])
                response = client.post(f"/registry/households/{household}/edit/", {"relocation_site": site})
                tally[f"household {response.status_code}"] += 1
            if response.status_code >= 500:
                tally["5xx"] += 1
    finally:
        connection.close()
    tally["retried"] += conflicts.retried
    return tally


def _clerk_process(queue: Any, *args: Any) -> None:
    try:
        queue.put(clerk(*args))
    except BaseException as exc:  # reported, so that the parent does not wait for ever
        queue.put(Counter({f"crashed: {exc!r}"[:200]: 1}))


def same_day_race(names: list[str], person_pk: int) -> list[str]:
    """Two clerks change one person's status on the same day while the first is held inside its
    transaction (its replacement of the day's spell, in place, slowed by a second): the second must wait for
    the first and then replace its spell, not insert a second open spell (a 500 before services
    locked the person first)."""
    from django.db import connection
    from django.utils import timezone

    from jiuye.accounts.models import User
    from jiuye.registry import services
    from jiuye.registry.models import EmploymentSpell, Person

    today = timezone.localdate()
    save = EmploymentSpell.save

    def slow_save(self: EmploymentSpell, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)
        return save(self, *args, **kwargs)

    outcomes: list[str] = []

    def change(name: str, status: str) -> None:
        try:
            actor, person = User.objects.get(username=name), Person.objects.get(pk=person_pk)
            services.status_change(actor=actor, person=person, status=status, start=today)
            outcomes.append("ok")
        except Exception as exc:  # the outcome is the point
            outcomes.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
        finally:
            connection.close()

    change(names[0], "in_county")  # today's spell, which the next two replace
    EmploymentSpell.save = slow_save  # type: ignore[method-assign,assignment]
    try:
        first = threading.Thread(target=change, args=(names[0], "unemployed"))
        second = threading.Thread(target=change, args=(names[1], "farming"))
        first.start()
        time.sleep(0.3)
        second.start()
        first.join()
        second.join()
    finally:
        EmploymentSpell.save = save  # type: ignore[method-assign]
    problems = [f"same-day race: {outcome}" for outcome in outcomes if outcome != "ok"]
    if EmploymentSpell.objects.filter(person_id=person_pk, end__isnull=True).count() != 1:
        problems.append("same-day race: not exactly one open spell")
    return problems


def check_invariants() -> list[str]:
    from jiuye.core.audit import verify_chain
    from jiuye.registry import services
    from jiuye.registry.models import EmploymentSpell, Household, Person

    problems = []
    for person in Person.objects.filter(name__startswith="争用"):
        spells = list(EmploymentSpell.objects.filter(person=person).order_by("start", "id"))
        if sum(1 for s in spells if s.end is None) != 1:
            problems.append(f"person {person.pk}: not exactly one open spell")
        for before, after in pairwise(spells):
            if before.end is None or before.end >= after.start:
                problems.append(f"person {person.pk}: spells overlap at {after.start}")
        if spells and (spells[-1].status, spells[-1].start) != (person.status, person.status_since):
            problems.append(f"person {person.pk}: current status disagrees with the open spell")
    for household in Household.objects.filter(number__startswith="C"):
        stored = (household.zero_employment, household.has_labor)
        services.household_refresh(household=household)
        household.refresh_from_db()
        if stored != (household.zero_employment, household.has_labor):
            problems.append(f"household {household.pk}: stored verdict was stale")
    if not verify_chain().ok:
        problems.append("audit chain broken")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--operations", type=int, default=20)
    parser.add_argument("--households", type=int, default=3)
    parser.add_argument("--members", type=int, default=2, help="working-age members of each household")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 5xx are counted, not printed
    names, households, members = prepare(args.clerks, args.households, args.members)
    connection.close()  # each forked clerk opens its own
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_clerk_process, args=(queue, name, households, members, args.operations, n))
        for n, name in enumerate(names)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    counts: Counter[str] = Counter()
    for _process in processes:
        counts.update(queue.get())
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    problems = same_day_race(names, members[households[0]][0]) + check_invariants()
    result = {
        "database": connection.vendor,
        "clerks": args.clerks,
        "requests": sum(v for k, v in counts.items() if k.split()[0] in ("status", "household")),
        "seconds": round(seconds, 1),
        "responses": {k: v for k, v in sorted(counts.items()) if k not in ("5xx", "retried")},
        "server_errors": counts["5xx"],
        "conflicts_retried": counts["retried"],
        "problems": problems,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"contention-{connection.vendor}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))
    if counts["5xx"] or problems or any(k.startswith("crashed") for k in counts):
        sys.exit(1)


if __name__ == "__main__":
    main()
