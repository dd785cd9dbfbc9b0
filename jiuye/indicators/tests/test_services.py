"""Storing, locking, keeping current, checking; the commands; map boundaries."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from freezegun import freeze_time

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, VILLAGE_A
from jiuye.core.models import AuditEvent
from jiuye.indicators import catalogue, services
from jiuye.indicators.models import Measurement, PeriodLock, StalePeriod
from jiuye.regions.models import Region
from jiuye.registry import services as registry
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db
CITY = "610900000000"


@pytest.fixture
def admin(personas: dict[str, User]) -> User:
    return personas["city_admin"]


def _month() -> date:
    return timezone.localdate().replace(day=1)


def test_compute_stores_every_region_and_writes_only_changes(admin: User) -> None:
    home = factories.household(admin, village=VILLAGE_A)
    person = factories.person(admin, home, status=EmploymentStatus.UNEMPLOYED, since=date(2025, 1, 1))
    month = _month()
    written = services.compute_period(month)
    regions = Region.objects.count()
    assert Measurement.objects.filter(period=month, indicator="labour_force").count() == regions
    assert written == Measurement.objects.filter(period=month).count()
    assert services.compute_period(month) == 0  # nothing changed, nothing written
    registry.status_change(actor=admin, person=person, status=EmploymentStatus.IN_COUNTY, start=month)
    changed = services.compute_period(month)
    assert 0 < changed < written
    assert services.check_period(month) == []


def test_check_finds_a_stale_or_tampered_figure(admin: User) -> None:
    factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    month = _month()
    services.compute_period(month)
    Measurement.objects.filter(period=month, indicator="labour_force", region_code=COUNTY_A).update(value=Decimal(99))
    differences = services.check_period(month)
    assert [(d.indicator, d.region, d.stored, d.fresh) for d in differences] == [
        ("labour_force", COUNTY_A, Decimal(99), Decimal(1))
    ]
    with pytest.raises(CommandError):
        call_command("check_indicators", period=month.strftime("%Y-%m"), stdout=io.StringIO())
    services.compute_period(month)
    out = io.StringIO()
    call_command("check_indicators", period=month.strftime("%Y-%m"), stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["differences"] == 0


@freeze_time("2026-11-27 10:00:00")
def test_a_registry_change_marks_the_months_it_touches(admin: User) -> None:
    person = factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    StalePeriod.objects.all().delete()
    start = date(timezone.localdate().year, 1, 15)
    registry.status_change(actor=admin, person=person, status=EmploymentStatus.FLEXIBLE, start=start)
    stale = sorted(StalePeriod.objects.values_list("period", flat=True))
    assert stale[0] == start.replace(day=1) and stale[-1] == _month()
    assert len(stale) == timezone.localdate().month
    assert set(services.recompute_stale()) == set(stale)  # this year's months are computed
    assert not StalePeriod.objects.exists()


def test_a_month_is_computed_outside_the_write_transaction(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Computing a month takes seconds on a real registry; on SQLite a write transaction holds
    the single write lock, so the figures must be computed before it opens, or every page's
    write would wait behind a worker recomputing month after month. (The test itself runs in
    a transaction: the figures must be computed at the caller's depth, in no block of their own.)"""
    from django.db import connection

    factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    month = _month()
    compute = services.compute_figures
    depths: list[int] = []

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        depths.append(len(connection.atomic_blocks))
        return compute(*args, **kwargs)

    monkeypatch.setattr(services, "compute_figures", watched)
    caller = len(connection.atomic_blocks)
    assert services.compute_period(month) > 0
    assert depths == [caller]
    assert Measurement.objects.get(period=month, indicator="labour_force", region_code=CITY).value == 1


def test_a_change_while_a_month_is_computed_leaves_it_marked(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures are computed from what was committed when they were read: a change committed
    meanwhile marks the month stale, and the mark survives, so the month is computed again."""
    person = factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    month = _month()
    compute = services.compute_figures

    def with_a_change_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        figures = compute(*args, **kwargs)
        registry.status_change(actor=admin, person=person, status=EmploymentStatus.IN_COUNTY, start=month)
        return figures

    monkeypatch.setattr(services, "compute_figures", with_a_change_meanwhile)
    services.compute_period(month)
    assert StalePeriod.objects.filter(period=month).exists()
    monkeypatch.setattr(services, "compute_figures", compute)
    assert month in services.recompute_stale()
    assert services.check_period(month) == []


def test_a_failed_computation_leaves_the_month_marked(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    month = _month()
    services.mark_stale(since=month)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("计算中断")

    monkeypatch.setattr(services, "compute_figures", broken)
    with pytest.raises(RuntimeError):
        services.compute_period(month)
    assert StalePeriod.objects.filter(period=month).exists()


def test_a_locked_month_is_frozen_until_reopened_with_a_reason(admin: User) -> None:
    person = factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    month = date(2025, 12, 1)
    services.compute_period(month)
    with pytest.raises(ValidationError):
        services.period_lock(actor=admin, period=month, locked=True, reason=" ")
    with pytest.raises(ValidationError):
        services.period_lock(actor=admin, period=date(2020, 1, 1), locked=True, reason="未计算")
    services.period_lock(actor=admin, period=month, locked=True, reason="年报已上报")
    assert AuditEvent.objects.filter(action="indicators.period_lock").count() == 1
    with pytest.raises(services.PeriodLocked):
        services.compute_period(month)
    registry.status_change(actor=admin, person=person, status=EmploymentStatus.IN_COUNTY, start=date(2025, 12, 10))
    assert not StalePeriod.objects.filter(period=month).exists()  # the lock holds
    before = Measurement.objects.get(period=month, indicator="labour_force", region_code=CITY).value
    services.period_lock(actor=admin, period=month, locked=False, reason="补录12月台账")
    assert AuditEvent.objects.filter(action="indicators.period_reopen").count() == 1
    assert StalePeriod.objects.filter(period=month).exists()
    services.compute_period(month)
    assert Measurement.objects.get(period=month, indicator="labour_force", region_code=CITY).value == before
    assert PeriodLock.objects.get(period=month).locked is False


def test_entered_values_need_scope_source_and_an_open_month(personas: dict[str, User]) -> None:
    indicator = catalogue.get("urban_employed")
    computed = catalogue.get("labour_force")
    assert indicator is not None and computed is not None
    county = personas["county_a"]
    month = _month()
    entry = services.entered_value_set(
        actor=county,
        indicator=indicator,
        region_code=COUNTY_A,
        period=month,
        value=Decimal(5000),
        source="县统计局月报",
    )
    assert entry.value == 5000
    assert AuditEvent.objects.filter(action="indicators.entered_value_set", region_code=COUNTY_A).exists()
    for kwargs in (
        {"region_code": "610902000000", "source": "x"},  # a neighbour's county
        {"region_code": COUNTY_A, "source": " "},  # no source
    ):
        with pytest.raises(ValidationError):
            services.entered_value_set(actor=county, indicator=indicator, period=month, value=Decimal(1), **kwargs)
    with pytest.raises(ValidationError):
        services.entered_value_set(
            actor=county, indicator=computed, region_code=COUNTY_A, period=month, value=Decimal(1), source="x"
        )


def test_commands(admin: User) -> None:
    factories.person(admin, factories.household(admin, village=VILLAGE_A), since=date(2025, 1, 1))
    out = io.StringIO()
    call_command("compute_indicators", period="2025-12", stdout=out)
    assert json.loads(out.getvalue())["period"] == "2025-12"
    out = io.StringIO()
    call_command("show_indicator", "labour_force", region=COUNTY_A, period="2025-12", stdout=out)
    line = json.loads(out.getvalue())
    assert line == {"code": "labour_force", "region": COUNTY_A, "period": "2025-12", "value": 1.0, "unit": "人"}
    out = io.StringIO()
    call_command("list_indicators", stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert all(len(r) == 3 for r in rows)
    assert ["urban_new_employment", "城镇新增就业", "万人"] in rows
    assert len(rows) == len(catalogue.all_indicators())
    with pytest.raises(CommandError):
        call_command("compute_indicators", period="2025-13", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("show_indicator", "no_such_code", region=COUNTY_A, period="2025-12", stdout=io.StringIO())


def _square(code: str, name: str, x: float) -> dict[str, object]:
    ring = [[x, 32.0], [x + 0.5, 32.0], [x + 0.5, 32.5], [x, 32.5], [x, 32.0]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_boundary_upload_keeps_known_children_and_reports_the_rest(admin: User) -> None:
    city = Region.objects.get(code=CITY)
    data = {
        "type": "FeatureCollection",
        "features": [
            _square("610924", "", 108.0),  # a county by its 6-digit adcode
            {**_square("", "汉滨区", 109.0)},  # by name
            _square("999999", "某县", 110.0),  # not a child
            {"type": "Feature", "properties": {"name": "点"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        ],
    }
    boundary, drawn, ignored = services.boundary_upload(actor=admin, region=city, raw=json.dumps(data).encode())
    assert sorted(drawn) == ["610902000000", "610924000000"]
    assert len(ignored) == 2
    assert boundary.geojson["features"][1]["properties"]["name"] == "汉滨区"
    for raw in (
        b"not json",
        b'{"type": "Feature"}',
        json.dumps({"type": "FeatureCollection", "features": []}).encode(),
    ):
        with pytest.raises(ValidationError):
            services.boundary_upload(actor=admin, region=city, raw=raw)


def test_the_city_map_ships_with_the_platform_and_an_upload_replaces_it(admin: User) -> None:
    """A fresh install draws the city's ten counties from the shipped dataset, matching the
    dataset's 旬阳县 to today's 旬阳市; the bureau's upload takes its place; a county has none."""
    from jiuye.indicators import boundaries

    city = Region.objects.get(code=CITY)
    shipped = boundaries.boundary_for(city)
    assert shipped is not None and shipped.source is not None
    counties = dict(Region.objects.filter(parent=city).values_list("code", "name"))
    drawn = {f["properties"]["code"]: f["properties"]["name"] for f in shipped.geojson["features"]}
    assert drawn == counties and "旬阳市" in drawn.values()
    assert boundaries.boundary_for(Region.objects.get(code="610924000000")) is None
    raw = json.dumps({"type": "FeatureCollection", "features": [_square("610924", "", 108.0)]}).encode()
    services.boundary_upload(actor=admin, region=city, raw=raw)
    uploaded = boundaries.boundary_for(city)
    assert uploaded is not None and uploaded.source is None
    assert [f["properties"]["code"] for f in uploaded.geojson["features"]] == ["610924000000"]


def test_simplified_neighbours_still_share_their_border() -> None:
    """Snapping to the grid moves a shared vertex the same way on both sides, so no gap opens;
    rings stay closed and a ring that shrinks below the grid is dropped."""
    from jiuye.indicators.boundaries import GRID, simplify

    edge = [[108.0 + i * GRID / 3, 32.0 + (i % 2) * GRID / 7] for i in range(40)]  # a wiggly shared border
    left = {"type": "Polygon", "coordinates": [[*edge, [edge[-1][0], 31.5], [108.0, 31.5], edge[0]]]}
    right = {"type": "Polygon", "coordinates": [[*edge, [edge[-1][0], 32.5], [108.0, 32.5], edge[0]]]}
    a, b = simplify(left), simplify(right)
    assert a is not None and b is not None
    ring_a, ring_b = a["coordinates"][0][0], b["coordinates"][0][0]
    assert ring_a[0] == ring_a[-1] and ring_b[0] == ring_b[-1]
    shared = [p for p in ring_a if 31.9 < p[1] < 32.1]
    assert shared == [p for p in ring_b if 31.9 < p[1] < 32.1] and len(shared) < len(edge)
    tiny = {
        "type": "Polygon",
        "coordinates": [[[108.0001, 32.0001], [108.0002, 32.0001], [108.0001, 32.0002], [108.0001, 32.0001]]],
    }
    assert simplify(tiny) is None
