"""Computing, storing and checking measurements; entered figures; locks; parameters.

Everything that writes goes through here, audited, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.bulk import db_date, db_datetime, insert_many
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import write_prefix
from jiuye.indicators import actions, catalogue
from jiuye.indicators.catalogue import Indicator
from jiuye.indicators.models import (
    EnteredValue,
    IndicatorSetting,
    MapBoundary,
    Measurement,
    PeriodLock,
    StalePeriod,
)
from jiuye.indicators.regiontree import RegionTree
from jiuye.indicators.snapshot import Snapshot, add_months, month_end, month_start

VALUE_PLACES = Decimal("0.0001")


class PeriodLocked(Exception):
    def __init__(self, period: date) -> None:
        super().__init__(_("%(period)s 已锁定，需先解锁才能重算。") % {"period": period.strftime("%Y-%m")})
        self.period = period


def parse_period(text: str) -> date:
    """``YYYY-MM`` → the month's first day; a clear message otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("统计月份应为“年-月”，如 2026-10。")) from exc


def period_end(period: date, *, today: date | None = None) -> date:
    """The day a month's figure describes: its last day, or today for the running month."""
    today = today or timezone.localdate()
    return min(month_end(period), today)


# --- parameters -------------------------------------------------------------------------------


def effective_params(indicator: Indicator) -> dict[str, Any]:
    params = {name: p.default for name, p in indicator.params.items()}
    if indicator.params:
        stored = IndicatorSetting.objects.filter(indicator=indicator.code).values_list("params", flat=True).first()
        params.update({k: v for k, v in (stored or {}).items() if k in indicator.params})
    return params


@retrying_atomic
def params_update(*, actor: Any, indicator: Indicator, params: Mapping[str, Any]) -> dict[str, Any]:
    before = effective_params(indicator)
    unknown = set(params) - set(indicator.params)
    if unknown:
        raise ValidationError(_("未知参数：%(names)s") % {"names": "、".join(sorted(unknown))})
    after = {**before, **params}
    IndicatorSetting.objects.update_or_create(indicator=indicator.code, defaults={"params": after, "updated_by": actor})
    audit_record(
        action=actions.PARAMS_UPDATE,
        actor=actor,
        object_type="indicators.indicatorsetting",
        object_id=indicator.code,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in after.items()},
    )
    mark_stale(since=date(2000, 1, 1))
    return after


# --- computing --------------------------------------------------------------------------------


@dataclass
class PeriodFigures:
    """Every indicator's value for every region of one month."""

    period: date
    end: date
    values: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def get(self, code: str, region: str) -> Decimal | None:
        return self.values.get(code, {}).get(region)


def _leaf_counts(frame: pl.DataFrame) -> dict[str, int]:
    if frame.is_empty():
        return {}
    if "sign" not in frame.columns:
        frame = frame.with_columns(pl.lit(1, dtype=pl.Int8).alias("sign"))
    grouped = frame.group_by("region").agg(pl.col("sign").cast(pl.Int64).sum())
    return dict(zip(grouped["region"].to_list(), grouped["sign"].to_list(), strict=True))


def _entered_values(indicator: Indicator, period: date, tree: RegionTree) -> dict[str, Decimal]:
    """The latest entry of the last twelve months per region; additive figures complete upward."""
    earliest = date(period.year - 1, period.month, 1)
    latest: dict[str, Decimal] = {}
    for region, value in (
        EnteredValue.objects.filter(indicator=indicator.code, period__lte=period, period__gt=earliest)
        .order_by("region_code", "-period")
        .values_list("region_code", "value")
    ):
        latest.setdefault(region, value)
    latest = {k: v for k, v in latest.items() if k in tree.nodes}
    return tree.complete_from_children(latest) if indicator.additive else latest


def compute_figures(
    period: date,
    *,
    tree: RegionTree | None = None,
    indicators: Iterable[Indicator] | None = None,
    today: date | None = None,
) -> PeriodFigures:
    """Compute (not store) every indicator of one month for every region."""
    tree = tree or RegionTree.load()
    end = period_end(period, today=today)
    snap = Snapshot(end)
    figures = PeriodFigures(period=period, end=end)
    for indicator in indicators or catalogue.all_indicators():
        if indicator.calculate is not None:
            frame = indicator.calculate(snap, effective_params(indicator))
            figures.values[indicator.code] = tree.rollup(_leaf_counts(frame))
        elif indicator.entered:
            figures.values[indicator.code] = _entered_values(indicator, period, tree)
        elif indicator.derive is not None:
            derived: dict[str, Decimal] = {}
            for region in tree.nodes:
                value = indicator.derive({code: figures.get(code, region) for code in indicator.inputs})
                if value is not None:
                    derived[region] = Decimal(value).quantize(VALUE_PLACES)
            figures.values[indicator.code] = derived
    return figures


def is_locked(period: date) -> bool:
    return PeriodLock.objects.filter(period=period, locked=True).exists()


def compute_period(period: date, *, today: date | None = None) -> int:
    """Recompute a month and store what changed; returns how many rows were written.

    The figures are computed before the write transaction opens: on SQLite a write transaction
    holds the database's single write lock, and computing a month takes seconds (on the demo
    city, one to two), so a worker recomputing many months back to back (after a change of the
    zero-employment rule, for example) would keep every page's write waiting until it failed.
    The month's stale mark is cleared first, so that a change committed while the figures are
    computed marks it again and it is recomputed; a failed computation marks it again too.

    Only differences are written (a recompute after one status change touches a handful of
    rows), in one short transaction, so the month's rows stay put and readers never see it
    half-written.
    """
    period = month_start(period)
    with transaction.atomic():
        if is_locked(period):
            raise PeriodLocked(period)
        StalePeriod.objects.filter(period=period).delete()
    try:
        figures = compute_figures(period, today=today)
    except BaseException:
        if not connection.needs_rollback:  # inside a caller's broken transaction, its rollback restores the mark
            StalePeriod.objects.get_or_create(period=period)
        raise
    fresh = {
        (code, region): Decimal(value).quantize(VALUE_PLACES)
        for code, by_region in figures.values.items()
        for region, value in by_region.items()
    }
    with transaction.atomic():
        if is_locked(period):  # locked while the figures were computed: what was locked stays
            raise PeriodLocked(period)
        return _store_differences(period, fresh)


def _store_differences(period: date, fresh: dict[tuple[str, str], Decimal]) -> int:
    stored = {
        (code, region): (pk, value)
        for pk, code, region, value in Measurement.objects.filter(period=period).values_list(
            "pk", "indicator", "region_code", "value"
        )
    }
    now = timezone.now()
    inserts = [
        (code, region, db_date(period), value, db_datetime(now))
        for (code, region), value in fresh.items()
        if (code, region) not in stored
    ]
    updates = [
        (value, db_datetime(now), stored[key][0])
        for key, value in fresh.items()
        if key in stored and stored[key][1] != value
    ]
    gone = [pk for key, (pk, _value) in stored.items() if key not in fresh]
    for start in range(0, len(gone), 500):
        Measurement.objects.filter(pk__in=gone[start : start + 500]).delete()
    if updates:
        table = connection.ops.quote_name(Measurement._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET value = %s, computed_at = %s WHERE id = %s",  # noqa: S608
                updates,
            )
    insert_many(Measurement._meta.db_table, ["indicator", "region_code", "period", "value", "computed_at"], inserts)
    return len(inserts) + len(updates) + len(gone)


def months_of_year(year: int, *, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    last = 12 if year < today.year else today.month
    return [date(year, m, 1) for m in range(1, last + 1)] if year <= today.year else []


@dataclass
class Difference:
    indicator: str
    region: str
    stored: Decimal | None
    fresh: Decimal | None


def check_period(period: date) -> list[Difference]:
    """Recompute a month from the records and compare it with what is stored."""
    period = month_start(period)
    figures = compute_figures(period)
    stored: dict[tuple[str, str], Decimal] = {
        (code, region): value
        for code, region, value in Measurement.objects.filter(period=period).values_list(
            "indicator", "region_code", "value"
        )
    }
    differences = []
    fresh_keys = set()
    for code, by_region in figures.values.items():
        for region, value in by_region.items():
            fresh_keys.add((code, region))
            old = stored.get((code, region))
            if old is None or old.quantize(VALUE_PLACES) != Decimal(value).quantize(VALUE_PLACES):
                differences.append(Difference(code, region, old, value))
    for key in stored.keys() - fresh_keys:
        differences.append(Difference(key[0], key[1], stored[key], None))
    return differences


# --- what a change touches --------------------------------------------------------------------


def mark_stale(*, since: date) -> list[date]:
    """Mark the open months from ``since`` to this month as needing a recompute."""
    today = timezone.localdate()
    first = month_start(max(since, date(today.year - 5, 1, 1)))
    locked = set(PeriodLock.objects.filter(locked=True).values_list("period", flat=True))
    months, current = [], first
    while current <= today:
        if current not in locked:
            months.append(current)
        current = add_months(current, 1)
    existing = set(StalePeriod.objects.filter(period__in=months).values_list("period", flat=True))
    StalePeriod.objects.bulk_create([StalePeriod(period=m) for m in months if m not in existing])
    return months


def recompute_stale() -> list[date]:
    """Recompute every stale month that has measurements or is this year (the task's body)."""
    done = []
    for period in StalePeriod.objects.order_by("period").values_list("period", flat=True):
        if is_locked(period):
            StalePeriod.objects.filter(period=period).delete()
            continue
        has_rows = Measurement.objects.filter(period=period).exists()
        if has_rows or period.year == timezone.localdate().year:
            compute_period(period)
            done.append(period)
        else:
            StalePeriod.objects.filter(period=period).delete()
    return done


# --- locks ------------------------------------------------------------------------------------


@retrying_atomic
def period_lock(*, actor: Any, period: date, locked: bool, reason: str) -> PeriodLock:
    if not reason.strip():
        raise ValidationError({"reason": _("请填写原因。")})
    period = month_start(period)
    if locked and not Measurement.objects.filter(period=period).exists():
        raise ValidationError({"period": _("该月尚未计算，不能锁定。")})
    lock, _created = PeriodLock.objects.update_or_create(
        period=period, defaults={"locked": locked, "reason": reason.strip(), "changed_by": actor}
    )
    audit_record(
        action=actions.PERIOD_LOCK if locked else actions.PERIOD_REOPEN,
        actor=actor,
        obj=lock,
        after={"period": period.strftime("%Y-%m"), "reason": reason.strip()},
    )
    if not locked:
        mark_stale(since=period)
    return lock


# --- entered figures --------------------------------------------------------------------------


@retrying_atomic
def entered_value_set(
    *, actor: Any, indicator: Indicator, region_code: str, period: date, value: Decimal, source: str
) -> EnteredValue:
    prefix = write_prefix(actor)
    if not indicator.entered:
        raise ValidationError({"indicator": _("该指标由系统计算，不能录入。")})
    if prefix is None or not region_code.startswith(prefix):
        raise ValidationError({"region": _("只能录入本级及下辖区划的数据。")})
    if not source.strip():
        raise ValidationError({"source": _("请注明数据来源。")})
    period = month_start(period)
    if is_locked(period):
        raise ValidationError({"period": _("该月已锁定。")})
    if value < 0:
        raise ValidationError({"value": _("数值不能为负。")})
    old = EnteredValue.objects.filter(indicator=indicator.code, region_code=region_code, period=period).first()
    entry, _created = EnteredValue.objects.update_or_create(
        indicator=indicator.code,
        region_code=region_code,
        period=period,
        defaults={"value": value, "source": source.strip(), "entered_by": actor},
    )
    audit_record(
        action=actions.ENTERED_VALUE_SET,
        actor=actor,
        obj=entry,
        region_code=region_code,
        before={"value": str(old.value), "source": old.source} if old else None,
        after={"indicator": indicator.code, "period": period.strftime("%Y-%m"), "value": str(value), "source": source},
    )
    mark_stale(since=period)
    return entry


# --- map boundaries ---------------------------------------------------------------------------


@retrying_atomic
def boundary_upload(*, actor: Any, region: Any, raw: bytes) -> tuple[MapBoundary, list[str], list[str]]:
    """Store a GeoJSON of ``region``'s children. Returns the boundary, the children drawn and the
    features that match no child (reported back, not stored)."""
    import json

    from jiuye.regions.models import Region

    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError({"file": _("文件不是有效的 GeoJSON（UTF-8 编码的 JSON）。")}) from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ValidationError({"file": _("GeoJSON 应为 FeatureCollection。")})
    from jiuye.indicators.boundaries import match

    children = dict(Region.objects.filter(parent=region).values_list("code", "name"))
    kept, unknown = match(data, children)
    if not kept:
        raise ValidationError({"file": _("文件中没有可识别的下级区划边界。")})
    boundary, _created = MapBoundary.objects.update_or_create(
        region_code=region.code,
        defaults={"geojson": {"type": "FeatureCollection", "features": kept}, "uploaded_by": actor},
    )
    audit_record(
        action=actions.BOUNDARY_UPLOAD,
        actor=actor,
        obj=boundary,
        region_code=region.code,
        after={"features": len(kept), "ignored": len(unknown)},
    )
    return boundary, [f["properties"]["code"] for f in kept], unknown
