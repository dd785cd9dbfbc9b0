"""Match quality on a labelled set (issue 17): precision@10 of the full matcher against a
keyword-only baseline, on seekers whose good postings are known.

    .venv/bin/python bench/match_quality.py            # score the set in bench/data/
    .venv/bin/python bench/match_quality.py --generate # write the set again (seeded: the same file)

The set (``bench/data/match-quality.json``) is generated, not observed: 2,000 postings in six
counties and 200 seekers, each with a true trade, a home, a wage floor, an age and an education.
A seeker describes the wish in the words people use ("做衣服", "开车"), and a posting's title is one
of the trade's usual names ("车位工", "制衣工"), so words and titles do not always meet. A posting is
*good* for a seeker when it is of the seeker's trade, within 20 km of home, pays at least the
floor at its top and accepts the seeker's age and education, and is open on the day.

The keyword baseline is what a plain job site offers: postings whose title contains a word of the
seeker's wish, most matching words first, newest first. The full method is ``jobs.matching``
(``PostingIndex.rank``), given what the registry holds (the wished 中类 for 70% of the seekers,
the skills, the village). Prints one JSON line; the issue's bar is full ≥ 1.5 × baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "match-quality.json"
sys.path.insert(0, str(ROOT))

from jiuye.jobs import matching as m  # noqa: E402

TODAY = date(2026, 12, 5)
# trade → (usual titles, words people use for it, skills)
TRADES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "6-05": (
        ["缝纫工", "车位工", "制衣工", "服装加工工"],
        ["做衣服", "服装", "缝纫", "车衣"],
        ["缝纫", "锁边", "熨烫"],
    ),
    "6-09": (["毛绒玩具车缝工", "玩具充棉工", "玩具质检员"], ["玩具", "毛绒", "做玩具"], ["缝纫", "充棉", "质检"]),
    "6-25": (["电子线束装配工", "插件工", "电子组装工"], ["电子厂", "线束", "装配"], ["线束装配", "压接", "焊接"]),
    "4-03": (["中式烹调师", "厨师", "帮厨", "面点师"], ["做饭", "厨师", "餐馆"], ["烹饪", "切配", "面点"]),
    "4-09": (["保洁员", "环卫工", "绿化工"], ["打扫卫生", "保洁", "环卫"], ["保洁", "绿化"]),
    "4-10": (["育婴员", "家政服务员", "养老护理员"], ["带孩子", "家政", "保姆"], ["育婴", "家政", "护理"]),
    "6-29": (["砌筑工", "钢筋工", "木工", "抹灰工"], ["工地", "建筑", "泥瓦匠"], ["砌筑", "抹灰", "钢筋"]),
    "6-28": (["电工", "水电工", "配电运维工"], ["电工", "水电", "修电"], ["电工", "布线"]),
    "4-02": (["货车司机", "快递员", "仓库分拣员"], ["开车", "司机", "送快递"], ["驾驶", "分拣", "装卸"]),
    "6-02": (["茶叶加工工", "富硒食品加工工", "魔芋加工工"], ["茶厂", "制茶", "食品厂"], ["制茶", "包装"]),
}
COUNTIES = {
    "610902": (109.03, 32.69),
    "610921": (108.73, 32.95),
    "610922": (108.23, 32.85),
    "610924": (108.54, 32.52),
    "610925": (109.37, 32.31),
    "610928": (109.52, 32.82),
}
EDUCATION = ["primary", "junior", "senior", "vocational", "college"]


def _place(rng: random.Random) -> tuple[str, float, float]:
    county = rng.choice(list(COUNTIES))
    lon0, lat0 = COUNTIES[county]
    town, village = rng.randint(1, 12), rng.randint(1, 15)
    return f"{county}{town:03d}{village:03d}", round(lon0 + rng.gauss(0, 0.12), 4), round(lat0 + rng.gauss(0, 0.09), 4)


def generate(seed: int = 2021) -> dict[str, Any]:
    rng = random.Random(seed)
    postings = []
    for i in range(1, 2001):
        trade = rng.choice(list(TRADES))
        titles, _words, skills = TRADES[trade]
        region, lon, lat = _place(rng)
        low = rng.randint(22, 55) * 10_000
        start = TODAY - timedelta(days=rng.randint(0, 80))
        postings.append(
            {
                "id": i,
                "employer": rng.randint(1, 150),
                "trade": trade,
                "title": rng.choice(titles),
                "skills": rng.sample(skills, rng.randint(0, 2)),
                "region": region if rng.random() < 0.8 else region[:9] + "000",
                "lon": lon if rng.random() < 0.5 else None,
                "lat": lat,
                "wage_min": low,
                "wage_max": low + rng.randint(3, 25) * 10_000,
                "min_age": rng.choice([None, None, 18, 20]),
                "max_age": rng.choice([None, 40, 45, 50, 55]),
                "education": rng.choice(["", "", "", "junior", "senior"]),
                "valid_from": start.isoformat(),
                "valid_until": (start + timedelta(days=rng.randint(20, 150))).isoformat(),
            }
        )
    seekers = []
    for i in range(1, 201):
        trade = rng.choice(list(TRADES))
        _titles, words, skills = TRADES[trade]
        region, lon, lat = _place(rng)
        seekers.append(
            {
                "id": i,
                "trade": trade,
                "wished": [trade] if rng.random() < 0.7 else [],
                "words": rng.sample(words, rng.randint(1, 2)),
                "skills": rng.sample(skills, rng.randint(0, 2)),
                "region": region,
                "lon": lon,
                "lat": lat,
                "age": rng.randint(18, 58),
                "education": rng.choice(EDUCATION),
                "wage_floor": rng.choice([0, 250_000, 300_000, 350_000, 400_000]),
            }
        )
    return {"today": TODAY.isoformat(), "seed": seed, "postings": postings, "seekers": seekers}


def _posting(p: dict[str, Any]) -> m.Posting:
    return m.Posting(
        posting_id=p["id"],
        employer_id=p["employer"],
        occupation=p["trade"],
        title=p["title"],
        skills=frozenset(p["skills"]),
        longitude=p["lon"],
        latitude=p["lat"] if p["lon"] is not None else None,
        wage_min=p["wage_min"],
        wage_max=p["wage_max"],
        min_age=p["min_age"],
        max_age=p["max_age"],
        education=p["education"],
        valid_from=date.fromisoformat(p["valid_from"]),
        valid_until=date.fromisoformat(p["valid_until"]),
        region=p["region"],
    )


def _seeker(s: dict[str, Any]) -> m.Seeker:
    """What the registry holds: the wished 中类 (when recorded), the words, the skills, the village
    (its coordinates where the region table has them)."""
    return m.Seeker(
        person_id=s["id"],
        age=s["age"],
        education=s["education"],
        occupations=tuple(s["wished"]),
        skills=frozenset(s["skills"]),
        longitude=s["lon"],
        latitude=s["lat"],
        wage_floor=s["wage_floor"],
        text=" ".join(s["words"]),
        region=s["region"],
    )


def _km(s: dict[str, Any], p: dict[str, Any]) -> float:
    if p["lon"] is None:  # the posting's place by its code: the county's centre
        lon, lat = COUNTIES[p["region"][:6]]
    else:
        lon, lat = p["lon"], p["lat"]
    dx = (lon - s["lon"]) * math.cos(math.radians(s["lat"])) * 111.32
    return math.hypot(dx, (lat - s["lat"]) * 110.57)


def good(s: dict[str, Any], p: dict[str, Any]) -> bool:
    return (
        p["trade"] == s["trade"]
        and _km(s, p) <= 20
        and p["wage_max"] >= s["wage_floor"]
        and m.refusal(_seeker(s), _posting(p), TODAY) is None
    )


def keyword_rank(s: dict[str, Any], postings: list[dict[str, Any]], k: int = 10) -> list[int]:
    seeker = _seeker(s)
    scored = [
        (m.keyword_score(seeker, _posting(p)), date.fromisoformat(p["valid_from"]).toordinal(), p["id"])
        for p in postings
        if date.fromisoformat(p["valid_from"]) <= TODAY <= date.fromisoformat(p["valid_until"])
    ]
    scored = [t for t in scored if t[0] > 0]
    scored.sort(key=lambda t: (-t[0], -t[1], -t[2]))  # most words, then newest
    return [t[2] for t in scored[:k]]


def evaluate(data: dict[str, Any], k: int = 10) -> dict[str, Any]:
    postings = data["postings"]
    index = m.PostingIndex([_posting(p) for p in postings])
    full, keyword, judged = 0.0, 0.0, 0
    for s in data["seekers"]:
        relevant = {p["id"] for p in postings if good(s, p)}
        if len(relevant) < k:
            continue  # precision@10 needs ten good postings to be possible
        judged += 1
        full += len(relevant & {x.posting_id for x in index.rank(_seeker(s), TODAY, k=k)}) / k
        keyword += len(relevant & set(keyword_rank(s, postings, k))) / k
    full, keyword = full / judged, keyword / judged
    return {
        "measure": "precision@10 on the labelled set",
        "seekers_judged": judged,
        "postings": len(postings),
        "full": round(full, 3),
        "keyword_baseline": round(keyword, 3),
        "ratio": round(full / keyword, 2) if keyword else None,
        "target_ratio": 1.5,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generate", action="store_true")
    args = parser.parse_args()
    if args.generate or not DATA.exists():
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text(json.dumps(generate(), ensure_ascii=False, separators=(",", ":")))
    data = json.loads(DATA.read_text())
    print(json.dumps(evaluate(data), ensure_ascii=False))


if __name__ == "__main__":
    main()
