"""The matcher's facts read from the database: postings open on a day and seekers, as
``matching.Posting`` and ``matching.Seeker``; and the index of every open posting, kept per
process and rebuilt when postings change (at once in this process, within ``INDEX_TTL`` seconds
in the others)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from jiuye.jobs import matching, occupations
from jiuye.jobs.choices import Stage
from jiuye.jobs.models import Posting, SeekerProfile
from jiuye.regions.models import Region
from jiuye.registry.choices import KeyGroup
from jiuye.registry.models import Person

INDEX_TTL = 60.0


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def posting_facts(rows: Iterable[Posting]) -> list[matching.Posting]:
    """Postings (with ``hired`` annotated: the seats already filled) as the matcher reads them."""
    found = []
    for p in rows:
        hired = getattr(p, "hired", 0) or 0
        found.append(
            matching.Posting(
                posting_id=p.pk,
                employer_id=p.employer_id,
                occupation=p.occupation,
                title=p.title,
                occupation_name=occupations.name(p.occupation),
                description=p.description[:200],
                skills=matching.split_terms(p.skills),
                certificate=p.certificate.strip(),
                longitude=p.longitude,
                latitude=p.latitude,
                wage_min=p.wage_min,
                wage_max=p.wage_max,
                min_age=p.min_age,
                max_age=p.max_age,
                education=p.education,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                work_time=p.work_time,
                headcount=max(0, p.headcount - hired),
                region=p.region_id,
            )
        )
    return found


def open_postings(day: date | None = None) -> Any:
    """Published postings valid on the day: what the public board shows and the matcher ranks."""
    day = day or timezone.localdate()
    return (
        Posting.objects.filter(published=True, valid_from__lte=day, valid_until__gte=day)
        .annotate(hired=Count("referrals", filter=Q(referrals__stage=Stage.HIRED)))
        .only(
            "id",
            "employer_id",
            "occupation",
            "title",
            "description",
            "skills",
            "certificate",
            "longitude",
            "latitude",
            "wage_min",
            "wage_max",
            "min_age",
            "max_age",
            "education",
            "valid_from",
            "valid_until",
            "work_time",
            "headcount",
            "region_id",
        )
    )


class _IndexCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: matching.PostingIndex | None = None
        self.built_at = 0.0
        self.day: date | None = None

    def get(self) -> matching.PostingIndex:
        today = timezone.localdate()
        with self.lock:
            fresh = self.index is not None and self.day == today and time.monotonic() - self.built_at < INDEX_TTL
            if not fresh:
                self.index = matching.PostingIndex(posting_facts(open_postings(today)))
                self.built_at, self.day = time.monotonic(), today
            return self.index  # type: ignore[return-value]

    def clear(self) -> None:
        with self.lock:
            self.index = None


posting_index = _IndexCache()


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _home(region_codes: set[str]) -> dict[str, tuple[float | None, float | None]]:
    """Each village's coordinates, else its town's, else its county's (what the registry knows)."""
    wanted = set(region_codes)
    for code in list(region_codes):
        wanted |= {code[:9] + "000", code[:6] + "000000"}
    known = {
        code: (_float(lon), _float(lat))
        for code, lon, lat in Region.objects.filter(code__in=wanted, longitude__isnull=False).values_list(
            "code", "longitude", "latitude"
        )
    }
    return {
        code: known.get(code) or known.get(code[:9] + "000") or known.get(code[:6] + "000000") or (None, None)
        for code in region_codes
    }


def seeker_facts(persons: Iterable[Person], day: date | None = None) -> list[matching.Seeker]:
    """Persons (with their ``seeker`` profile where they have one) as the matcher reads them."""
    day = day or timezone.localdate()
    persons = list(persons)
    homes = _home({p.region_id for p in persons})
    found = []
    for person in persons:
        profile: SeekerProfile | None = getattr(person, "seeker", None) if hasattr(person, "seeker") else None
        wished = tuple(profile.occupations) if profile else ()
        names = " ".join(occupations.name(c) for c in wished)
        skills = matching.split_terms(profile.skills) if profile else frozenset()
        lon, lat = homes.get(person.region_id, (None, None))
        found.append(
            matching.Seeker(
                person_id=person.pk,
                age=_age(person.birth_date, day),
                education=person.education,
                occupations=wished,
                skills=skills,
                longitude=lon,
                latitude=lat,
                wage_floor=profile.wage_floor if profile else 0,
                work_time=profile.work_time if profile else "any",
                text=f"{names} {' '.join(sorted(skills))} {profile.place if profile else ''}".strip(),
                region=person.region_id,
            )
        )
    return found


def is_graduate(person: Person) -> bool:
    return person.groups.filter(group=KeyGroup.GRADUATE).exists()
