"""Reading the spreadsheets the field really sends, and writing Excel files safely.

Input: ``.xlsx``/``.xls`` (calamine) or ``.csv`` in UTF-8, UTF-8 with BOM or GB18030; title rows
and blank rows above the header; columns in any order; full-width characters; Excel dates as
date cells or serial numbers. Every data row keeps its row number in the source sheet.
Output: xlsxwriter, with formula injection neutralised in every cell.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.text import to_halfwidth

HEADER_SCAN_ROWS = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TableError(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


def normalize_header(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(str(text)))


@dataclass(frozen=True)
class Table:
    """A sheet with its header located: column names, and rows as (source row number, cells)."""

    columns: list[str]
    header_row: int
    # (source row number, cell texts, indexes of the cells Excel stored as numbers)
    rows: Iterator[tuple[int, list[str], set[int]]]


def decode_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV，或 Excel 文件。"))


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030: the first that decodes the whole file."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):  # type: ignore[misc]
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableError(_("文件编码无法识别：请保存为 UTF-8 或 GB18030 编码的 CSV，或 Excel 文件。"))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _raw_rows(path: Path) -> Iterator[tuple[list[str], set[int]]]:
    """Rows of cell text, with the indexes of numeric cells (for a clearer message later)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Streamed: a million-row ledger is never held in memory as one string.
        with path.open(encoding=detect_encoding(path), newline="") as fh:
            for row in csv.reader(fh):
                yield row, set()
        return
    if suffix in (".xlsx", ".xls", ".xlsm", ".ods"):
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.iter_rows()
        except (CalamineError, ValueError, OSError) as exc:
            raise TableError(_("无法读取该 Excel 文件（文件损坏或不是 Excel 格式）。")) from exc
        for values in rows:
            yield [_cell_text(v) for v in values], {i for i, v in enumerate(values) if isinstance(v, int | float)}
        return
    raise TableError(_("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件。"))


def read_table(path: Path | str, *, known_headers: Sequence[str], required: Sequence[str]) -> Table:
    """Locate the header row (the first of the top rows naming enough known columns)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise TableError(_("文件为空。"))
    known = {normalize_header(h): h for h in known_headers}
    source = _raw_rows(path)
    for number, (row, _numeric) in enumerate(source, start=1):
        names = [known.get(normalize_header(cell), "") for cell in row]
        if sum(1 for n in names if n) >= min(3, len(required)):
            missing = [h for h in required if h not in names]
            if missing:
                raise TableError(
                    _("第%(row)d行是表头，但缺少必填列：%(columns)s。") % {"row": number, "columns": "、".join(missing)}
                )
            columns = [n or f"?{normalize_header(cell)}" for n, cell in zip(names, row, strict=True)]

            def data_rows(start: int = number) -> Iterator[tuple[int, list[str], set[int]]]:
                for n, (cells, numeric_cells) in enumerate(source, start=start + 1):
                    if "".join(cells).strip():
                        yield n, cells, numeric_cells

            return Table(columns=columns, header_row=number, rows=data_rows())
        if number >= HEADER_SCAN_ROWS:
            break
    raise TableError(
        _("在前%(n)d行中没有找到表头：表头应包含 %(columns)s 等列。")
        % {"n": HEADER_SCAN_ROWS, "columns": "、".join(required[:4])}
    )


# --- dates as the field writes them -----------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(text: str) -> date | None:
    """ISO, slashes, dots, 2026年3月1日, 20260301, or an Excel serial number (e.g. 45352)."""
    text = to_halfwidth(text).strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        serial = int(float(text))
        if 1 <= serial <= 80000:
            return _EXCEL_EPOCH + timedelta(days=serial)
    return None


def parse_count(text: str, *, maximum: int) -> int | None:
    """A whole number as the field writes it (Excel's ``12.0`` included), 0 to ``maximum``."""
    text = to_halfwidth(text).strip().removesuffix(".0")
    return int(text) if text.isdecimal() and int(text) <= maximum else None


# --- writing ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def watermark(user: Any, *, personal_data: bool = False) -> str:
    """The first row of every export: who exported it and when (and, for personal data, that
    it is for the exporter's work only)."""
    name = f"{user.username} {getattr(user, 'full_name', '')}".strip()
    text = _("导出人：%(user)s　导出时间：%(time)s") % {
        "user": name,
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return text + _("　仅限本人工作使用，不得外传。") if personal_data else text


def listing_workbook(
    target: Any, *, user: Any, title: str, columns: Sequence[str], widths: Sequence[int], personal_data: bool
) -> tuple[Any, Any]:
    """A streaming workbook of one list (to a path or a file object): the watermark row, the
    header row, both repeated on every printed page, landscape and one page wide. Rows are
    written from row 2, each cell through ``safe_cell``."""
    import xlsxwriter

    if isinstance(target, str | Path):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        target = str(target)
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(title)
    mark = workbook.add_format({"italic": True, "font_color": "#B42318"})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    sheet.write_string(0, 0, watermark(user, personal_data=personal_data), mark)
    sheet.write_row(1, 0, [str(c) for c in columns], bold)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 1)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    return workbook, sheet


def safe_cell(value: Any) -> Any:
    """Neutralise formula injection: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
