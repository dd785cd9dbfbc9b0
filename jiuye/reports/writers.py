"""The report as .docx (python-docx; the bureau edits it afterwards) and PDF (LibreOffice)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from jiuye.reports import builder, charts

GAP_MARK = "暂无数据"
# The fonts of 公文 (GB/T 9704-2012: title in 小标宋, level-one headings in 黑体, level-two in 楷体,
# body in 仿宋), by the names Word and WPS know on the bureau's machines.
TITLE_FONT = "宋体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
LANGUAGE = "zh-CN"
TABLE_SIZE = 10.0  # a little under 五号, so that every cell holds on one line
CHART_WIDTH = 14.0  # cm: 6.6 cm tall, so that a chart rarely leaves much of a page behind it
# The targets table's columns (cm) across the 15.4 cm between the margins: the indicator's name
# gets the room to stay on one or two lines, the figures what their longest value needs.
TABLE_WIDTHS = (3.7, 1.6, 1.9, 1.9, 3.3, 3.0)
# Where those are not installed (a Linux server converting to PDF), the free Simplified Chinese
# faces of Debian's fonts-noto-cjk stand in: a Song-style serif for the body, a Hei-style sans for
# headings. Without this, LibreOffice falls back to the Japanese faces and DejaVu for digits.
PDF_FONTS = {
    TITLE_FONT: "Noto Serif CJK SC",
    BODY_FONT: "Noto Serif CJK SC",
    SUBHEADING_FONT: "Noto Serif CJK SC",
    HEADING_FONT: "Noto Sans CJK SC",
}


class PdfUnavailable(Exception):
    pass


def _font(run: Any, name: str, size: float) -> None:
    run.font.name = name  # Latin letters and digits in the same face as the Chinese
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_language(document: Any) -> None:
    """The document's language is Simplified Chinese (w:lang in the default run properties), so
    that Word and LibreOffice choose Chinese glyph forms, spelling and line breaking."""
    from docx.oxml import OxmlElement

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:  # python-docx's template has them; a bare document gets them here
        properties = document.styles.element.get_or_add_docDefaults().get_or_add_rPrDefault().get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def to_docx(report: builder.Report) -> bytes:
    document = Document()
    _set_language(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.8)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    context = report.context
    for block in report.blocks:
        if block.kind == "chart":
            drawn = charts.chart(block.parts[0], context.region, context.year, context.period)
            if drawn is None:
                paragraph = document.add_paragraph()
                _font(paragraph.add_run(_("（图表：%(spec)s 暂无数据）") % {"spec": block.parts[0]}), BODY_FONT, 12)
                continue
            png, title = drawn
            # The chart carries its title; a separate caption could be left alone at the top of the
            # next page, and keeping the two together leaves half a page empty before the chart.
            shape = document.add_picture(io.BytesIO(png), width=Cm(CHART_WIDTH))
            shape._inline.docPr.set("descr", title)  # the title as the picture's text alternative
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        if block.kind == "table":
            _targets_table(document, report)
            continue
        paragraph = document.add_paragraph()
        size, font = 16.0, BODY_FONT
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            size, font = 22.0, TITLE_FONT
        elif block.kind == "heading":
            font = HEADING_FONT
            paragraph.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        elif block.kind == "subheading":
            font = SUBHEADING_FONT
            paragraph.paragraph_format.keep_with_next = True
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing = Pt(28)
        for part in block.parts:
            if isinstance(part, str):
                run = paragraph.add_run(part)
                _font(run, font, size)
                run.bold = block.kind == "title"
            elif part["kind"] == "gap":
                run = paragraph.add_run(GAP_MARK)
                _font(run, font, size)
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                run.font.color.rgb = RGBColor(0x8A, 0x61, 0x00)
            else:
                run = paragraph.add_run(part["text"])
                _font(run, font, size)
    _gaps(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _targets_table(document: Any, report: builder.Report) -> None:
    context = report.context
    rows = builder.target_table(context.region, context.year, context.period)
    if not rows:
        paragraph = document.add_paragraph()
        _font(paragraph.add_run(_("本年度尚未下达目标任务。")), BODY_FONT, 14)
        return
    table = document.add_table(rows=1, cols=len(builder.TARGET_HEADERS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")  # the header row is repeated on each page
    for cell, text in zip(header.cells, builder.TARGET_HEADERS, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for row in rows:
        added = table.add_row()
        _row_flag(added, "w:cantSplit")  # a row is never cut across two pages
        for n, (cell, text) in enumerate(zip(added.cells, row, strict=True)):
            if n >= 2:  # the figures, right-aligned so that their digits line up
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT if n < 5 else WD_ALIGN_PARAGRAPH.LEFT
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)
    # The widths in the grid (what LibreOffice reads) and in every cell (what Word reads).
    for grid, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), TABLE_WIDTHS, strict=True):
        grid.set(qn("w:w"), str(Cm(width).twips))
    for column, width in zip(table.columns, TABLE_WIDTHS, strict=True):
        for cell in column.cells:
            cell.width = Cm(width)


def _row_flag(row: Any, tag: str) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _gaps(document: Any, report: builder.Report) -> None:
    if not report.gaps:
        return
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    paragraph.paragraph_format.keep_with_next = True
    _font(paragraph.add_run(_("附：暂无数据的项目")), HEADING_FONT, 16)
    for n, gap in enumerate(report.gaps, start=1):
        item = document.add_paragraph()
        _font(item.add_run(f"{n}. {gap.label}（{gap.module}）：{gap.reason}"), BODY_FONT, 12)


def _fontconfig() -> str:
    """The system's font configuration, with each 公文 font name bound to its stand-in."""
    aliases = "".join(
        f'<match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{escape(face)}</string></edit></match>'
        for name, face in PDF_FONTS.items()
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}</fontconfig>"
    )


def to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice in headless mode (Debian's ``libreoffice-writer``)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfUnavailable(_("服务器未安装 LibreOffice，无法生成 PDF；可下载 Word 版本后另存为 PDF。"))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
        fonts = Path(tmp) / "fonts.conf"
        fonts.write_text(_fontconfig(), encoding="utf-8")
        profile = Path(tmp) / "profile"
        result = subprocess.run(  # noqa: S603 (fixed argument list)
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=180,
            check=False,
            env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
        )
        target = Path(tmp) / "report.pdf"
        if result.returncode != 0 or not target.exists():
            raise PdfUnavailable(_("PDF 转换失败：%(error)s") % {"error": result.stderr.decode(errors="replace")[:200]})
        return target.read_bytes()
