"""load_regions on the real file and on broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuye.conftest import REGIONS_CSV
from jiuye.core.models import AuditEvent
from jiuye.regions.loader import FileError, is_urban_name, load_regions_text
from jiuye.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code\n"


def _source_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in REGIONS_CSV.read_text(encoding="utf-8").splitlines()[1:]:
        level = line.split(",")[2]
        counts[level] = counts.get(level, 0) + 1
    return counts


def test_real_file_is_loaded_with_every_level_and_urban_split() -> None:
    source = _source_counts()
    for level, n in source.items():
        assert Region.objects.filter(level=level).count() == n
    assert source == {"city": 1, "county": 10, "town": 139, "village": 1924}
    villages = Region.objects.filter(level="village")
    assert villages.filter(urban=True).count() == 303
    assert villages.filter(urban=False).count() == 1621
    assert Region.objects.get(code="610923111001").urban is False  # 子午社区村委会: code says 0xx, name says 村委会


def test_reloading_the_real_file_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_regions", str(REGIONS_CSV))
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["created"] == 0 and summary["updated"] == 0
    assert summary["unchanged"] == sum(_source_counts().values())


def test_a_renamed_village_is_updated_and_audited() -> None:
    village = Region.objects.get(code="610924100001")
    text = HEADER + f"{village.code},新名字社区居委会,village,{village.parent_id}\n"
    before = AuditEvent.objects.filter(action="regions.load").count()
    report = load_regions_text(text)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Region.objects.get(code=village.code).name == "新名字社区居委会"
    assert AuditEvent.objects.filter(action="regions.load").count() == before + 1
    assert load_regions_text(text).unchanged == 1


def test_optional_columns_are_validated_and_kept() -> None:
    text = (
        "code,name,level,parent_code,longitude,latitude,population,urban\n"
        "610924100001,东城门社区居委会,village,610924100000,108.534,32.520,4210,是\n"
    )
    report = load_regions_text(text)
    assert not report.errors
    region = Region.objects.get(code="610924100001")
    assert (float(region.longitude), float(region.latitude), region.population) == (108.534, 32.52, 4210)


@pytest.mark.parametrize(
    ("body", "row", "column", "fragment"),
    [
        ("61092410000A,坏代码,village,610924100000\n", 2, "code", "格式错误"),
        ("6109241000011,太长,village,610924100000\n", 2, "code", "格式错误"),
        ("610924100999,无名上级,village,610924199000\n", 2, "parent_code", "上级区划不存在"),
        ("610902001999,跨县,village,610924100000\n", 2, "code", "不以上级代码"),
        ("610924100998,层级错,town,610924100000\n", 2, "level", "层级与代码不符"),
        ("610924100997,,village,610924100000\n", 2, "name", "名称不能为空"),
        ("610924000000,紫阳县,county,\n", 2, "parent_code", "只有市级"),
        ("610924100996,甲村委会,village,610924000000\n", 2, "parent_code", "不是本级的上一级"),
    ],
)
def test_each_broken_row_is_reported_with_row_column_and_reason(
    body: str, row: int, column: str, fragment: str
) -> None:
    good = "610924100990,好村委会,village,610924100000\n"
    count = Region.objects.count()
    report = load_regions_text(HEADER + good + body.replace("\n", "") + "\n")
    errors = [(e.row, e.column) for e in report.errors]
    assert (row + 1, column) in errors, report.errors
    assert any(fragment in e.reason for e in report.errors)
    assert Region.objects.count() == count  # all or nothing: the good row was not written either


def test_duplicate_codes_name_the_first_row() -> None:
    text = HEADER + "610924100990,甲村委会,village,610924100000\n610924100990,乙村委会,village,610924100000\n"
    report = load_regions_text(text)
    assert [(e.row, e.column) for e in report.errors] == [(3, "code")]
    assert "第2行" in report.errors[0].reason


def test_cycles_are_reported_with_every_row_in_them() -> None:
    text = (
        HEADER
        + "610924100990,甲村委会,village,610924100991\n"
        + "610924100991,乙村委会,village,610924100992\n"
        + "610924100992,丙村委会,village,610924100990\n"
        + "610924100993,丁村委会,village,610924100000\n"
    )
    report = load_regions_text(text)
    cycle_rows = sorted(e.row for e in report.errors if "循环" in e.reason)
    assert cycle_rows == [2, 3, 4]
    assert not Region.objects.filter(code="610924100993").exists()


def test_a_file_without_the_header_is_refused() -> None:
    with pytest.raises(FileError):
        load_regions_text("610924100990,甲村委会,village,610924100000\n")


def test_gb18030_files_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "610924100990,甲村委会,village,610924100000\n").encode("gb18030"))
    call_command("load_regions", str(path))
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert Region.objects.get(code="610924100990").name == "甲村委会"


def test_the_command_exits_non_zero_and_prints_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "61092410000A,坏代码,village,610924100000\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_regions", str(path))
    summary = json.loads(capsys.readouterr().out)
    assert summary["rejected"] == 1 and summary["errors"][0]["row"] == 2


def test_urban_is_read_from_the_committee_type() -> None:
    assert is_urban_name("东城门社区居委会")
    assert not is_urban_name("宽坪社区村委会")
