"""The annual report: figures from measurements, gaps marked where a module is missing."""

from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

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
def test_pdf(year_computed: None, client_for: object, tmp_path: Path) -> None:
    """Set in the Simplified Chinese faces (a Song-style serif, a Hei-style sans) with no DejaVu for
    the digits; and the glyphs are the Chinese forms. Noto's collections share one glyph table among
    their language faces, so the embedded name says "jp" whichever face is used: the glyph of 直,
    drawn large, is compared with the SC and the JP faces instead."""
    response = client_for("city_admin").get(f"/reports/annual.pdf?year={YEAR}")  # type: ignore[operator]
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and not [n for n in names if "CJK" not in n], names  # no DejaVu, nothing else
    assert any("NotoSerifCJK" in n for n in names) and any("NotoSansCJK" in n for n in names)
    for font, collection in ((writers.BODY_FONT, SERIF), (writers.HEADING_FONT, SANS)):
        drawn = _glyph_in_pdf(font, tmp_path)
        simplified, japanese = _difference(drawn, _glyph(collection, 2)), _difference(drawn, _glyph(collection, 0))
        assert simplified < 0.05 < japanese, (font, simplified, japanese)


SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"  # Debian's fonts-noto-cjk
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # faces: 0 JP, 1 KR, 2 SC, 3 TC


def _cropped(image: Any) -> Any:
    from PIL import ImageOps

    gray = image.convert("L")
    return gray.crop(ImageOps.invert(gray).getbbox()).resize((64, 64))


def _glyph(collection: str, face: int) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(image).text((20, 20), "直", font=ImageFont.truetype(collection, 200, index=face), fill=0)
    return _cropped(image)


def _glyph_in_pdf(font: str, tmp_path: Path) -> Any:
    from docx import Document
    from PIL import Image

    document = Document()
    writers._set_language(document)
    writers._font(document.add_paragraph().add_run("直"), font, 96)
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = tmp_path / "glyph.pdf"
    pdf.write_bytes(writers.to_pdf(buffer.getvalue()))
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "glyph")],  # noqa: S607
        check=True,
    )
    return _cropped(Image.open(tmp_path / "glyph.png"))


def _difference(a: Any, b: Any) -> float:
    from PIL import ImageChops, ImageStat

    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0]) / 255


def test_the_word_file_is_a_chinese_document_set_as_gongwen(
    year_computed: None, personas: dict[str, User], client_for: object
) -> None:
    """Language zh-CN; the 公文 fonts by name (仿宋 body, 黑体 headings); headings kept with what
    follows; the targets table's header repeated on each page and no row cut in two; a chart with
    its title as its text alternative and no caption to be left alone on the next page."""
    from docx import Document
    from docx.oxml.ns import qn

    from jiuye.indicators import targets

    urban = catalogue.get("urban_new_employment")
    assert urban is not None
    for region in (CITY, COUNTY_A):
        targets.target_set(
            actor=personas["city_admin"],
            indicator=urban,
            region_code=region,
            start_year=YEAR,
            end_year=YEAR,
            value=Decimal(9),
        )
    content = client_for("city_admin").get(f"/reports/annual.docx?year={YEAR}").content  # type: ignore[operator]
    document = Document(io.BytesIO(content))
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert language.get(qn("w:val")) == "zh-CN" and language.get(qn("w:eastAsia")) == "zh-CN"
    fonts = {
        run._element.rPr.rFonts.get(qn("w:eastAsia"))
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.text.strip()
    }
    assert {writers.BODY_FONT, writers.HEADING_FONT} <= fonts
    headings = [p for p in document.paragraphs if p.runs and p.runs[0].text.startswith("一、")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows[1:])
    pictures = document.inline_shapes
    assert len(pictures) > 0 and all(shape._inline.docPr.get("descr") for shape in pictures)
    texts = [p.text for p in document.paragraphs]
    assert not [t for t in texts if t in {shape._inline.docPr.get("descr") for shape in pictures}]


def test_the_targets_table_is_one_rendering_for_page_word_and_pdf(
    year_computed: None, personas: dict[str, User], client_for: object
) -> None:
    """Regions by name; counts in 人 below the city and under 1万 (never "0.00 万人" or
    "4865.0000"); a ceiling by its margin, not a completion rate; the same rows in every format."""
    from jiuye.indicators import targets

    admin = personas["city_admin"]
    urban = catalogue.get("urban_new_employment")
    rate = catalogue.get("registered_unemployment_rate")
    assert urban is not None and rate is not None
    for region, indicator, value in (
        (CITY, urban, Decimal(10000)),
        (COUNTY_A, urban, Decimal(3)),
        (COUNTY_A, rate, Decimal(4)),
    ):
        targets.target_set(
            actor=admin, indicator=indicator, region_code=region, start_year=YEAR, end_year=YEAR, value=value
        )
    city = Region.objects.get(code=CITY)
    rows = builder.target_table(city, YEAR, date(YEAR, 12, 1))
    by_key = {(r[0], r[1]): r for r in rows}
    county_urban = by_key[(str(urban.name), "紫阳县")]
    assert county_urban[2:5] == ("3人", "1人", "33.3%")  # 1 ÷ 3 from the exact figures
    assert by_key[(str(urban.name), "安康市")][2:4] == ("10,000人", "1人")  # one unit for the row
    county_rate = by_key[(str(rate.name), "紫阳县")]
    actual = Measurement.objects.get(indicator=rate.code, region_code=COUNTY_A, period=date(YEAR, 12, 1)).value
    margin = (Decimal(4) - actual).quantize(Decimal("0.01"))
    assert county_rate[4] == f"低 {margin} 个百分点" and county_rate[5] == "控制在目标内"
    text = "".join("".join(r) for r in rows)
    assert "万人" not in text and ".0000" not in text and "—%" not in text and "6109" not in text

    html = client_for("city_admin").get(f"/reports/annual/?year={YEAR}").content.decode()  # type: ignore[operator]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html.split("目标完成情况")[-1])
    for row in rows:
        assert "|".join(row) in "|".join(cells)
    document = Document(io.BytesIO(writers.to_docx(builder.build(city, YEAR))))
    table = document.tables[0]
    assert [tuple(c.text for c in r.cells) for r in table.rows] == [builder.TARGET_HEADERS, *rows]


def test_the_appendix_names_modules_in_chinese(year_computed: None, client_for: object) -> None:
    report = builder.build(Region.objects.get(code=CITY), YEAR)
    modules = {gap.module for gap in report.gaps}
    assert "劳动力台账" in modules  # the registry's targets for next year are not set yet
    assert all(re.search(r"[a-z]", module) is None for module in modules)
    html = client_for("city_admin").get(f"/reports/annual/?year={YEAR}").content.decode()  # type: ignore[operator]
    body = "\n".join(p.text for p in Document(io.BytesIO(writers.to_docx(report))).paragraphs)
    assert "（registry）" not in html and "（registry）" not in body and "（劳动力台账）" in body
