"""Recompute-and-compare over the demo city: every stored measurement equals a fresh computation."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jiuye.indicators import services
from jiuye.indicators.models import Measurement, Target
from jiuye.indicators.selectors import computed_periods

pytestmark = pytest.mark.django_db
CITY = "610900000000"


def test_demo_city_measurements_equal_a_fresh_computation(
    settings: object, tmp_path: object, client_for: object
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("prepare_demo", persons=600, stdout=io.StringIO())
    periods = computed_periods(CITY)
    assert len(periods) >= 13
    for period in periods:
        assert services.check_period(period) == [], period
    assert Measurement.objects.filter(indicator="labour_force", region_code=CITY, period=periods[0]).get().value > 0
    assert Target.objects.filter(region_code=CITY).exists()
    # The figures roll up: the city is the sum of its counties for every additive count.
    latest = periods[0]
    county_sum = sum(
        Measurement.objects.filter(indicator="labour_force", period=latest, region_code__regex=r"^6109\d\d000000$")
        .exclude(region_code=CITY)
        .values_list("value", flat=True)
    )
    assert county_sum == Measurement.objects.get(indicator="labour_force", period=latest, region_code=CITY).value
    second = io.StringIO()
    call_command("demo_statistics", stdout=second)
    assert '"computed_months": []' in second.getvalue()  # idempotent
    _report_of_the_demo_year(latest)


def _report_of_the_demo_year(latest: object) -> None:
    """The report for the demo year: no mask left, every figure its measurement, gaps marked."""
    from docx import Document

    from jiuye.indicators import catalogue
    from jiuye.regions.models import Region
    from jiuye.reports import builder, writers

    year = latest.year  # type: ignore[attr-defined]
    report = builder.build(Region.objects.get(code=CITY), year)
    assert report.context.period == latest
    assert report.figures
    for figure in report.figures:
        stored = Measurement.objects.get(indicator=figure.code, region_code=CITY, period=latest).value
        indicator = catalogue.get(figure.code)
        assert indicator is not None and figure.text == indicator.format(stored)
    # Every registered indicator the template names has its figure; every gap names its module.
    assert report.gaps and all(g.module and g.reason for g in report.gaps)
    document = Document(io.BytesIO(writers.to_docx(report)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "*" not in body
    assert body.count(writers.GAP_MARK) == len(report.gaps) + 1  # each gap, plus the appendix's title
