"""Excel in and out for statistics: the data behind the dashboard's charts, the target template
and the target import (every row imported or reported back with row, column and reason)."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.tabular import TableError, read_table, safe_cell, watermark
from jiuye.indicators import catalogue, targets
from jiuye.indicators.selectors import Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(indicator: catalogue.Indicator, value: Decimal | None) -> Any:
    shown = indicator.shown(value)
    return "" if shown is None else float(shown)


def _detail(indicator: catalogue.Indicator, value: Decimal | None) -> Any:
    """As the charts draw it: whole persons or households where the headline is in 万."""
    shown = indicator.detail(value)
    return "" if shown is None else float(shown)


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
    progress = {t.indicator.code: t.progress for t in board.tiles}
    for n, (indicator, value) in enumerate(board.table, start=2):
        p = progress.get(indicator.code)
        sheet.write_row(
            n,
            0,
            [
                indicator.code,
                safe_cell(str(indicator.name)),
                str(indicator.unit),
                _number(indicator, value),
                _number(indicator, p.target.value) if p else "",
                float(p.percent) if p and p.percent is not None else "",
                float(p.share_percent) if p else "",
                str(p.light_label) if p else "",
            ],
        )
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 7, 12)

    focus = board.focus
    trend = book.add_worksheet(_("月度趋势"))
    trend.write_string(0, 0, f"{board.region.name} {focus.name}（{focus.detail_unit}）", mark)
    trend.write_row(1, 0, [_("月份"), _("数值")], head)
    for n, (month, value) in enumerate(board.trend, start=2):
        trend.write_row(n, 0, [month.strftime("%Y-%m"), _detail(focus, value)])

    compare = book.add_worksheet(_("下级对比"))
    compare.write_string(0, 0, f"{board.region.name} {period} {focus.name}（{focus.detail_unit}）", mark)
    compare.write_row(1, 0, [_("区划代码"), _("区划"), _("数值"), _("目标"), _("完成率(%)"), _("排名")], head)
    for n, row in enumerate(board.children, start=2):
        compare.write_row(
            n,
            0,
            [
                row.region.code,
                safe_cell(row.region.name),
                _detail(focus, row.value),
                _detail(focus, row.progress.target.value) if row.progress else "",
                float(row.progress.percent) if row.progress and row.progress.percent is not None else "",
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

TARGET_COLUMNS = ["指标代码", "区划代码", "起始年度", "终止年度", "目标值", "说明"]
TARGET_REQUIRED = TARGET_COLUMNS[:5]


def target_template_response() -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    sheet = book.add_worksheet(_("目标任务"))
    sheet.write_row(0, 0, TARGET_COLUMNS, head)
    year = timezone.localdate().year
    sheet.write_row(
        1, 0, ["urban_new_employment", "610924000000", year, year, 1.2, _("目标值按指标单位填写（此例：万人）")]
    )
    codes = [i.code for i in catalogue.all_indicators()]
    listing = book.add_worksheet(_("指标目录"))
    listing.write_row(0, 0, [_("指标代码"), _("指标"), _("单位")], head)
    for n, indicator in enumerate(catalogue.all_indicators(), start=1):
        listing.write_row(n, 0, [indicator.code, str(indicator.name), str(indicator.unit)])
    sheet.data_validation(1, 0, 5000, 0, {"validate": "list", "source": f"='{_('指标目录')}'!$A$2:$A${len(codes) + 1}"})
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 16)
    sheet.set_column(5, 5, 40)
    listing.set_column(0, 1, 36)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('目标任务模板.xlsx')}"
    return response


@dataclass
class TargetImport:
    saved: int = 0
    file_error: str = ""
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, column, value, reason
    warnings: list[str] = field(default_factory=list)


def targets_import(*, actor: Any, upload: Any) -> TargetImport:
    """Import targets row by row: a good row is saved, a bad one reported; then every split that
    no longer adds up is listed as a warning."""
    result = TargetImport()
    suffix = Path(getattr(upload, "name", "targets.xlsx")).suffix.lower() or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            table = read_table(handle.name, known_headers=TARGET_COLUMNS, required=TARGET_REQUIRED)
        except TableError as exc:
            result.file_error = str(exc)
            return result
        touched: set[tuple[str, str, int, int]] = set()
        for number, cells, _numeric in table.rows:
            row = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(table.columns)}
            saved = _target_row(actor, number, row, result)
            if saved is not None:
                touched.add(saved)
    for code, region, start, end in sorted(touched):
        result.warnings.extend(_split_warnings(code, region, start, end))
    return result


def _target_row(actor: Any, number: int, row: dict[str, str], result: TargetImport) -> tuple[str, str, int, int] | None:
    indicator = catalogue.get(row["指标代码"].strip())
    if indicator is None:
        result.errors.append((number, "指标代码", row["指标代码"], _("指标代码不在指标目录中。")))
        return None
    years: list[int] = []
    for column in ("起始年度", "终止年度"):
        text = row[column].strip().removesuffix(".0")
        if not text.isdecimal():
            result.errors.append((number, column, row[column], _("年度应为四位数字。")))
            return None
        years.append(int(text))
    try:
        value = indicator.stored(Decimal(row["目标值"].strip().replace(",", "")))
    except InvalidOperation:
        result.errors.append((number, "目标值", row["目标值"], _("目标值应为数字。")))
        return None
    region = row["区划代码"].strip().removesuffix(".0")
    try:
        with transaction.atomic():
            targets.target_set(
                actor=actor,
                indicator=indicator,
                region_code=region,
                start_year=years[0],
                end_year=years[1],
                value=value,
                note=row.get("说明", ""),
            )
    except ValidationError as exc:
        columns = {"region": "区划代码", "end_year": "终止年度", "value": "目标值"}
        for key, reasons in exc.message_dict.items():
            name = columns.get(key, key)
            result.errors.append((number, name, row.get(name, ""), "；".join(reasons)))
        return None
    result.saved += 1
    return indicator.code, region, years[0], years[1]


def _split_warnings(code: str, region: str, start: int, end: int) -> list[str]:
    """If ``region``'s parent has a target for the same span, do the children add up to it?"""
    from jiuye.indicators.models import Target
    from jiuye.regions.models import Region

    indicator = catalogue.get(code)
    parent = Region.objects.filter(code=region).values_list("parent_id", flat=True).first()
    if indicator is None or not indicator.additive or not parent:
        return []
    whole = Target.objects.filter(indicator=code, region_code=parent, start_year=start, end_year=end).first()
    if whole is None:
        return []
    children = Region.objects.filter(parent_id=parent).values_list("code", flat=True)
    parts = {
        t.region_code: t.value
        for t in Target.objects.filter(indicator=code, region_code__in=list(children), start_year=start, end_year=end)
    }
    check = targets.split_check(indicator, whole.value, parts)
    if check.adds_up or whole.note:
        return []
    return [
        _("%(name)s %(years)s：下级目标之和 %(parts)s 与上级目标 %(whole)s 不一致。")
        % {
            "name": indicator.name,
            "years": f"{start}-{end}",
            "parts": indicator.format(check.parts),
            "whole": indicator.format(whole.value),
        }
    ]
