"""The error report of an import (.xlsx): every rejected row with its source row number,
column, value and reason, followed by the row as it was read."""

from __future__ import annotations

import json
from pathlib import Path

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.tabular import safe_cell
from jiuye.imports import kinds
from jiuye.imports.models import ImportJob, ImportRowError


def write_error_report(*, job: ImportJob, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet(_("错误明细"))
    kind = kinds.get(job.kind)
    source_columns = job.columns or (kind.headers if kind else [])
    header = [_("源行号"), _("列"), _("值"), _("原因"), *source_columns]
    sheet.write_row(0, 0, header, bold)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 16)
    sheet.set_column(3, 3, 48, wrap)
    sheet.set_column(4, 4 + len(source_columns), 14)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # printed: all columns on the page width
    for r, error in enumerate(ImportRowError.objects.filter(job=job).order_by("row", "id").iterator(2000), start=1):
        cells = json.loads(error.cells) if error.cells else []
        sheet.write_number(r, 0, error.row)
        for c, value in enumerate([error.column, error.value, error.reason], start=1):
            sheet.write_string(r, c, str(safe_cell(value)))
        for c, value in enumerate(cells[: len(source_columns)], start=4):
            sheet.write_string(r, c, str(safe_cell(value)))
    summary = workbook.add_worksheet(_("汇总"))
    rows: list[tuple[str, object]] = [
        (_("导入类型"), str(job.kind_title)),
        (_("文件"), job.original_name),
        (_("数据截至日期"), job.as_of.isoformat()),
        (_("读取行数"), job.rows_read),
        (_("新增"), job.created),
        (_("更新"), job.updated),
        (_("未变化"), job.unchanged),
        (_("拒绝"), job.rejected),
        (_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    for r, (label, item) in enumerate(rows):
        summary.write_string(r, 0, str(label), bold)
        summary.write(r, 1, safe_cell(item))
    summary.set_column(0, 0, 16)
    summary.set_column(1, 1, 40)
    workbook.close()
    return path
