"""The annual report: figures from measurements, gaps marked where a module is missing."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, VILLAGE_A
from jiuye.indicators import catalogue, services
from jiuye.indicators.models import EnteredValue, Measurement
from jiuye.regions.models import Region
from jiuye.registry import services as registry
from jiuye.registry.choices import EmploymentForm, EmploymentStatus, KeyGroup
from jiuye.registry.tests import factories
from jiuye.reports import builder, writers

pytestmark = pytest.mark.django_db
CITY = "610900000000"
YEAR = 2025
FIG_TAG = re.compile(r"""\{%\s*fig\s+"([^"]+)"(?:[^%]*module="([^"]+)")?""")


@pytest.fixture
def year_computed(personas: dict[str, User]) -> None:
    admin = personas["city_admin"]
    home = factories.household(admin, village=VILLAGE_A)
    worker = factories.person(
        admin,
        home,
        status=EmploymentStatus.IN_COUNTY,
        since=date(2025, 1, 1),
        groups=[KeyGroup.POVERTY_ALLEVIATED, KeyGroup.RELOCATED],
    )
    registry.registration_employment(
        actor=admin, person=worker, day=date(2025, 3, 1), form=EmploymentForm.EMPLOYER, region=home.region
    )
    for code, value in (("urban_employed", 1000), ("surveyed_unemployment_rate", Decimal("5.1"))):
        for region in Region.objects.filter(level__in=["city", "county"]).values_list("code", flat=True):
            EnteredValue.objects.create(
                indicator=code,
                region_code=region,
                period=date(2025, 1, 1),
                value=value,
                source="统计局",
                entered_by=admin,
            )
    for month in (10, 11, 12):
        services.compute_period(date(YEAR, month, 1))


def _template_codes() -> tuple[set[str], set[str]]:
    """The figure codes the report template names: those registered, and those not yet."""
    source = builder.engines["django"].get_template(builder.TEMPLATE).template.source
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.S)  # the usage comment names a placeholder code
    codes = {m.group(1) for m in FIG_TAG.finditer(text)}
    known = {c for c in codes if catalogue.get(c) is not None}
    return known, codes - known


def test_every_figure_is_its_measurement_and_gaps_are_exactly_the_missing_modules(year_computed: None) -> None:
    report = builder.build(Region.objects.get(code=CITY), YEAR)
    assert report.context.period == date(YEAR, 12, 1)
    known, missing = _template_codes()
    assert {f.code for f in report.figures} == known
    for figure in report.figures:
        stored = Measurement.objects.get(indicator=figure.code, region_code=CITY, period=date(YEAR, 12, 1)).value
        indicator = catalogue.get(figure.code)
        assert indicator is not None
        assert figure.value == stored and figure.text == indicator.format(stored)
    gap_labels = [g.label for g in report.gaps]
    assert len(gap_labels) == len(missing) + _missing_targets(report)
    assert all(g.reason for g in report.gaps)


def _missing_targets(report: builder.Report) -> int:
    return sum(1 for g in report.gaps if "目标" in g.label)


def test_the_docx_has_no_mask_and_shows_every_figure(year_computed: None) -> None:
    report = builder.build(Region.objects.get(code=CITY), YEAR)
    document = Document(io.BytesIO(writers.to_docx(report)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "*" not in body
    assert "安康市2025年就业创业工作报告" in body
    urban = next(f for f in report.figures if f.code == "urban_new_employment")
    assert f"城镇新增就业{urban.text}万人" in body
    assert urban.text == "0.00"  # one person: 0.0001 万人, rounded to two decimals as the seed writes
    rate = next(f for f in report.figures if f.code == "registered_unemployment_rate")
    assert f"登记失业率{rate.text}%" in body
    marked = sum(
        1
        for p in document.paragraphs
        for r in p.runs
        if r.text == writers.GAP_MARK and r.font.highlight_color is not None
    )
    assert marked == len(report.gaps)
    appendix = body.split("附：暂无数据的项目")[1]
    assert all(gap.label in appendix for gap in report.gaps)
    assert len(document.inline_shapes) >= 1  # the trend chart


def test_a_year_without_measurements_is_all_gaps_not_numbers(personas: dict[str, User]) -> None:
    report = builder.build(Region.objects.get(code=CITY), 2019)
    assert report.context.period is None and report.figures == []
    assert all(not isinstance(part, dict) or part["kind"] != "fig" for block in report.blocks for part in block.parts)


def test_command_and_pages(year_computed: None, tmp_path: object, client_for: object) -> None:
    out = io.StringIO()
    target = f"{tmp_path}/r.docx"
    call_command("annual_report", YEAR, out=target, stdout=out)
    assert Document(target).paragraphs[0].text.startswith("安康市2025年")
    client = client_for("county_a")  # type: ignore[operator]
    page = client.get(f"/reports/annual/?year={YEAR}")
    assert page.status_code == 200
    assert page.context["doc"].context.region.code == COUNTY_A  # the officer's own county
    assert "紫阳县2025年就业创业工作报告" in page.content.decode()
    download = client.get(f"/reports/annual.docx?year={YEAR}")
    assert Document(io.BytesIO(download.content)).paragraphs[0].text.startswith("紫阳县2025年")


@pytest.mark.skipif(
    writers.shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed here; .ci/run installs it and there the test always runs",
)
@pytest.mark.once  # the conversion by LibreOffice; the figures it prints are tested on both engines above
def test_pdf(year_computed: None, client_for: object) -> None:
    response = client_for("city_admin").get(f"/reports/annual.pdf?year={YEAR}")  # type: ignore[operator]
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
