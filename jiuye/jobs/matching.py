"""Job matching as pure functions: no database, no clock, no Django.

A seeker (a registry person with intentions) and a posting meet in five parts, each scored 0–1
and weighed into one score; every recommendation carries the reasons it was made:

- **occupation** (0.35): the posting's 中类 among the seeker's wishes (1), or in the same 大类 (0.4);
  a seeker without wishes is open to anything (0.3);
- **skills and certificate** (0.20): the share of the posting's required skills the seeker has;
  a required certificate the seeker lacks halves it; no requirement scores 0.5;
- **distance** (0.20): near home first (就地就近), ``1 / (1 + (km / 10)²)``: 0.8 at 5 km, 0.5 at
  10 km, 0.2 at 20 km; where a side has no coordinates, by region codes: the same village 1, town
  0.8, county 0.5, city 0.3, farther 0.1;
- **wage** (0.10): the posting's top wage against the seeker's floor (1 at or above it, 0 at half);
- **text** (0.15): character bigrams of the seeker's intentions found in the posting's title,
  occupation name and description (Chinese needs no word splitting for this).

Hard filters come first: the posting is valid on the day and open, the seeker's age is inside the
posting's bounds, the seeker's education reaches the posting's minimum.

Two forms of the same rule: ``score``/``rank`` (plain Python, one pair at a time: the reference)
and ``PostingIndex``/``SeekerIndex`` (numpy arrays over every posting or every seeker: the fast
form). A property test holds them equal. Skills and text are compared as bit sets of hashed
tokens (128 and 256 bits) in both forms, so they agree exactly; a rare hash collision can only
add a little to a score, in both.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numexpr
import numpy as np

W_OCCUPATION, W_SKILLS, W_DISTANCE, W_WAGE, W_TEXT = 0.35, 0.20, 0.20, 0.10, 0.15
DISTANCE_SCALE_KM = 10.0
# Without coordinates: nearness by the region codes (same village, town, county, city, farther).
SAME_VILLAGE, SAME_TOWN, SAME_COUNTY, SAME_CITY, FARTHER = 1.0, 0.8, 0.5, 0.3, 0.1
NO_WISH = 0.3
SAME_MAJOR = 0.4
NO_SKILL_REQUIREMENT = 0.5
PART_TIME_MISMATCH = 0.8  # a seeker wanting part-time work shown a full-time post, or the reverse

EDUCATION_RANK = {
    "": 0,
    "primary": 1,
    "junior": 2,
    "senior": 3,
    "vocational": 3,
    "college": 4,
    "bachelor": 5,
    "postgraduate": 6,
}
EDUCATION_NAME = {
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "中专/中技",
    "college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}

SKILL_BITS = 128
TEXT_BITS = 256


# --- facts -------------------------------------------------------------------------------------


def occupation_number(code: str) -> int:
    """``6-05`` → 605, ``6`` → 600; -1 for none."""
    if not code:
        return -1
    major, _, middle = code.partition("-")
    return int(major) * 100 + (int(middle) if middle else 0)


def split_terms(text: str) -> frozenset[str]:
    """Skills and certificates as the field writes them: separated by 、，,；; or spaces."""
    for sep in "，,；;/ ":
        text = text.replace(sep, "、")
    return frozenset(t.strip() for t in text.split("、") if t.strip())


def _bit(token: str, bits: int) -> int:
    return zlib.crc32(token.encode("utf-8")) % bits


def term_mask(terms: Iterable[str]) -> int:
    mask = 0
    for term in terms:
        mask |= 1 << _bit(term, SKILL_BITS)
    return mask


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {chars[i] + chars[i + 1] for i in range(len(chars) - 1)}


def text_mask(text: str) -> int:
    mask = 0
    for gram in bigrams(text):
        mask |= 1 << _bit(gram, TEXT_BITS)
    return mask


@dataclass(frozen=True)
class Seeker:
    person_id: int
    age: int
    education: str = ""
    occupations: tuple[str, ...] = ()  # wished 中类 codes
    skills: frozenset[str] = frozenset()  # skills and certificates held
    longitude: float | None = None
    latitude: float | None = None
    wage_floor: int = 0  # 分 a month
    work_time: str = "any"  # full, part, any
    text: str = ""  # the intentions in words (occupation names, wishes)
    region: str = ""  # the home village's code


@dataclass(frozen=True)
class Posting:
    posting_id: int
    employer_id: int
    occupation: str
    title: str = ""
    occupation_name: str = ""
    description: str = ""
    skills: frozenset[str] = frozenset()
    certificate: str = ""
    longitude: float | None = None
    latitude: float | None = None
    wage_min: int = 0
    wage_max: int = 0
    min_age: int | None = None
    max_age: int | None = None
    education: str = ""
    valid_from: date = date.min
    valid_until: date = date.max
    work_time: str = "full"
    headcount: int = 1
    region: str = ""  # the place of work's code (a county, town or village)

    @property
    def text(self) -> str:
        return f"{self.title} {self.occupation_name} {self.description}"


@dataclass(frozen=True)
class Match:
    posting_id: int
    person_id: int
    employer_id: int
    score: float
    reasons: tuple[str, ...] = field(default=(), compare=False)


# --- the reference form ------------------------------------------------------------------------


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance projected at the first point's (the seeker's) latitude: within a
    city exact to well under 1% (the cosine changes by < 0.3% a degree here), and one cosine for
    a whole column of postings or seekers."""
    dx = (lon2 - lon1) * math.cos(math.radians(lat1)) * 111.32
    dy = (lat2 - lat1) * 110.57
    return math.sqrt(dx * dx + dy * dy)


def refusal(seeker: Seeker, posting: Posting, today: date) -> str | None:
    """Why the posting is not for this seeker at all, or None."""
    if not (posting.valid_from <= today <= posting.valid_until):
        return "岗位不在有效期内"
    if posting.headcount <= 0:
        return "岗位已招满"
    if posting.min_age is not None and seeker.age < posting.min_age:
        return f"年龄低于 {posting.min_age} 岁"
    if posting.max_age is not None and seeker.age > posting.max_age:
        return f"年龄超过 {posting.max_age} 岁"
    if EDUCATION_RANK.get(seeker.education, 0) < EDUCATION_RANK.get(posting.education, 0):
        return f"学历低于{EDUCATION_NAME.get(posting.education, posting.education)}"
    return None


def _occupation_part(seeker: Seeker, posting: Posting) -> float:
    if not seeker.occupations:
        return NO_WISH
    wished = [occupation_number(c) for c in seeker.occupations]
    number = occupation_number(posting.occupation)
    if number in wished:
        return 1.0
    if any(w // 100 == number // 100 for w in wished):
        return SAME_MAJOR
    return 0.0


def _popcount(value: int) -> int:
    return value.bit_count()


def _skill_part(seeker: Seeker, posting: Posting) -> float:
    required = term_mask(posting.skills)
    part = _popcount(required & term_mask(seeker.skills)) / _popcount(required) if required else NO_SKILL_REQUIREMENT
    if posting.certificate and not (term_mask([posting.certificate]) & term_mask(seeker.skills)):
        part /= 2
    return part


def _distance(seeker: Seeker, posting: Posting) -> float | None:
    if None in (seeker.longitude, seeker.latitude, posting.longitude, posting.latitude):
        return None
    return distance_km(seeker.longitude, seeker.latitude, posting.longitude, posting.latitude)  # type: ignore[arg-type]


def region_nearness(home: str, work: str) -> float:
    """Nearness by codes when a side has no coordinates: a posting placed at a town (or county)
    counts as in the seeker's town (county) when the seeker lives there."""
    if not home or not work:
        return SAME_CITY
    for digits, value in ((12, SAME_VILLAGE), (9, SAME_TOWN), (6, SAME_COUNTY), (4, SAME_CITY)):
        if _code_number(home) // 10 ** (12 - digits) == _code_number(work) // 10 ** (12 - digits):
            return value
    return FARTHER


def _code_number(code: str) -> int:
    return int(code) if code.isdigit() else -1


def _distance_part(seeker: Seeker, posting: Posting, km: float | None) -> float:
    if km is None:
        return region_nearness(seeker.region, posting.region)
    return 1 / (1 + (km / DISTANCE_SCALE_KM) ** 2)


def _wage_part(seeker: Seeker, posting: Posting) -> float:
    if seeker.wage_floor <= 0:
        return 1.0
    return min(1.0, max(0.0, posting.wage_max * (2 / seeker.wage_floor) - 1))


def _text_part(seeker: Seeker, posting: Posting) -> float:
    wished = text_mask(seeker.text)
    if not wished:
        return 0.0
    return _popcount(wished & text_mask(posting.text)) / _popcount(wished)


def _time_factor(seeker: Seeker, posting: Posting) -> float:
    return PART_TIME_MISMATCH if seeker.work_time in ("full", "part") and seeker.work_time != posting.work_time else 1.0


def score(seeker: Seeker, posting: Posting, today: date, *, explain: bool = False) -> Match | None:
    """The seeker and the posting, scored (with the reasons if ``explain``); None when a hard
    filter refuses."""
    if refusal(seeker, posting, today) is not None:
        return None
    occupation = _occupation_part(seeker, posting)
    skills = _skill_part(seeker, posting)
    km = _distance(seeker, posting)
    distance = _distance_part(seeker, posting, km)
    wage = _wage_part(seeker, posting)
    text = _text_part(seeker, posting)
    total = (
        W_OCCUPATION * occupation + W_SKILLS * skills + W_DISTANCE * distance + W_WAGE * wage + W_TEXT * text
    ) * _time_factor(seeker, posting)
    said = reasons(seeker, posting, km) if explain else ()
    return Match(posting.posting_id, seeker.person_id, posting.employer_id, total, said)


def reasons(seeker: Seeker, posting: Posting, km: float | None) -> tuple[str, ...]:
    """The reasons, in the clerk's words, strongest first."""
    said: list[str] = []
    occupation = _occupation_part(seeker, posting)
    name = posting.occupation_name or posting.occupation
    if occupation == 1.0:
        said.append(f"职业对口：{name}")
    elif occupation == SAME_MAJOR:
        said.append(f"职业相近（同大类）：{name}")
    if km is not None:
        said.append(f"距家约 {km:.1f} 公里" + ("（就近）" if km <= 10 else ""))
    else:
        nearness = region_nearness(seeker.region, posting.region)
        place = {SAME_VILLAGE: "本村", SAME_TOWN: "本镇（街道）", SAME_COUNTY: "本县（区）"}.get(nearness)
        if place:
            said.append(f"在{place}就近就业")
    have = sorted(seeker.skills & posting.skills)
    if have:
        said.append("具备所需技能：" + "、".join(have))
    missing = sorted(posting.skills - seeker.skills)
    if missing:
        said.append("尚缺技能：" + "、".join(missing))
    if posting.certificate:
        said.append(("持有" if posting.certificate in seeker.skills else "需取得") + f"证书：{posting.certificate}")
    if posting.wage_max:
        wage = f"月薪 {posting.wage_min // 100:,}–{posting.wage_max // 100:,} 元"
        if seeker.wage_floor:
            fits = posting.wage_max >= seeker.wage_floor
            wage += f"，{'达到' if fits else '低于'}期望 {seeker.wage_floor // 100:,} 元"
        said.append(wage)
    if _text_part(seeker, posting) >= 0.5:
        said.append("岗位内容与求职意向相近")
    if _time_factor(seeker, posting) < 1:
        said.append("全职/兼职与意向不一致")
    return tuple(said)


def spread(matches: Sequence[Match], *, k: int, per_employer: int) -> list[Match]:
    """The best ``k`` with at most ``per_employer`` from one employer; when too few employers
    remain, the list is filled from the rest in order rather than left short."""
    chosen: list[Match] = []
    held: list[Match] = []
    count: dict[int, int] = {}
    for match in matches:
        if len(chosen) >= k:
            break
        if count.get(match.employer_id, 0) < per_employer:
            count[match.employer_id] = count.get(match.employer_id, 0) + 1
            chosen.append(match)
        else:
            held.append(match)
    chosen.extend(held[: max(0, k - len(chosen))])
    return chosen


def _order(match: Match) -> tuple[float, int]:
    return (-round(match.score, 9), match.posting_id)


def rank(
    seeker: Seeker, postings: Iterable[Posting], today: date, *, k: int = 10, per_employer: int = 2
) -> list[Match]:
    """The reference ranking: every posting scored, best first, spread over employers."""
    by_id = {}
    scored = []
    for posting in postings:
        match = score(seeker, posting, today)
        if match is not None:
            scored.append(match)
            by_id[posting.posting_id] = posting
    scored.sort(key=_order)
    return [explained(seeker, by_id[m.posting_id], m) for m in spread(scored, k=k, per_employer=per_employer)]


def explained(seeker: Seeker, posting: Posting, match: Match) -> Match:
    """The match with its reasons."""
    said = reasons(seeker, posting, _distance(seeker, posting))
    return Match(match.posting_id, match.person_id, match.employer_id, match.score, said)


def candidates(posting: Posting, seekers: Iterable[Seeker], today: date, *, k: int = 20) -> list[Match]:
    """The reference reverse: the seekers best suited to a posting, best first (no reasons: the
    caller explains the ones it shows)."""
    scored = [m for s in seekers if (m := score(s, posting, today)) is not None]
    scored.sort(key=lambda m: (-round(m.score, 9), m.person_id))
    return scored[:k]


def keyword_score(seeker: Seeker, posting: Posting) -> int:
    """The baseline a plain job site offers: how many of the seeker's wish words appear in the
    posting's title (no codes, no place, no wage, no requirements)."""
    words = split_terms(seeker.text)
    return sum(1 for w in words if w and w in posting.title)


# --- the fast form -----------------------------------------------------------------------------


def _mask_words(value: int, words: int) -> list[int]:
    return [(value >> (64 * i)) & 0xFFFFFFFFFFFFFFFF for i in range(words)]


class Places:
    """A column of region codes, kept for ``region_nearness`` of one code against all of them:
    each row's village (the full code) and its town's position among the column's few distinct
    towns. A query works out the nearness of each distinct town (a few hundred) and gathers it,
    then marks the rows of the very village: two passes over the rows instead of four."""

    def __init__(self, codes: Iterable[str]) -> None:
        self._index(np.fromiter((_code_number(c) for c in codes), dtype=np.int64))

    @classmethod
    def of_numbers(cls, village: np.ndarray) -> Places:
        places = object.__new__(cls)
        places._index(village)
        return places

    def _index(self, village: np.ndarray) -> None:
        self.village = village
        towns = np.where(village < 0, -1, village // 1000)
        self.town_keys, town_index = np.unique(towns, return_inverse=True)
        self.town_index = town_index.astype(np.int32)

    def nearness(self, code: str) -> np.ndarray:
        number = _code_number(code)
        if number < 0:
            return np.full(len(self.village), SAME_CITY)
        keys = self.town_keys
        table = np.full(len(keys), FARTHER)
        table[keys // 10**5 == number // 10**8] = SAME_CITY
        table[keys // 10**3 == number // 10**6] = SAME_COUNTY
        table[keys == number // 10**3] = SAME_TOWN
        table[keys < 0] = SAME_CITY
        out = table[self.town_index]
        out[self.village == number] = SAME_VILLAGE
        return out


def _mask_columns(masks: Sequence[int], words: int) -> np.ndarray:
    """Bit sets as a (rows, words) array stored column by column, so a word's column is contiguous."""
    return np.asfortranarray(
        np.array([_mask_words(m, words) for m in masks], dtype=np.uint64).reshape(len(masks), words)
    )


def _popcount_rows(masks: np.ndarray, probe: Sequence[int]) -> np.ndarray:
    """Per row, the bits it shares with ``probe`` (rows of uint64 words). Counted in uint16 (at most
    256 bits) into one buffer: each word costs one AND and one count, no temporary int64 arrays."""
    total = np.zeros(masks.shape[0], dtype=np.uint16)
    buffer = np.empty(masks.shape[0], dtype=np.uint64)
    counted = np.empty(masks.shape[0], dtype=np.uint8)
    for i, word in enumerate(probe):
        if word:
            np.bitwise_and(masks[:, i], np.uint64(word), out=buffer)
            np.bitwise_count(buffer, out=counted)
            total += counted
    return total


def _best(totals: np.ndarray, ids: np.ndarray, want: int) -> list[int]:
    """The rows of the ``want`` best scores in the reference order (score rounded to 1e-9, then
    id), ties at the cut included: a partition alone would pick among equal scores at random."""
    want = min(len(totals), want)
    if want <= 0:
        return []
    if want < len(totals):
        cut = totals[np.argpartition(-totals, want - 1)[:want]].min()
        rows = np.flatnonzero(totals >= cut - 1e-9)
    else:
        rows = np.arange(len(totals))
    rows = rows[np.isfinite(totals[rows])]
    order = np.lexsort((ids[rows], -np.round(totals[rows], 9)))
    return rows[order].tolist()


def _best_of_many(totals: np.ndarray, ids: np.ndarray, want: int) -> list[int]:
    """``_best`` over a long column, exactly: the ``want``-th best of every 64th row is a floor
    the ``want``-th best of all rows cannot be below, so only the rows at or above it (less the
    rounding margin) need ranking — one pass to find them instead of a partition of them all."""
    sample = totals[::64]
    if len(sample) <= want:
        return _best(totals, ids, want)
    floor = np.partition(sample, len(sample) - want)[len(sample) - want]
    if not np.isfinite(floor):
        return _best(totals, ids, want)
    rows = np.flatnonzero(totals >= floor - 1e-9)
    return [int(rows[i]) for i in _best(totals[rows], ids[rows], want)]


class PostingIndex:
    """Every open posting as columns, for ranking all of them for one seeker at once.

    Every posting is scored. A short cut (score the wished 中类's postings first and stop when no
    other posting could catch up) was measured and dropped: the bound it needs seldom held, and
    the failed attempts cost more than the short cut saved."""

    def __init__(self, postings: Sequence[Posting]) -> None:
        self.postings = list(postings)
        n = len(self.postings)
        self.ids = np.fromiter((p.posting_id for p in self.postings), dtype=np.int64, count=n)
        self.employers = np.fromiter((p.employer_id for p in self.postings), dtype=np.int64, count=n)
        self.occupation = np.fromiter((occupation_number(p.occupation) for p in self.postings), dtype=np.int32, count=n)
        self.major = self.occupation // 100
        nan = float("nan")
        self.lon = np.fromiter(
            (nan if p.longitude is None else p.longitude for p in self.postings), dtype=np.float64, count=n
        )
        self.lat = np.fromiter(
            (nan if p.latitude is None else p.latitude for p in self.postings), dtype=np.float64, count=n
        )
        self.wage_max_f = np.fromiter((p.wage_max for p in self.postings), dtype=np.float64, count=n)
        self.min_age = np.fromiter(
            (-1 if p.min_age is None else p.min_age for p in self.postings), dtype=np.int32, count=n
        )
        self.max_age = np.fromiter(
            (999 if p.max_age is None else p.max_age for p in self.postings), dtype=np.int32, count=n
        )
        self.education = np.fromiter(
            (EDUCATION_RANK.get(p.education, 0) for p in self.postings), dtype=np.int8, count=n
        )
        self.valid_from = np.fromiter((p.valid_from.toordinal() for p in self.postings), dtype=np.int32, count=n)
        self.valid_until = np.fromiter((p.valid_until.toordinal() for p in self.postings), dtype=np.int32, count=n)
        self.open = np.fromiter((p.headcount > 0 for p in self.postings), dtype=bool, count=n)
        self.places = Places(p.region for p in self.postings)
        self.part_time = np.fromiter((p.work_time == "part" for p in self.postings), dtype=bool, count=n)
        skills = [term_mask(p.skills) for p in self.postings]
        self.skills = _mask_columns(skills, 2)
        counts = np.fromiter((m.bit_count() for m in skills), dtype=np.float64, count=n)
        self.inverse_skill_count = np.divide(1.0, counts, out=np.zeros(n), where=counts > 0)
        self.no_skill_requirement = np.where(counts > 0, 0.0, NO_SKILL_REQUIREMENT)
        certs = [term_mask([p.certificate]) if p.certificate else 0 for p in self.postings]
        self.certificate = _mask_columns(certs, 2)
        self.has_certificate = np.fromiter((bool(m) for m in certs), dtype=bool, count=n)
        self.text = _mask_columns([text_mask(p.text) for p in self.postings], 4)
        self.any_unplaced = bool(np.isnan(self.lon).any())

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, seeker: Seeker, today: date) -> np.ndarray:
        """Every posting's score for the seeker; -inf where a hard filter refuses. Written as few
        passes over the columns as it takes (each pass over 100,000 rows costs ~0.1 ms)."""
        day = today.toordinal()
        refused = ~(
            self.open
            & (self.valid_from <= day)
            & (self.valid_until >= day)
            & (self.min_age <= seeker.age)
            & (self.max_age >= seeker.age)
            & (self.education <= EDUCATION_RANK.get(seeker.education, 0))
        )
        # occupation: same 大类 scores SAME_MAJOR, the wished 中类 itself 1 (it is in the 大类 too)
        if seeker.occupations:
            wished = {occupation_number(c) for c in seeker.occupations}
            total = np.zeros(len(self.ids))
            for major in {w // 100 for w in wished}:
                total += self.major == major
            total *= W_OCCUPATION * SAME_MAJOR
            exact = np.zeros(len(self.ids), dtype=bool)
            for w in wished:
                exact |= self.occupation == w
            total += exact * (W_OCCUPATION * (1 - SAME_MAJOR))
        else:
            total = np.full(len(self.ids), W_OCCUPATION * NO_WISH)
        # The rest in one fused pass (numexpr), as ``_skill_part``, ``_distance_part``, ``_wage_part``,
        # ``_text_part`` and ``_time_factor`` compute it for one posting.
        held_words = _mask_words(term_mask(seeker.skills), 2)
        values: dict[str, Any] = {
            "occupation": total,
            "refused": refused,
            "held": _popcount_rows(self.skills, held_words),
            "inverse": self.inverse_skill_count,
            "no_requirement": self.no_skill_requirement,
            "lacks": self.has_certificate & (_popcount_rows(self.certificate, held_words) == 0),
            "wage_max": self.wage_max_f,
            "W_SKILLS": W_SKILLS,
            "W_DISTANCE": W_DISTANCE,
            "W_WAGE": W_WAGE,
            "inf": np.inf,
        }
        skills = "W_SKILLS * where(lacks, (held * inverse + no_requirement) * 0.5, held * inverse + no_requirement)"
        if seeker.longitude is None or seeker.latitude is None:
            values["nearness"] = self.places.nearness(seeker.region)
            distance = "W_DISTANCE * nearness"
        else:
            values.update(
                lon=self.lon,
                lat=self.lat,
                slon=seeker.longitude,
                slat=seeker.latitude,
                lon_scale=math.cos(math.radians(seeker.latitude)) * 111.32 / DISTANCE_SCALE_KM,
                lat_scale=110.57 / DISTANCE_SCALE_KM,
            )
            distance = "W_DISTANCE / (((lon - slon) * lon_scale) ** 2 + ((lat - slat) * lat_scale) ** 2 + 1)"
            if self.any_unplaced:
                values["nearness"] = self.places.nearness(seeker.region)
                distance = f"where(lon != lon, W_DISTANCE * nearness, {distance})"
        if seeker.wage_floor > 0:
            values["ratio"] = 2 / seeker.wage_floor
            fit = "(wage_max * ratio - 1)"
            wage = f"W_WAGE * where({fit} < 0, 0, where({fit} > 1, 1, {fit}))"
        else:
            wage = "W_WAGE"
        wished_text = text_mask(seeker.text)
        text = "0"
        if wished_text:
            values["shared_text"] = _popcount_rows(self.text, _mask_words(wished_text, 4))
            values["text_weight"] = W_TEXT / wished_text.bit_count()
            text = "shared_text * text_weight"
        factor = "1"
        if seeker.work_time in ("full", "part"):
            values["mismatch"] = self.part_time != (seeker.work_time == "part")
            values["PART_TIME_MISMATCH"] = PART_TIME_MISMATCH
            factor = "where(mismatch, PART_TIME_MISMATCH, 1)"
        expression = f"where(refused, -inf, (occupation + {skills} + {distance} + {wage} + {text}) * {factor})"
        return numexpr.evaluate(expression, local_dict=values)

    def rank(self, seeker: Seeker, today: date, *, k: int = 10, per_employer: int = 2) -> list[Match]:
        """The ranking of ``rank`` over every posting, with the reasons of the chosen ones."""
        if not len(self):
            return []
        # Enough of the best to spread over employers: each employer gives at most per_employer.
        totals = self.scores(seeker, today)
        ids = _best(totals, self.ids, max(k * 8, 64))
        matches = [Match(int(self.ids[i]), seeker.person_id, int(self.employers[i]), float(totals[i])) for i in ids]
        chosen = spread(matches, k=k, per_employer=per_employer)
        wanted = {m.posting_id for m in chosen}
        by_id = {p.posting_id: p for p in (self.postings[i] for i in ids) if p.posting_id in wanted}
        return [explained(seeker, by_id[m.posting_id], m) for m in chosen]


class SeekerIndex:
    """Every seeker as columns, for finding the candidates of one posting among all of them.

    Every seeker is scored. A short cut through the seekers of the posting's 中类 was measured and
    dropped: gathering their columns out of 1,500,000 rows cost ~20 ms, more than it saved, and
    the bound it needs rarely held."""

    def __init__(self, seekers: Sequence[Seeker]) -> None:
        self.seekers = list(seekers)
        n = len(self.seekers)
        self.ids = np.fromiter((s.person_id for s in self.seekers), dtype=np.int64, count=n)
        self.age = np.fromiter((s.age for s in self.seekers), dtype=np.int16, count=n)
        self.education = np.fromiter((EDUCATION_RANK.get(s.education, 0) for s in self.seekers), dtype=np.int8, count=n)
        wishes = np.full((n, 3), -1, dtype=np.int16)
        for row, s in enumerate(self.seekers):
            for col, code in enumerate(s.occupations[:3]):
                wishes[row, col] = occupation_number(code)
        self.wishes = wishes
        nan = float("nan")
        self.lon = np.fromiter(
            (nan if s.longitude is None else s.longitude for s in self.seekers), dtype=np.float64, count=n
        )
        self.lat = np.fromiter(
            (nan if s.latitude is None else s.latitude for s in self.seekers), dtype=np.float64, count=n
        )
        self.wage_floor = np.fromiter((s.wage_floor for s in self.seekers), dtype=np.int64, count=n)
        self.places = Places(s.region for s in self.seekers)
        self.time = np.fromiter(
            ({"full": 1, "part": 2}.get(s.work_time, 0) for s in self.seekers), dtype=np.int8, count=n
        )
        self.skills = _mask_columns([term_mask(s.skills) for s in self.seekers], 2)
        texts = [text_mask(s.text) for s in self.seekers]
        self.text = _mask_columns(texts, 4)
        self.text_count = np.fromiter((m.bit_count() for m in texts), dtype=np.int64, count=n)
        self._derive()

    def _derive(self) -> None:
        """The columns computed once from the stored ones, so that a query does less."""
        # Column by column in memory (each wish's column contiguous: a query compares columns).
        self.wishes = np.asfortranarray(self.wishes)
        self.has_wish = self.wishes[:, 0] >= 0
        # Each wish's 大类, and -2 where there is no wish (no 大类 is -2: it never matches).
        self.wish_majors = np.asfortranarray(np.where(self.wishes >= 0, self.wishes // 100, -2).astype(np.int16))
        # The bit sets of those who have any, compacted: a query counts bits for them alone.
        self.skill_rows = np.flatnonzero((self.skills != 0).any(axis=1))
        self.skills_compact = np.asfortranarray(self.skills[self.skill_rows])
        self.text_rows = np.flatnonzero(self.text_count > 0)
        self.text_compact = np.asfortranarray(self.text[self.text_rows])
        self.full_mismatch = self.time == 2  # a part-time seeker shown a full-time post
        self.part_mismatch = self.time == 1
        self.lon_scale = np.cos(np.radians(np.nan_to_num(self.lat))) * (111.32 / DISTANCE_SCALE_KM)
        self.any_unplaced = bool(np.isnan(self.lon).any())
        self.no_floor = self.wage_floor <= 0
        self.double_inverse_floor = np.divide(2.0, self.wage_floor, out=np.zeros(len(self.ids)), where=~self.no_floor)
        self.text_weight = np.divide(W_TEXT, self.text_count, out=np.zeros(len(self.ids)), where=self.text_count > 0)

    def _shared(self, rows: np.ndarray, masks: np.ndarray, probe: Sequence[int]) -> np.ndarray:
        """The bits each seeker shares with ``probe``, counted only for the seekers who have any
        (most persons have stated no skills and no wishes in words) and spread back to all."""
        shared = np.zeros(len(self.ids), dtype=np.uint16)
        if len(rows):
            shared[rows] = _popcount_rows(masks, probe)
        return shared

    @classmethod
    def from_columns(cls, **columns: Any) -> SeekerIndex:
        """An index straight from arrays (a large population: no ``Seeker`` objects kept)."""
        index = cls.__new__(cls)
        index.seekers = []
        for name, value in columns.items():
            setattr(index, name, value)
        index._derive()
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, posting: Posting, today: date) -> np.ndarray:
        """Every seeker's score for the posting; -inf where a hard filter refuses. The integer and
        bit tests run in numpy; the arithmetic is one fused, multi-threaded pass (numexpr), which
        at 1,500,000 seekers is what keeps the answer within tens of milliseconds."""
        n = len(self.ids)
        if not (posting.valid_from <= today <= posting.valid_until) or posting.headcount <= 0:
            return np.full(n, -np.inf)
        refused = self.education < EDUCATION_RANK.get(posting.education, 0)
        if posting.min_age is not None:
            refused |= self.age < posting.min_age
        if posting.max_age is not None:
            refused |= self.age > posting.max_age
        number = occupation_number(posting.occupation)
        exact = self.wishes[:, 0] == number
        near = self.wish_majors[:, 0] == number // 100
        for col in range(1, self.wishes.shape[1]):
            exact |= self.wishes[:, col] == number
            near |= self.wish_majors[:, col] == number // 100
        values: dict[str, Any] = {
            "exact": exact,
            "near": near,
            "has_wish": self.has_wish,
            "refused": refused,
            "mismatch": self.part_mismatch if posting.work_time == "part" else self.full_mismatch,
            "NO_WISH_PART": W_OCCUPATION * NO_WISH,
            "PART_TIME_MISMATCH": PART_TIME_MISMATCH,
            "wage_term": self.double_inverse_floor,
            "no_floor": self.no_floor,
            "wage_max": float(posting.wage_max),
            "text_weight": self.text_weight,
            "shared_text": self._shared(self.text_rows, self.text_compact, _mask_words(text_mask(posting.text), 4)),
        }
        required = term_mask(posting.skills)
        skills = "skill_share"
        if required:
            values["skill_share"] = self._shared(self.skill_rows, self.skills_compact, _mask_words(required, 2))
            values["skill_weight"] = W_SKILLS / required.bit_count()
            skills = "skill_share * skill_weight"
        else:
            values["skill_share"] = W_SKILLS * NO_SKILL_REQUIREMENT
        if posting.certificate:
            certificate = _mask_words(term_mask([posting.certificate]), 2)
            values["lacks"] = self._shared(self.skill_rows, self.skills_compact, certificate) == 0
            skills = f"where(lacks, ({skills}) * 0.5, {skills})"
        if posting.longitude is None or posting.latitude is None:
            values["nearness"] = self.places.nearness(posting.region)
            distance = "W_DISTANCE * nearness"
        else:
            # Projected at each seeker's latitude, as ``distance_km(seeker, posting)`` does.
            values.update(
                lon=self.lon, lat=self.lat, lon_scale=self.lon_scale, plon=posting.longitude, plat=posting.latitude
            )
            values["lat_scale"] = 110.57 / DISTANCE_SCALE_KM
            distance = "W_DISTANCE / (((plon - lon) * lon_scale) ** 2 + ((plat - lat) * lat_scale) ** 2 + 1)"
            if self.any_unplaced:  # seekers without coordinates: by their codes
                values["nearness"] = self.places.nearness(posting.region)
                distance = f"where(lon != lon, W_DISTANCE * nearness, {distance})"
        values.update(W_OCCUPATION=W_OCCUPATION, SAME_MAJOR=SAME_MAJOR, W_WAGE=W_WAGE, W_DISTANCE=W_DISTANCE)
        # min(1, max(0, wage_max × (2 / floor) − 1)), as ``_wage_part`` (1 without a floor)
        fit = "(wage_term * wage_max - 1)"
        wage = f"where(no_floor, W_WAGE, W_WAGE * where({fit} < 0, 0, where({fit} > 1, 1, {fit})))"
        occupation = "near * (W_OCCUPATION * SAME_MAJOR) + exact * (W_OCCUPATION * (1 - SAME_MAJOR)) + where(has_wish, 0, NO_WISH_PART)"
        total = (
            f"({occupation} + {skills} + {distance} + {wage} + shared_text * text_weight)"
            " * where(mismatch, PART_TIME_MISMATCH, 1)"
        )
        return numexpr.evaluate(f"where(refused, -inf, {total})", local_dict={**values, "inf": np.inf})

    def candidates(self, posting: Posting, today: date, *, k: int = 20) -> list[tuple[int, float]]:
        """(person id, score) of the best ``k``; the caller builds the reasons for those it shows."""
        if not len(self):
            return []
        totals = self.scores(posting, today)
        return [(int(self.ids[i]), float(totals[i])) for i in _best_of_many(totals, self.ids, k)[:k]]


# --- a batch for an event ----------------------------------------------------------------------


def event_lists(
    seekers: Sequence[Seeker],
    index: PostingIndex,
    today: date,
    *,
    per_seeker: int = 5,
    per_employer: int = 2,
    per_headcount: int = 3,
) -> dict[int, list[Match]]:
    """Lists for a recruitment event: up to ``per_seeker`` postings for each seeker, and no posting
    offered to more than ``per_headcount`` × its headcount seekers, so that the best-known
    employers are not flooded while others wait. Seekers are served best match first."""
    capacity = {p.posting_id: max(1, p.headcount) * per_headcount for p in index.postings}
    wide = {s.person_id: index.rank(s, today, k=per_seeker * 4, per_employer=per_employer) for s in seekers}
    pairs = sorted(
        ((m.score, s_id, pos, m) for s_id, ms in wide.items() for pos, m in enumerate(ms)),
        key=lambda t: (-round(t[0], 9), t[1], t[2]),
    )
    lists: dict[int, list[Match]] = {s.person_id: [] for s in seekers}
    for _score, person_id, _pos, match in pairs:
        if len(lists[person_id]) >= per_seeker or capacity[match.posting_id] <= 0:
            continue
        capacity[match.posting_id] -= 1
        lists[person_id].append(match)
    return lists
