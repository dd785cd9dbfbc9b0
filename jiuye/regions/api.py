"""Regions in the API: /api/v1/regions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiuye.core.api import api_view
from jiuye.core.permissions import Level, Perm
from jiuye.regions import selectors, services

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent_id")
    urban: bool | None
    is_zone: bool
    longitude: Decimal | None
    latitude: Decimal | None
    population: int | None


_REGION_ATTRS = ("code", "name", "level", "parent_id", "urban", "is_zone", "longitude", "latitude", "population")


class RegionWithCounts(RegionOut):
    towns: int
    villages: int
    urban_villages: int


class ZoneIn(Schema):
    name: str


@router.get("/regions", response=list[RegionOut], summary="管辖范围内的区划")
@api_view(Perm.VIEW_REGIONS)
def region_list(request: HttpRequest, parent: str | None = None, level: str | None = None, q: str = "") -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if parent:
        region = selectors.region_get(user=user, code=parent)
        return [child for child, _ in selectors.region_children(user=user, region=region)]
    levels = [level] if level in Level.values else None
    return selectors.region_search(user=user, query=q, levels=levels, limit=500)


@router.get("/regions/{code}", response=RegionOut, summary="查看一个区划")
@api_view(Perm.VIEW_REGIONS)
def region_detail(request: HttpRequest, code: str) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return selectors.region_get(user=user, code=code)


@router.get("/regions/{code}/children", response=list[RegionWithCounts], summary="下级区划及人数统计")
@api_view(Perm.VIEW_REGIONS)
def region_children(request: HttpRequest, code: str) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    region = selectors.region_get(user=user, code=code)
    return [
        {
            **{name: getattr(child, name) for name in _REGION_ATTRS},
            "towns": counts.towns,
            "villages": counts.villages,
            "urban_villages": counts.urban,
        }
        for child, counts in selectors.region_children(user=user, region=region)
    ]


@router.post("/regions/{code}/zones", response={201: RegionOut}, summary="在市或县下新增功能区")
@api_view(Perm.MANAGE_ZONES)
def zone_create(request: HttpRequest, code: str, payload: ZoneIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    parent = selectors.region_get(user=user, code=code)
    return 201, services.zone_create(parent=parent, name=payload.name, actor=user)
