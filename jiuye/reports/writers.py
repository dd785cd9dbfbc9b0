"""The report as .docx (python-docx; the bureau edits it afterwards) and PDF (LibreOffice)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from jiuye.reports import builder, charts

GAP_MARK = "暂无数据"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"


class PdfUnavailable(Exception):
    pass


def _font(run: Any, name: str, size: float) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def to_docx(report: builder.Report) -> bytes:
    document = Document()
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
            document.add_picture(io.BytesIO(png), width=Cm(15))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = document.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(title), BODY_FONT, 10.5)
            continue
        if block.kind == "table":
            _targets_table(document, report)
            continue
        paragraph = document.add_paragraph()
        size, font = 16.0, BODY_FONT
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            size, font = 22.0, "宋体"
        elif block.kind == "heading":
            font = HEADING_FONT
        elif block.kind == "subheading":
            font = "楷体"
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
    for cell, text in zip(table.rows[0].cells, builder.TARGET_HEADERS, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)


def _gaps(document: Any, report: builder.Report) -> None:
    if not report.gaps:
        return
    paragraph = document.add_paragraph()
    _font(paragraph.add_run(_("附：暂无数据的项目")), HEADING_FONT, 16)
    for n, gap in enumerate(report.gaps, start=1):
        item = document.add_paragraph()
        _font(item.add_run(f"{n}. {gap.label}（{gap.module}）：{gap.reason}"), BODY_FONT, 12)


def to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice in headless mode (Debian's ``libreoffice-writer``)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfUnavailable(_("服务器未安装 LibreOffice，无法生成 PDF；可下载 Word 版本后另存为 PDF。"))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx)
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
        )
        target = Path(tmp) / "report.pdf"
        if result.returncode != 0 or not target.exists():
            raise PdfUnavailable(_("PDF 转换失败：%(error)s") % {"error": result.stderr.decode(errors="replace")[:200]})
        return target.read_bytes()
