"""Excel in and out for statistics: the data behind the dashboard's charts, the target template
and the target import (every row imported or reported back with row, column and reason)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from jiuye.core.tabular import XLSX, safe_cell, watermark
from jiuye.indicators import catalogue
from jiuye.indicators.selectors import Dashboard


def _number(scale: catalogue.Scale, value: Decimal | None) -> Any:
    shown = scale.value(value)
    return "" if shown is None else float(shown)


def _float(value: Decimal | None) -> Any:
    return "" if value is None else float(value)


def dashboard_workbook(board: Dashboard, *, user: Any) -> bytes:
    """Three sheets: the month's figures with targets, the focus trend, the comparison of the
    subdivisions — exactly the numbers the charts draw."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    mark = book.add_format({"italic": True, "font_color": "#B42318"})
    period = board.period.strftime("%Y-%m")

    sheet = book.add_worksheet(_("指标概览"))
    sheet.write_string(0, 0, f"{board.region.name} {period}　{watermark(user)}", mark)
    sheet.write_row(
        1,
        0,
        [_("指标代码"), _("指标"), _("单位"), _("数值"), _("目标"), _("完成率(%)"), _("序时进度(%)"), _("状态")],
        head,
    )
    tiles = {t.indicator.code: t for t in board.tiles}
    for n, (indicator, value, scale) in enumerate(board.table, start=2):
        tile = tiles.get(indicator.code)
        text = tile.progress_text if tile else None
        sheet.write_row(
            n,
            0,
            [
                indicator.code,
                safe_cell(str(indicator.name)),
                scale.unit,
                _number(scale, value),
                _number(scale, text.progress.target.value) if text else "",
                _float(text.completion_percent if text else None),
                _float(None if text is None or text.is_ceiling else text.progress.share_percent),
                (text.summary if text.is_ceiling else text.status) if text else "",
            ],
        )
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 7, 12)

    focus = board.focus
    trend = book.add_worksheet(_("月度趋势"))
    trend.write_string(0, 0, f"{board.region.name} {focus.name}（{board.chart_scale.unit}）", mark)
    trend.write_row(1, 0, [_("月份"), _("数值")], head)
    for n, (month, value) in enumerate(board.trend, start=2):
        trend.write_row(n, 0, [month.strftime("%Y-%m"), _number(board.chart_scale, value)])

    compare = book.add_worksheet(_("下级对比"))
    compare.write_string(0, 0, f"{board.region.name} {period} {focus.name}（{board.chart_scale.unit}）", mark)
    compare.write_row(1, 0, [_("区划代码"), _("区划"), _("数值"), _("目标"), _("完成率(%)"), _("排名")], head)
    for n, row in enumerate(board.children, start=2):
        compare.write_row(
            n,
            0,
            [
                row.region.code,
                safe_cell(row.region.name),
                _number(board.chart_scale, row.value),
                _number(board.chart_scale, row.progress.target.value) if row.progress else "",
                _float(row.progress_text.completion_percent if row.progress_text else None),
                row.rank or "",
            ],
        )
    compare.set_column(0, 1, 16)
    for each in (sheet, trend, compare):  # printed on A4: landscape, one page wide
        each.set_landscape()
        each.set_paper(9)
        each.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def dashboard_response(board: Dashboard, *, user: Any) -> HttpResponse:
    response = HttpResponse(dashboard_workbook(board, user=user), content_type=XLSX)
    name = f"统计-{board.region.name}-{board.period:%Y%m}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- targets ----------------------------------------------------------------------------------
