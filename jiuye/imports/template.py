"""The downloadable template of an import kind (.xlsx): the header row (required columns in red),
text-formatted columns (so that Excel keeps ID numbers and codes as typed), drop-down lists for
the enumerations, a filled example row, and the kind's notes on a sheet of their own."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _

from jiuye.imports.kinds import ImportKind

DROPDOWN_ROWS = 100_000


def write_template(kind: ImportKind, path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(str(kind.title)[:31])
    lists = workbook.add_worksheet(_("选项"))
    required = workbook.add_format({"bold": True, "bg_color": "#FDECEA", "border": 1})
    optional = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for c, column in enumerate(kind.columns):
        sheet.write_string(0, c, column.header, required if column.required else optional)
        if column.note:
            sheet.write_comment(0, c, str(column.note))
        sheet.set_column(c, c, column.width, text)
        sheet.write_string(1, c, column.example)
        if column.choices:
            lists.write_column(0, c, list(column.choices))
            letter = xlsxwriter.utility.xl_col_to_name(c)
            sheet.data_validation(
                1,
                c,
                DROPDOWN_ROWS,
                c,
                {
                    "validate": "list",
                    "source": f"='{_('选项')}'!${letter}$1:${letter}${len(column.choices)}",
                    "error_message": _("请从下拉列表中选择。"),
                },
            )
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 110)
    for r, line in enumerate([str(kind.description), *(str(n) for n in kind.notes)]):
        notes.write_string(r, 0, line)
    workbook.close()
    return path


def template_name(kind: ImportKind) -> str:
    return kind.template_name or f"{kind.title}-模板.xlsx"
