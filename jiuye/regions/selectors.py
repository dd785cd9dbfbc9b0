"""Reads on the region tree, always from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from jiuye.core.pinyin import name_pinyin
from jiuye.core.scoping import get_visible_or_404
from jiuye.regions.models import Region

_CHILD_PREFIX = {"city": 6, "county": 9, "town": 12}


@dataclass
class RegionCounts:
    towns: int = 0
    villages: int = 0
    urban: int = 0

    @property
    def rural(self) -> int:
        return self.villages - self.urban


def region_get(*, user: Any, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def region_root(*, user: Any) -> Region:
    """The top of the user's scope."""
    return region_get(user=user, code=user.region_id)


def region_children(*, user: Any, region: Region) -> list[tuple[Region, RegionCounts]]:
    """The children of ``region`` the user may see, each with its descendants counted (2 queries)."""
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    length = _CHILD_PREFIX.get(region.level)
    if length is None or not children:
        return [(c, RegionCounts()) for c in children]
    counts = {c.code[:length]: RegionCounts() for c in children}
    rows = (
        Region.objects.visible_to(user)
        .filter(code__startswith=region.prefix, level__in=["town", "village"])
        .annotate(branch=Substr("code", 1, length))
        .values("branch", "level")
        .annotate(n=Count("code"), urban_n=Count("code", filter=Q(urban=True)))
    )
    for row in rows:
        target = counts.get(row["branch"])
        if target is None:
            continue
        if row["level"] == "town":
            target.towns += row["n"]
        else:
            target.villages += row["n"]
            target.urban += row["urban_n"]
    return [(c, counts[c.code[:length]]) for c in children]


def region_counts(*, user: Any, region: Region) -> dict[str, int]:
    """How many regions of each level lie below ``region`` (itself not counted)."""
    rows = (
        Region.objects.visible_to(user)
        .filter(code__startswith=region.prefix)
        .exclude(code=region.code)
        .values("level")
        .annotate(n=Count("code"), urban_n=Count("code", filter=Q(urban=True)))
    )
    out = {"city": 0, "county": 0, "town": 0, "village": 0, "urban": 0}
    for row in rows:
        out[row["level"]] = row["n"]
        if row["level"] == "village":
            out["urban"] = row["urban_n"]
    out["rural"] = out["village"] - out["urban"]
    return out


def region_breadcrumb(*, user: Any, region: Region) -> list[tuple[Region, bool]]:
    """Ancestors then the region itself, each flagged whether the user may open it."""
    chain = [*region.ancestors(), region]
    visible = set(
        Region.objects.visible_to(user).filter(code__in=[r.code for r in chain]).values_list("code", flat=True)
    )
    return [(r, r.code in visible) for r in chain]


def region_search(*, user: Any, query: str, levels: list[str] | None = None, limit: int = 20) -> list[Region]:
    """Regions of the user's scope by code prefix (digits), pinyin (full or initials, Latin
    letters) or a part of the name; in code order. The API and the region picker search here."""
    qs = Region.objects.visible_to(user)
    if levels:
        qs = qs.filter(level__in=levels)
    query = query.strip().lower()
    if not query:
        return list(qs.order_by("code")[:limit])
    if query.isdigit():
        return list(qs.filter(code__startswith=query).order_by("code")[:limit])
    if not query.isascii():
        return list(qs.filter(name__contains=query).order_by("code")[:limit])
    # Pinyin keys are not stored for regions: the scope holds a few thousand at most (a city has
    # about 2,100), whose names' keys are cached.
    found = (r for r in qs.order_by("code") if any(k.startswith(query) for k in name_pinyin(r.name).split()))
    return list(islice(found, limit))
