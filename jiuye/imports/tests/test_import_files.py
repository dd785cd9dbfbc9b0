"""The files the field sends, through the one import pipeline (shown on the ledger): title rows,
columns in any order and unknown ones, full-width characters, CSV in every encoding, .xlsx with
date cells and numbers, old .xls, missing columns, empty or corrupt files, the command line."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
import xlwt
from django.core.management import call_command

from jiuye.accounts.models import User
from jiuye.imports.models import ImportStatus
from jiuye.imports.tests.test_registry_import import (
    HEADERS,
    VILLAGE_A,
    new_id,
    reasons,
    row,
    run,
    write_csv,
)
from jiuye.imports.tests.test_registry_import import officer as officer
from jiuye.registry.models import Person

pytestmark = pytest.mark.django_db


def test_title_rows_shuffled_columns_and_extra_columns(officer: User, tmp_path: Path) -> None:
    r = row(**{"备用": "x"})
    headers = [
        "就业状态",
        "姓名",
        "备用",
        "公民身份号码",
        "户编号",
        "就业意愿",
        "劳动能力",
        "与户主关系",
        "村(社区)代码",
    ]
    job = run(
        write_csv(tmp_path / "t.csv", [r], title="紫阳县城关镇劳动力信息采集表（2026年10月）", headers=headers), officer
    )
    assert job.created == 1 and "备用" in job.warnings[0]


def test_full_width_digits_lowercase_x_and_spaces(officer: User, tmp_path: Path) -> None:
    number = new_id()
    while not number.endswith("X"):
        number = new_id()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    village = "".join(chr(ord(c) + 0xFEE0) for c in VILLAGE_A)
    job = run(
        write_csv(
            tmp_path / "fw.csv", [row(**{"公民身份号码": f" {full_width} ", "村(社区)代码": village, "姓名": " 张伟 "})]
        ),
        officer,
    )
    assert job.created == 1
    assert Person.objects.get().id_number == number


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(officer: User, tmp_path: Path, encoding: str) -> None:
    job = run(
        write_csv(tmp_path / "e.csv", [row(), row(**{"与户主关系": "子女", "姓名": "张小明"})], encoding=encoding),
        officer,
    )
    assert job.created == 2 and Person.objects.filter(name="张小明").exists()


def test_xlsx_with_date_cells_serial_numbers_and_a_numeric_id(officer: User, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["劳动力信息采集表"])
    headers = [*HEADERS[:8], "就业开始日期"]
    sheet.write_row(2, 0, headers)
    good = row()
    second = row(**{"姓名": "李娜", "与户主关系": "配偶", "就业状态": "灵活就业"})
    numeric = row(**{"姓名": "王五", "与户主关系": "子女"})
    for r, values in enumerate([good, second, numeric], start=3):
        for c, header in enumerate(headers[:8]):
            sheet.write_string(r, c, values[header])
    sheet.write_datetime(3, 8, datetime(2026, 2, 1), date_format)
    sheet.write_number(4, 8, 46054)  # Excel serial number of 2026-02-01
    sheet.write_number(5, 3, float(numeric["公民身份号码"][:15]) * 1000)  # what Excel does to a long number
    workbook.close()
    job = run(path, officer)
    assert (job.created, job.rejected) == (2, 1)
    assert set(Person.objects.values_list("status_since", flat=True)) == {date(2026, 2, 1)}
    assert "Excel 存成了数字" in reasons(job)[6][0][1]


def test_old_xls_files(officer: User, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    values = row()
    for c, header in enumerate(HEADERS[:8]):
        sheet.write(0, c, header)
        sheet.write(1, c, values[header])
    book.save(str(path))
    assert run(path, officer).created == 1


def test_a_missing_required_column_is_a_clear_file_error(
    officer: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "m.csv", [row()], headers=[h for h in HEADERS[:8] if h != "就业状态"])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_registry", str(path), "--as", officer.username)
    assert exit_info.value.code == 1
    assert "缺少必填列：就业状态" in json.loads(capsys.readouterr().out)["file_error"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "文件为空"),
        ("bad.xlsx", b"PK\x03\x04 not really", "无法读取"),
        ("x.txt", b"a,b", "不支持"),
        ("noheader.csv", "甲,乙\n1,2\n".encode(), "没有找到表头"),
    ],
)
def test_empty_corrupt_or_foreign_files_are_refused(
    officer: User, tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    job = run(path, officer)
    assert job.status == ImportStatus.FAILED and fragment in job.message
    assert Person.objects.count() == 0


def test_the_command_prints_one_json_line_and_writes_the_error_report(
    officer: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "c.csv", [row(), row(**{"户编号": "002", "公民身份号码": "123"})])
    call_command("import_registry", str(path), "--as", officer.username, "--as-of", "2026-10-31")
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 1 and summary["rejected"] == 1 and summary["rejected_rows"] == [3]
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(summary["error_report"]).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["源行号", "列", "值", "原因"] and sheet[1][:3] == [3.0, "公民身份号码", "123"]


def test_digits_of_other_scripts_are_reported_not_crashed_on(officer: User, tmp_path: Path) -> None:
    """A superscript ² in an ID number, Arabic-Indic digits in a phone or an income: each row is
    reported back with its column, and the good row still comes in."""
    good = row()
    rows = [
        row(**{"户编号": "002", "公民身份号码": good["公民身份号码"][:14] + "²" + good["公民身份号码"][15:]}),
        row(**{"户编号": "003", "联系电话": "١٣٨١٢٣٤٥٦٧٨"}),
        row(**{"户编号": "004", "月收入(元)": "٣٠٠٠"}),
        good,
    ]
    job = run(write_csv(tmp_path / "scripts.csv", rows), officer)
    assert (job.created, job.rejected) == (1, 3)
    found = reasons(job)
    assert [c for c, _r in found[2]] == ["公民身份号码"]
    assert [c for c, _r in found[3]] == ["联系电话"]
    assert [c for c, _r in found[4]] == ["月收入(元)"]
