"""Statistics in the API: the catalogue, measurements (scoped), and a month's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from jiuye.core.api import api_view
from jiuye.core.permissions import Perm
from jiuye.indicators import catalogue, services
from jiuye.indicators.models import Measurement
from jiuye.regions import selectors as region_selectors

router = Router(tags=["统计指标"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    decimals: int
    scale: int
    direction: str
    kind: str
    source: str
    definition: str
    params: dict[str, Any]


class MeasurementOut(Schema):
    indicator: str
    region: str
    period: str
    value: Decimal  # stored units (人, 户, %)
    shown: Decimal  # in the indicator's unit and rounding (万人 to two decimals …)
    unit: str


@router.get("/indicators", response=list[IndicatorOut], summary="指标目录")
@api_view(Perm.VIEW_STATISTICS)
def indicator_list(request: HttpRequest) -> Any:
    return [
        {
            "code": i.code,
            "name": str(i.name),
            "unit": str(i.unit),
            "decimals": i.decimals,
            "scale": i.scale,
            "direction": str(i.direction),
            "kind": str(i.kind),
            "source": "entered" if i.entered else ("derived" if i.derive else "calculated"),
            "definition": str(i.definition),
            "params": services.effective_params(i),
        }
        for i in catalogue.all_indicators()
    ]


@router.get(
    "/measurements",
    response=list[MeasurementOut],
    summary="某区划某指标的数值：指定月份，或全部已计算月份",
    description="region 默认为用户本人的区划；其他区划须在管辖范围内。",
)
@api_view(Perm.VIEW_STATISTICS)
def measurement_list(request: HttpRequest, indicator: str, region: str | None = None, period: str | None = None) -> Any:
    """``region`` defaults to the user's own region; another region must lie in the scope."""
    user = request.auth  # type: ignore[attr-defined]
    code = indicator
    spec = catalogue.get(code)
    if spec is None:
        raise Http404
    place = region_selectors.region_get(user=user, code=region or user.region_id)  # 404 outside the scope
    rows = Measurement.objects.filter(indicator=code, region_code=place.code).order_by("period")
    if period:
        try:
            month: date = services.parse_period(period)
        except ValidationError as exc:
            raise Http404 from exc
        rows = rows.filter(period=month)
    return [
        {
            "indicator": code,
            "region": place.code,
            "period": m.period.strftime("%Y-%m"),
            "value": m.value,
            "shown": spec.shown(m.value),
            "unit": str(spec.unit),
        }
        for m in rows
    ]
