"""The matcher's speed (issue 17): ranking every open posting for one seeker, and the candidates
for one posting among every seeker, compute only, beside the brute-force reference of the same
rule in the same run; then the same through the API and the pages on a database of 100,000
postings, and the public board's search over them.

    .venv/bin/python bench/matching.py [--postings 100000] [--seekers 1500000]
    scripts/with-postgres.sh .venv/bin/python bench/matching.py --db-only

Uses DATABASE_URL (PostgreSQL) or a fresh SQLite file. Prints JSON lines and writes them to
bench/out/matching-<engine>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from jiuye.jobs import matching as m  # noqa: E402  (pure: no Django needed)

TODAY = date(2026, 12, 5)
OCCUPATIONS = [
    "6-05",
    "6-04",
    "6-09",
    "6-25",
    "4-03",
    "4-09",
    "4-10",
    "6-29",
    "6-28",
    "4-02",
    "6-02",
    "4-04",
    "4-01",
    "4-14",
    "2-02",
    "3-01",
]
SKILLS = [
    "缝纫",
    "锁边",
    "线束装配",
    "压接",
    "烹饪",
    "切配",
    "保洁",
    "育婴",
    "砌筑",
    "抹灰",
    "电工",
    "驾驶",
    "分拣",
    "制茶",
    "客服",
    "收银",
    "护理",
]
CERTS = ["", "", "", "电工证", "B2驾驶证", "育婴员证", "中式烹调师证"]
TITLES = [
    "缝纫工",
    "车位工",
    "电子线束装配工",
    "厨师",
    "保洁员",
    "育婴员",
    "砌筑工",
    "电工",
    "货车司机",
    "分拣员",
    "制茶工",
    "客服",
    "收银员",
    "护理员",
]
VILLAGES = [f"6109{c:02d}{t:03d}{v:03d}" for c in (2, 21, 22, 23, 24, 25) for t in range(1, 11) for v in range(1, 11)]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def make_postings(n: int, rng: random.Random) -> list[m.Posting]:
    found = []
    for i in range(n):
        low = rng.randint(20, 60) * 10_000
        placed = rng.random() < 0.7
        found.append(
            m.Posting(
                posting_id=i + 1,
                employer_id=rng.randint(1, n // 20 + 1),
                occupation=rng.choice(OCCUPATIONS),
                title=rng.choice(TITLES),
                skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
                certificate=rng.choice(CERTS),
                longitude=108.3 + rng.random() * 1.6 if placed else None,
                latitude=32.2 + rng.random() * 1.0 if placed else None,
                wage_min=low,
                wage_max=low + rng.randint(5, 30) * 10_000,
                min_age=rng.choice([None, 18]),
                max_age=rng.choice([None, 45, 55, 60]),
                education=rng.choice(["", "", "junior", "senior"]),
                valid_from=TODAY - timedelta(days=rng.randint(0, 60)),
                valid_until=TODAY + timedelta(days=rng.randint(-10, 120)),
                work_time="part" if rng.random() < 0.15 else "full",
                headcount=rng.randint(1, 20),
                region=rng.choice(VILLAGES),
            )
        )
    return found


def make_seeker(i: int, rng: random.Random) -> m.Seeker:
    wished = tuple(rng.sample(OCCUPATIONS, rng.randint(0, 2)))
    return m.Seeker(
        person_id=i,
        age=rng.randint(16, 60),
        education=rng.choice(["", "primary", "junior", "senior", "college"]),
        occupations=wished,
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
        longitude=108.3 + rng.random() * 1.6,
        latitude=32.2 + rng.random() * 1.0,
        wage_floor=rng.choice([0, 250_000, 350_000, 450_000]),
        work_time=rng.choice(["any", "full", "part"]),
        text=" ".join(wished),
        region=rng.choice(VILLAGES),
    )


def seeker_columns(n: int, seed: int) -> m.SeekerIndex:
    """1,500,000 seekers straight into columns (no objects: as the index is meant to be fed)."""
    g = np.random.default_rng(seed)
    numbers = np.array([m.occupation_number(c) for c in OCCUPATIONS], dtype=np.int16)
    wishes = np.full((n, 3), -1, dtype=np.int16)
    count = g.integers(0, 3, n)
    for col in range(2):
        chosen = numbers[g.integers(0, len(numbers), n)]
        wishes[:, col] = np.where(count > col, chosen, -1)
    pick = g.integers(0, len(SKILLS), (n, 2))
    has = g.integers(0, 3, n)
    skills = np.zeros((n, 2), dtype=np.uint64, order="F")
    for col in range(2):
        chosen = np.where(has > col, pick[:, col], -1)
        for s, skill in enumerate(SKILLS):
            word, offset = divmod(m._bit(skill, m.SKILL_BITS), 64)
            skills[chosen == s, word] |= np.uint64(1 << offset)
    # One seeker in five has stated the wish in words (a wished trade's name): its bigram bits.
    text = np.zeros((n, 4), dtype=np.uint64, order="F")
    worded = g.random(n) < 0.2
    phrases = [m.text_mask(t) for t in ("缝纫 服装", "厨师 餐饮", "电子厂 装配", "建筑 砌筑", "司机 驾驶", "保洁 家政")]
    choice = g.integers(0, len(phrases), n)
    for i, mask in enumerate(phrases):
        rows = worded & (choice == i)
        for word in range(4):
            text[rows, word] = np.uint64((mask >> (64 * word)) & 0xFFFFFFFFFFFFFFFF)
    text_count = np.where(worded, np.array([bin(p).count("1") for p in phrases])[choice], 0).astype(np.int64)
    villages = np.array([int(v) for v in VILLAGES], dtype=np.int64)
    codes = villages[g.integers(0, len(villages), n)]
    return m.SeekerIndex.from_columns(
        ids=np.arange(1, n + 1, dtype=np.int64),
        age=g.integers(16, 61, n).astype(np.int16),
        education=g.integers(0, 6, n).astype(np.int8),
        wishes=wishes,
        lon=108.3 + g.random(n) * 1.6,
        lat=32.2 + g.random(n),
        wage_floor=g.choice(np.array([0, 250_000, 350_000, 450_000]), n).astype(np.int64),
        places=m.Places.of_numbers(codes),
        time=g.integers(0, 3, n).astype(np.int8),
        skills=skills,
        text=text,
        text_count=text_count,
    )


def compute(n_postings: int, n_seekers: int) -> list[dict[str, Any]]:
    rng = random.Random(17)
    postings = make_postings(n_postings, rng)
    start = time.perf_counter()
    index = m.PostingIndex(postings)
    built = time.perf_counter() - start
    seekers = [make_seeker(i, rng) for i in range(1, 201)]
    for s in seekers[:5]:
        index.rank(s, TODAY)  # warm
    ranked = []
    for seeker in seekers:
        start = time.perf_counter()
        index.rank(seeker, TODAY, k=10)
        ranked.append(time.perf_counter() - start)
    brute = []
    for seeker in seekers[:5]:
        start = time.perf_counter()
        m.rank(seeker, postings, TODAY, k=10)
        brute.append(time.perf_counter() - start)
    same = all(
        [x.posting_id for x in index.rank(s, TODAY)] == [x.posting_id for x in m.rank(s, postings, TODAY)]
        for s in seekers[:5]
    )
    results = [
        {
            "measure": "rank postings for one seeker (compute)",
            "postings": n_postings,
            "index_build_s": round(built, 2),
            **percentiles(ranked),
            "brute_force_p50_ms": round(statistics.median(brute) * 1000, 1),
            "speedup": round(statistics.median(brute) / statistics.median(ranked), 1),
            "same_ranking_as_reference": same,
            "target_ms": 5,
        }
    ]
    start = time.perf_counter()
    people = seeker_columns(n_seekers, 23)
    built = time.perf_counter() - start
    probes = postings[:60]
    for p in probes[:3]:
        people.candidates(p, TODAY)
    found = []
    for probe in probes:
        start = time.perf_counter()
        people.candidates(probe, TODAY, k=20)
        found.append(time.perf_counter() - start)
    # The reference over a 100,000-seeker sample, scaled to the whole population (linear).
    sample = [make_seeker(i, rng) for i in range(1, 100_001)]
    start = time.perf_counter()
    m.candidates(probes[0], sample, TODAY, k=20)
    reference = (time.perf_counter() - start) * (n_seekers / len(sample))
    results.append(
        {
            "measure": "candidates for one posting (compute)",
            "seekers": n_seekers,
            "index_build_s": round(built, 2),
            **percentiles(found),
            "brute_force_estimate_ms": round(reference * 1000),
            "speedup": round(reference / statistics.median(found)),
            "target_ms": 30,
        }
    )
    return results


# --- through the database: the API, the person's page, the public board ------------------------


def _django() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["JIUYE_SEARCH_PER_MINUTE"] = "0"
    os.environ["JIUYE_PUBLIC_PER_MINUTE"] = "0"
    if not os.environ.get("DATABASE_URL"):
        OUT.mkdir(parents=True, exist_ok=True)
        db = OUT / "matching.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_regions", str(ROOT / "data" / "regions-610900.csv"), verbosity=0)
    return connection.vendor


def database(n_postings: int) -> list[dict[str, Any]]:
    engine = _django()
    from django.test import Client
    from django.utils import timezone

    from jiuye.accounts.services import token_create
    from jiuye.conftest import login, make_user
    from jiuye.employers.models import Employer
    from jiuye.jobs import facts
    from jiuye.jobs.models import Posting
    from jiuye.regions.models import Region
    from jiuye.registry.tests import factories as registry_factories

    today = timezone.localdate()
    admin = make_user("bench_admin", "city_admin", "610900000000")
    villages = list(Region.objects.filter(level="village").values_list("code", flat=True))
    rng = random.Random(5)
    employers = Employer.objects.bulk_create(
        [
            Employer(credit_code=f"B{i:017d}", name=f"基准单位{i}", kind="enterprise", region_id=rng.choice(villages))
            for i in range(2000)
        ]
    )
    start = time.perf_counter()
    rows = []
    for i in range(n_postings):
        low = rng.randint(20, 60) * 10_000
        employer = employers[i % len(employers)]
        rows.append(
            Posting(
                employer=employer,
                title=rng.choice(TITLES),
                occupation=rng.choice(OCCUPATIONS),
                headcount=rng.randint(1, 20),
                wage_min=low,
                wage_max=low + rng.randint(5, 30) * 10_000,
                region_id=employer.region_id,
                longitude=108.3 + rng.random() * 1.6 if rng.random() < 0.7 else None,
                latitude=32.2 + rng.random(),
                skills="、".join(rng.sample(SKILLS, rng.randint(0, 2))),
                valid_from=today - timedelta(days=rng.randint(0, 60)),
                valid_until=today + timedelta(days=rng.randint(1, 120)),
                work_time="part" if rng.random() < 0.15 else "full",
                published=True,
            )
        )
        rows[-1].search_text = Posting.search_text_of(rows[-1].title, employer.name, rows[-1].skills)
    Posting.objects.bulk_create(rows, batch_size=5000)
    Posting.objects.filter(longitude__isnull=True).update(latitude=None)
    loaded = time.perf_counter() - start
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as a live database has them
        cursor.execute("ANALYZE")
    person = registry_factories.person(admin, registry_factories.household(admin, village=villages[0]))
    from jiuye.jobs import services

    services.seeker_save(actor=admin, person=person, occupations_wished=["6-05"], skills="缝纫", wage_floor=300_000)
    start = time.perf_counter()
    facts.posting_index.get()
    built = time.perf_counter() - start
    _token, raw = token_create(user=admin, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    page = login(Client(), admin)
    anonymous = Client()
    url = f"/api/v1/jobs/persons/{person.pk}/recommendations"
    assert api.get(url).status_code == 200
    api_times = timed(lambda: api.get(url), 100)
    assert page.get(f"/registry/persons/{person.pk}/").status_code == 200
    page_times = timed(lambda: page.get(f"/registry/persons/{person.pk}/"), 50)
    queries = [
        {"q": "缝纫"},
        {"q": "电工"},
        {"occupation": "6"},
        {"county": "610924000000"},
        {"wage": "5000"},
        {},
        {"q": "基准单位7"},
        {"part_time": "on"},
    ]
    for q in queries:
        assert anonymous.get("/jobs/board/", q).status_code == 200
    board_times = timed(lambda: anonymous.get("/jobs/board/", rng.choice(queries)), 200)
    near_times = timed(lambda: anonymous.get("/jobs/board/", {"q": "缝纫", "lon": "108.9", "lat": "32.7"}), 50)
    return [
        {
            "measure": f"postings loaded ({engine})",
            "postings": n_postings,
            "seconds": round(loaded, 1),
            "index_build_s": round(built, 2),
        },
        {
            "measure": f"recommendations through the API ({engine})",
            "postings": n_postings,
            **percentiles(api_times),
            "target_p95_ms": 50,
        },
        {
            "measure": f"person's page with recommendations ({engine})",
            "postings": n_postings,
            **percentiles(page_times),
            "target_p95_ms": 50,
        },
        {
            "measure": f"public board search ({engine})",
            "postings": n_postings,
            **percentiles(board_times),
            "target_p95_ms": 100,
        },
        {"measure": f"public board nearest first ({engine})", "postings": n_postings, **percentiles(near_times)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--seekers", type=int, default=1_500_000)
    parser.add_argument("--db-only", action="store_true")
    parser.add_argument("--compute-only", action="store_true")
    args = parser.parse_args()
    results = [] if args.db_only else compute(args.postings, args.seekers)
    for line in results:
        print(json.dumps(line, ensure_ascii=False), flush=True)
    if args.compute_only:
        return
    results += database(args.postings)
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"matching-{connection.vendor}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    for line in results[-5:]:
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
