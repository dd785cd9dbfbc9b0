"""The matcher's rule: its fast form (numpy columns) ranks exactly as its reference form (one pair
at a time), its hard filters hold, its reasons say why, and its lists spread over employers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuye.jobs import matching as m

TODAY = date(2026, 12, 5)
OCCUPATIONS = ["6-05", "6-04", "6-09", "4-03", "4-10", "6-29", "4-02", "2-02", "6-25"]
SKILLS = ["缝纫", "电焊", "驾驶", "烹饪", "电工", "电工证", "育婴"]
REGIONS = ["610902001003", "610902001004", "610902002001", "610921001001", "610924100001", ""]
PLACES = [*REGIONS, "610902001000", "610902000000", "610924000000"]
TITLES = ["缝纫工", "电子线束工", "厨师", "保洁员", "砌筑工", "货车司机", "育婴员"]

coordinate = st.one_of(st.none(), st.tuples(st.floats(108.5, 109.9), st.floats(32.2, 33.2)))


@st.composite
def postings(draw: st.DrawFn, posting_id: int) -> m.Posting:
    where = draw(coordinate)
    low = draw(st.integers(0, 6000)) * 100
    min_age = draw(st.one_of(st.none(), st.integers(16, 30)))
    max_age = draw(st.one_of(st.none(), st.integers(35, 60)))
    start = TODAY - timedelta(days=draw(st.integers(-5, 60)))
    return m.Posting(
        posting_id=posting_id,
        employer_id=draw(st.integers(1, 6)),
        occupation=draw(st.sampled_from(OCCUPATIONS)),
        title=draw(st.sampled_from(TITLES)),
        skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
        certificate=draw(st.sampled_from(["", "", "电工证"])),
        longitude=where[0] if where else None,
        latitude=where[1] if where else None,
        wage_min=low,
        wage_max=low + draw(st.integers(0, 4000)) * 100,
        min_age=min_age,
        max_age=max_age,
        education=draw(st.sampled_from(["", "", "junior", "senior", "college"])),
        valid_from=start,
        valid_until=start + timedelta(days=draw(st.integers(0, 120))),
        work_time=draw(st.sampled_from(["full", "part"])),
        headcount=draw(st.integers(0, 5)),
        region=draw(st.sampled_from(PLACES)),
    )


@st.composite
def seekers(draw: st.DrawFn, person_id: int = 1) -> m.Seeker:
    where = draw(coordinate)
    return m.Seeker(
        person_id=person_id,
        age=draw(st.integers(16, 64)),
        education=draw(st.sampled_from(["", "primary", "junior", "senior", "vocational", "college"])),
        occupations=tuple(draw(st.lists(st.sampled_from(OCCUPATIONS), max_size=3, unique=True))),
        skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
        longitude=where[0] if where else None,
        latitude=where[1] if where else None,
        wage_floor=draw(st.sampled_from([0, 250000, 350000, 500000])),
        work_time=draw(st.sampled_from(["any", "full", "part"])),
        text=draw(st.sampled_from(["", "缝纫工 服装", "厨师 餐饮", "司机", "育婴"])),
        region=draw(st.sampled_from(REGIONS)),
    )


@st.composite
def market(draw: st.DrawFn) -> list[m.Posting]:
    n = draw(st.integers(0, 60))
    return [draw(postings(i + 1)) for i in range(n)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeker=seekers(), offered=market(), k=st.integers(1, 12), per_employer=st.integers(1, 3))
def test_the_index_ranks_exactly_as_the_reference(
    seeker: m.Seeker, offered: list[m.Posting], k: int, per_employer: int
) -> None:
    fast = m.PostingIndex(offered).rank(seeker, TODAY, k=k, per_employer=per_employer)
    slow = m.rank(seeker, offered, TODAY, k=k, per_employer=per_employer)
    assert [x.posting_id for x in fast] == [x.posting_id for x in slow]
    assert [round(x.score, 9) for x in fast] == [round(x.score, 9) for x in slow]
    assert [x.reasons for x in fast] == [x.reasons for x in slow]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(seekers(), max_size=40), posting=postings(1), k=st.integers(1, 15))
def test_the_seeker_index_finds_the_reference_candidates(people: list[m.Seeker], posting: m.Posting, k: int) -> None:
    people = [m.Seeker(**{**p.__dict__, "person_id": i + 1}) for i, p in enumerate(people)]
    fast = m.SeekerIndex(people).candidates(posting, TODAY, k=k)
    slow = m.candidates(posting, people, TODAY, k=k)
    assert [pid for pid, _ in fast] == [x.person_id for x in slow]


@settings(max_examples=100, deadline=None)
@given(seeker=seekers(), offered=market())
def test_hard_filters_hold_in_every_recommendation(seeker: m.Seeker, offered: list[m.Posting]) -> None:
    for match in m.PostingIndex(offered).rank(seeker, TODAY, k=20):
        posting = next(p for p in offered if p.posting_id == match.posting_id)
        assert posting.valid_from <= TODAY <= posting.valid_until and posting.headcount > 0
        assert posting.min_age is None or seeker.age >= posting.min_age
        assert posting.max_age is None or seeker.age <= posting.max_age
        assert m.EDUCATION_RANK[seeker.education] >= m.EDUCATION_RANK[posting.education]


def _posting(posting_id: int, **extra: object) -> m.Posting:
    values: dict[str, object] = {
        "employer_id": posting_id,
        "occupation": "6-05",
        "title": "缝纫工",
        "occupation_name": "纺织品、服装和皮革、毛皮制品加工制作人员",
        "wage_min": 300000,
        "wage_max": 450000,
        "region": "610924100001",
    }
    values.update(extra)
    return m.Posting(posting_id=posting_id, **values)  # type: ignore[arg-type]


SEAMSTRESS = m.Seeker(
    person_id=1,
    age=38,
    education="junior",
    occupations=("6-05",),
    skills=frozenset({"缝纫"}),
    wage_floor=300000,
    text="纺织品、服装和皮革、毛皮制品加工制作人员 缝纫",
    region="610924100001",
)


def test_each_part_moves_the_score_the_way_a_clerk_expects() -> None:
    base = m.score(SEAMSTRESS, _posting(1), TODAY)
    assert base is not None
    other_trade = m.score(SEAMSTRESS, _posting(2, occupation="4-03"), TODAY)
    same_major = m.score(SEAMSTRESS, _posting(3, occupation="6-04"), TODAY)
    far = m.score(SEAMSTRESS, _posting(4, region="610902001003"), TODAY)
    poor = m.score(SEAMSTRESS, _posting(5, wage_min=100000, wage_max=180000), TODAY)
    skilled = m.score(SEAMSTRESS, _posting(6, skills=frozenset({"缝纫"})), TODAY)
    unskilled = m.score(SEAMSTRESS, _posting(7, skills=frozenset({"电焊"})), TODAY)
    assert other_trade and same_major and far and poor and skilled and unskilled
    assert other_trade.score < same_major.score < base.score
    assert far.score < base.score
    assert poor.score < base.score
    assert unskilled.score < base.score < skilled.score


def test_the_reasons_name_the_fit_and_the_gaps() -> None:
    posting = _posting(1, skills=frozenset({"缝纫", "熨烫"}), certificate="缝纫工证", longitude=108.54, latitude=32.52)
    seeker = m.Seeker(**{**SEAMSTRESS.__dict__, "longitude": 108.52, "latitude": 32.51})
    match = m.rank(seeker, [posting], TODAY)[0]
    text = "；".join(match.reasons)
    assert "职业对口" in text and "距家约 2.2 公里（就近）" in text  # 0.02° east, 0.01° north at 32.5°N: 2.18 km
    assert "具备所需技能：缝纫" in text and "尚缺技能：熨烫" in text and "需取得证书：缝纫工证" in text
    assert "月薪 3,000–4,500 元，达到期望 3,000 元" in text
    nearby = m.rank(SEAMSTRESS, [_posting(2, region="610924100000")], TODAY)[0]
    assert "在本镇（街道）就近就业" in nearby.reasons


def test_refusals_say_why() -> None:
    assert m.refusal(SEAMSTRESS, _posting(1, max_age=35), TODAY) == "年龄超过 35 岁"
    assert m.refusal(SEAMSTRESS, _posting(1, education="senior"), TODAY) == "学历低于高中"
    assert m.refusal(SEAMSTRESS, _posting(1, valid_until=TODAY - timedelta(days=1)), TODAY) == "岗位不在有效期内"
    assert m.refusal(SEAMSTRESS, _posting(1, headcount=0), TODAY) == "岗位已招满"


def test_one_employer_does_not_fill_the_list() -> None:
    flood = [_posting(i, employer_id=1) for i in range(1, 11)] + [
        _posting(20 + i, employer_id=2 + i, wage_max=310000) for i in range(5)
    ]
    ranked = m.rank(SEAMSTRESS, flood, TODAY, k=5, per_employer=2)
    assert len(ranked) == 5
    assert sum(1 for x in ranked if x.employer_id == 1) == 2
    # With too few employers the list is filled rather than left short.
    alone = m.rank(SEAMSTRESS, [_posting(i, employer_id=1) for i in range(1, 6)], TODAY, k=4, per_employer=2)
    assert len(alone) == 4


def test_an_events_lists_offer_no_posting_beyond_three_times_its_headcount() -> None:
    offered = [_posting(1, headcount=1, employer_id=1), _posting(2, headcount=2, employer_id=2, wage_max=320000)]
    people = [m.Seeker(**{**SEAMSTRESS.__dict__, "person_id": i}) for i in range(1, 21)]
    lists = m.event_lists(people, m.PostingIndex(offered), TODAY, per_seeker=2)
    offered_to = [match.posting_id for ms in lists.values() for match in ms]
    assert offered_to.count(1) == 3 and offered_to.count(2) == 6
    assert all(len(ms) <= 2 for ms in lists.values())


def test_the_keyword_baseline_reads_only_the_title() -> None:
    assert m.keyword_score(SEAMSTRESS, _posting(1, title="缝纫工")) == 1
    assert m.keyword_score(m.Seeker(person_id=1, age=30, text="厨师"), _posting(1, title="缝纫工")) == 0


def test_the_indexes_agree_with_the_reference_at_scale() -> None:
    """Thousands of postings and seekers, many ties at the cut: the same lists as the reference."""
    import random

    rng = random.Random(3)
    offered = [
        m.Posting(
            posting_id=i,
            employer_id=rng.randint(1, 400),
            occupation=rng.choice(OCCUPATIONS),
            skills=frozenset(rng.sample(SKILLS[:3], rng.randint(0, 2))),
            longitude=108.5 + rng.random() * 0.2 if rng.random() < 0.5 else None,
            latitude=32.5 + rng.random() * 0.2,
            wage_min=300_000,
            wage_max=rng.randint(300_000, 600_000),
            region=rng.choice(PLACES),
        )
        for i in range(1, 3001)
    ]
    offered = [p if p.longitude is not None else m.Posting(**{**p.__dict__, "latitude": None}) for p in offered]
    people = [
        m.Seeker(
            person_id=i,
            age=rng.randint(18, 55),
            occupations=tuple(rng.sample(OCCUPATIONS, rng.randint(0, 2))),
            skills=frozenset(rng.sample(SKILLS[:3], rng.randint(0, 2))),
            longitude=108.5 + rng.random() * 0.2 if rng.random() < 0.5 else None,
            latitude=32.5 + rng.random() * 0.2,
            wage_floor=rng.choice([0, 300_000]),
            region=rng.choice(REGIONS),
        )
        for i in range(1, 4001)
    ]
    people = [s if s.longitude is not None else m.Seeker(**{**s.__dict__, "latitude": None}) for s in people]
    index = m.PostingIndex(offered)
    for seeker in people[:40]:
        assert [x.posting_id for x in index.rank(seeker, TODAY, k=5)] == [
            x.posting_id for x in m.rank(seeker, offered, TODAY, k=5)
        ]
    population = m.SeekerIndex(people)
    for posting in offered[:40]:
        assert [pid for pid, _ in population.candidates(posting, TODAY, k=5)] == [
            x.person_id for x in m.candidates(posting, people, TODAY, k=5)
        ]
