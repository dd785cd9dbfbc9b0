"""The ledger import, one small file per rule (IMPORT-TEMPLATES §1)."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jiuye.accounts.models import User
from jiuye.core.models import AuditEvent
from jiuye.imports import services
from jiuye.imports.models import ImportJob, ImportRowError, ImportStatus
from jiuye.registry import idcard
from jiuye.registry.importing.schema import COLUMNS
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup, ZeroEmploymentCase

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]
VILLAGE_A = "610924100001"  # 紫阳县城关镇东城门社区
VILLAGE_A2 = "610924100200"  # 紫阳县城关镇新桃村
VILLAGE_B = "610902001003"  # 汉滨区
_seq = iter(range(1, 999))


def new_id(birth: date = date(1985, 4, 3), *, male: bool | None = None) -> str:
    sequence = next(_seq)
    if male is not None and (sequence % 2 == 1) != male:
        sequence = next(_seq)
    return idcard.make("610924", birth, sequence)


def row(**values: str) -> dict[str, str]:
    base = {
        "村(社区)代码": VILLAGE_A,
        "户编号": "001",
        "姓名": "张伟",
        "公民身份号码": new_id(),
        "与户主关系": "户主",
        "劳动能力": "普通劳动力",
        "就业意愿": "是",
        "就业状态": "未就业",
    }
    base.update(values)
    return base


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    title: str | None = None,
    headers: list[str] | None = None,
) -> Path:
    headers = headers or list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if title:
        writer.writerow([title])
        writer.writerow([])
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(path: Path, user: User, *, as_of: date = date(2026, 10, 31), dry_run: bool = False) -> ImportJob:
    job = services.import_stage(user=user, source=path, original_name=path.name, as_of=as_of, dry_run=dry_run)
    return services.import_run(job=job, batch_size=3)


def reasons(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for e in ImportRowError.objects.filter(job=job):
        out.setdefault(e.row, []).append((e.column, e.reason))
    return out


@pytest.fixture
def officer(personas: dict[str, User]) -> User:
    return personas["county_a"]


def test_a_good_file_creates_households_persons_spells_and_groups(officer: User, tmp_path: Path) -> None:
    head = row(**{"人员类别": "脱贫人口、易地搬迁", "联系电话": "13812345678", "就业开始日期": "2026-01-05"})
    spouse = row(
        **{
            "姓名": "李娜",
            "与户主关系": "配偶",
            "就业状态": "省外务工",
            "就业单位": "某电子厂",
            "月收入(元)": "4500.50",
        }
    )
    job = run(write_csv(tmp_path / "ok.csv", [head, spouse]), officer)
    assert (job.status, job.created, job.rejected) == (ImportStatus.DONE, 2, 0)
    household = Household.objects.get(region_id=VILLAGE_A, number="001")
    assert household.members.count() == 2 and not household.zero_employment
    zhang = Person.objects.get(name="张伟")
    assert zhang.status_since == date(2026, 1, 5) and zhang.phone == "13812345678"
    for person in Person.objects.all():  # gender and birth date come from the ID number
        info = idcard.parse(person.id_number)
        assert (person.gender, person.birth_date) == (info.gender, info.birth_date)
    assert set(PersonGroup.objects.filter(person=zhang).values_list("group", flat=True)) == {
        "poverty_alleviated",
        "relocated",
    }
    li = Person.objects.get(name="李娜")
    spell = EmploymentSpell.objects.get(person=li)
    assert (spell.start, spell.place, spell.monthly_income, spell.source) == (
        date(2026, 10, 31),
        "out_of_province",
        450050,
        "import",
    )
    assert not Path(job.stored_path).exists()  # the clear-text upload is deleted when done


def test_reimporting_the_same_file_changes_nothing(officer: User, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "same.csv", [row(), row(**{"姓名": "李娜", "与户主关系": "配偶"})])
    run(path, officer)
    spells = EmploymentSpell.objects.count()
    again = run(path, officer)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    assert EmploymentSpell.objects.count() == spells and Person.objects.count() == 2


def test_a_changed_status_closes_the_old_spell(officer: User, tmp_path: Path) -> None:
    number = new_id()
    run(write_csv(tmp_path / "a.csv", [row(**{"公民身份号码": number})]), officer, as_of=date(2026, 6, 30))
    job = run(
        write_csv(tmp_path / "b.csv", [row(**{"公民身份号码": number, "就业状态": "县内务工"})]),
        officer,
        as_of=date(2026, 9, 30),
    )
    assert job.updated == 1
    person = Person.objects.get(id_hash__isnull=False)
    spells = list(EmploymentSpell.objects.filter(person=person).order_by("start").values_list("status", "start", "end"))
    assert spells == [("unemployed", date(2026, 6, 30), date(2026, 9, 29)), ("in_county", date(2026, 9, 30), None)]


def test_duplicates_in_the_file_name_the_first_row(officer: User, tmp_path: Path) -> None:
    number = new_id()
    job = run(
        write_csv(
            tmp_path / "d.csv", [row(**{"公民身份号码": number}), row(**{"公民身份号码": number, "户编号": "002"})]
        ),
        officer,
    )
    assert job.created == 1 and reasons(job) == {3: [("公民身份号码", "与第2行的公民身份号码重复。")]}


def test_two_heads_in_one_household(officer: User, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "h.csv", [row(), row(**{"姓名": "李娜"}), row(**{"户编号": "002"})]), officer)
    assert job.created == 1 and set(reasons(job)) == {2, 3}
    assert "2位户主" in reasons(job)[2][0][1]


def test_a_new_household_without_a_head_is_rejected(officer: User, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "nh.csv", [row(**{"与户主关系": "子女"})]), officer)
    assert job.created == 0 and "没有户主" in reasons(job)[2][0][1]


def test_a_new_household_whose_head_row_is_rejected_brings_in_none_of_its_members(
    officer: User, tmp_path: Path
) -> None:
    """Members before and after the bad head row, across batches of three: none comes in headless."""
    good = new_id()
    bad_head = row(**{"公民身份号码": good[:-1] + ("1" if good.endswith("0") else "0"), "户编号": "007"})
    assert not idcard.is_valid(bad_head["公民身份号码"])
    rows = [
        row(**{"户编号": "007", "姓名": "张小明", "与户主关系": "子女"}),
        row(**{"户编号": "008"}),
        row(**{"户编号": "009"}),
        row(**{"户编号": "010"}),
        bad_head,
        row(**{"户编号": "007", "姓名": "李娜", "与户主关系": "配偶"}),
        # Two heads: the whole household is rejected (as before).
        row(**{"户编号": "011"}),
        row(**{"户编号": "011", "姓名": "王五"}),
        row(**{"户编号": "011", "姓名": "王小五", "与户主关系": "子女"}),
    ]
    job = run(write_csv(tmp_path / "bh.csv", rows), officer)
    found = reasons(job)
    assert job.created == 3 and set(found) == {2, 6, 7, 8, 9, 10}
    assert found[6][0][0] == "公民身份号码"
    assert "2位户主" in found[10][0][1]
    for member in (2, 7):
        assert found[member] == [
            (
                "与户主关系",
                "该户在系统中不存在，文件中本户的户主行未能导入（原因见户主行）；本行暂不导入，更正户主行后重新导入即可。",
            )
        ]
    assert sorted(Household.objects.values_list("number", flat=True)) == ["008", "009", "010"]
    assert all(h.members.filter(relation="head").count() == 1 for h in Household.objects.all())

    # Once the head row is mended the same file brings the household in whole.
    rows[4] = row(**{"户编号": "007"})
    rows = rows[:6]
    again = run(write_csv(tmp_path / "bh2.csv", rows), officer)
    assert (again.created, again.unchanged, again.rejected) == (3, 3, 0)
    assert Household.objects.get(number="007").members.count() == 3


def test_members_join_a_registered_household_even_if_the_file_head_row_is_rejected(
    officer: User, tmp_path: Path
) -> None:
    head = row()
    run(write_csv(tmp_path / "1.csv", [head]), officer)
    bad = dict(head, **{"就业状态": "不知道"})
    job = run(write_csv(tmp_path / "2.csv", [bad, row(**{"姓名": "张小明", "与户主关系": "子女"})]), officer)
    assert job.created == 1 and set(reasons(job)) == {2}
    assert Household.objects.get().members.count() == 2


def test_members_can_join_a_household_that_already_has_its_head(officer: User, tmp_path: Path) -> None:
    run(write_csv(tmp_path / "1.csv", [row()]), officer)
    job = run(write_csv(tmp_path / "2.csv", [row(**{"姓名": "张小明", "与户主关系": "子女"})]), officer)
    assert job.created == 1 and Household.objects.get().members.count() == 2
    third = run(write_csv(tmp_path / "3.csv", [row(**{"姓名": "张二", "与户主关系": "户主"})]), officer)
    assert "已有户主" in reasons(third)[2][0][1]


def test_unknown_village_out_of_scope_village_and_a_town_code(officer: User, tmp_path: Path) -> None:
    rows = [
        row(**{"村(社区)代码": "610924199999"}),
        row(**{"村(社区)代码": VILLAGE_B}),
        row(**{"村(社区)代码": "610924100000"}),
    ]
    job = run(write_csv(tmp_path / "v.csv", rows), officer)
    found = reasons(job)
    assert "没有这个村" in found[2][0][1] and "不在您的管辖范围" in found[3][0][1] and "乡镇" in found[4][0][1]
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_ten_percent_foreign_rows_are_never_written(personas: dict[str, User], tmp_path: Path) -> None:
    clerk = personas["village_a"]
    rng = random.Random(7)
    rows = []
    for i in range(40):
        foreign = rng.random() < 0.1 or i == 0
        rows.append(row(**{"户编号": f"{i:03d}", "村(社区)代码": VILLAGE_B if foreign else VILLAGE_A}))
    job = run(write_csv(tmp_path / "f.csv", rows), clerk)
    foreign_rows = {i + 2 for i, r in enumerate(rows) if r["村(社区)代码"] == VILLAGE_B}
    assert set(reasons(job)) == foreign_rows
    assert not Person.objects.exclude(region_id=VILLAGE_A).exists()
    assert job.created == 40 - len(foreign_rows)


def test_bad_enumerations_dates_phones_and_groups(officer: User, tmp_path: Path) -> None:
    rows = [
        row(**{"劳动能力": "很强"}),
        row(**{"户编号": "002", "就业意愿": "也许"}),
        row(**{"户编号": "003", "就业状态": "打工"}),
        row(**{"户编号": "004", "联系电话": "12345"}),
        row(**{"户编号": "005", "人员类别": "脱贫人口/外星人"}),
        row(**{"户编号": "006", "就业开始日期": "2099-01-01"}),
        row(**{"户编号": "007", "就业开始日期": "去年"}),
        row(**{"户编号": "008", "性别": "女", "公民身份号码": new_id(male=True)}),
        row(**{"户编号": "009", "统一社会信用代码": "91610900MA6YXXXXX1"}),
    ]
    job = run(write_csv(tmp_path / "bad.csv", rows), officer)
    found = reasons(job)
    assert set(found) == set(range(2, 11)), found
    assert found[2][0][0] == "劳动能力" and "技能劳动力" in found[2][0][1]
    assert found[9][0] == ("性别", "性别与公民身份号码不一致。")
    assert job.created == 0


def test_dry_run_writes_nothing(officer: User, tmp_path: Path) -> None:
    job = run(
        write_csv(tmp_path / "dry.csv", [row(), row(**{"户编号": "002", "公民身份号码": "1"})]), officer, dry_run=True
    )
    assert (job.created, job.rejected) == (1, 1)
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_zero_employment_households_are_kept_true_after_import(officer: User, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "z.csv", [row(), row(**{"户编号": "002", "就业状态": "县内务工"})]), officer)
    assert job.created == 2
    assert list(Household.objects.filter(zero_employment=True).values_list("number", flat=True)) == ["001"]
    assert ZeroEmploymentCase.objects.filter(household__number="001", status="open").count() == 1


def test_a_killed_import_resumes_from_its_checkpoint(officer: User, tmp_path: Path, monkeypatch: Any) -> None:
    rows = [row(**{"户编号": f"{i:03d}"}) for i in range(10)]
    path = write_csv(tmp_path / "k.csv", rows)
    job = services.import_stage(user=officer, source=path, original_name=path.name, as_of=date(2026, 10, 31))
    from jiuye.imports import runner

    real_commit = runner._commit
    calls = {"n": 0}

    def dying_commit(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process is killed in the middle of batch 3
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(runner, "_commit", dying_commit)
    with pytest.raises(KeyboardInterrupt):
        services.import_run(job=job, batch_size=3)
    job.refresh_from_db()
    assert job.last_row == 7 and Person.objects.count() == 6  # two batches of 3 committed
    monkeypatch.setattr(runner, "_commit", real_commit)
    resumed = services.import_run(job=job, batch_size=3)
    assert (resumed.created, resumed.rejected, Person.objects.count()) == (10, 0, 10)


def test_an_officer_of_another_county_does_not_see_the_job(personas: dict[str, User], tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "s.csv", [row()]), personas["county_a"])
    assert ImportJob.objects.visible_to(personas["county_b"]).filter(pk=job.pk).count() == 0
    assert ImportJob.objects.visible_to(personas["city_admin"]).filter(pk=job.pk).count() == 1


def test_a_person_registered_elsewhere_is_not_taken_over(personas: dict[str, User], tmp_path: Path) -> None:
    number = new_id()
    run(
        write_csv(tmp_path / "b.csv", [row(**{"公民身份号码": number, "村(社区)代码": VILLAGE_B})]),
        personas["county_b"],
    )
    member = row(**{"姓名": "张小明", "与户主关系": "子女"})
    job = run(write_csv(tmp_path / "a.csv", [row(**{"公民身份号码": number}), member]), personas["county_a"])
    found = reasons(job)
    assert job.rejected == 2 and "其他地区" in found[2][0][1]
    # The household would have been new, and its head was turned away: its member waits too,
    # and no empty household is left behind.
    assert "户主行未能导入" in found[3][0][1]
    assert not Household.objects.filter(region_id=VILLAGE_A).exists()
    assert Person.objects.get().region_id == VILLAGE_B


def test_no_clear_personal_data_in_the_database(officer: User, tmp_path: Path) -> None:
    from django.db import connection

    number, phone = new_id(), "13912345678"
    run(
        write_csv(
            tmp_path / "p.csv",
            [
                row(**{"公民身份号码": number, "联系电话": phone}),
                row(
                    **{
                        "户编号": "9",
                        "公民身份号码": number[:17] + "0" if number[17] != "0" else number[:17] + "1",
                        "联系电话": phone,
                    }
                ),
            ],
        ),
        officer,
    )
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            for record in cursor.fetchall():
                text = " ".join(str(v) for v in record)
                assert number not in text and phone not in text, table


def test_relocation_site_is_set_on_the_household_from_any_of_its_rows(officer: User, tmp_path: Path) -> None:
    site = "城关镇幸福社区安置点"
    rows = [
        row(),
        row(**{"姓名": "李娜", "与户主关系": "配偶", "易地搬迁安置点": site}),
        row(**{"户编号": "002", "姓名": "王芳"}),
    ]
    job = run(write_csv(tmp_path / "site.csv", rows), officer)
    assert (job.created, job.rejected) == (3, 0)
    assert dict(Household.objects.values_list("number", "relocation_site")) == {"001": site, "002": ""}
    # A later ledger without the column (or with the cell left empty) does not clear it ...
    again = run(write_csv(tmp_path / "again.csv", [rows[0]], headers=list(rows[0])), officer)
    assert (again.unchanged, again.rejected) == (1, 0)
    assert Household.objects.get(number="001").relocation_site == site
    # ... and a new name replaces it, audited with the batch.
    moved = run(write_csv(tmp_path / "moved.csv", [{**rows[0], "易地搬迁安置点": "新城安置小区"}]), officer)
    assert (moved.unchanged, moved.rejected) == (1, 0)
    household = Household.objects.get(number="001")
    assert household.relocation_site == "新城安置小区"
    event = AuditEvent.objects.filter(action="registry.import_batch").latest("seq")
    assert str(household.pk) in event.after["relocation_site_households"]


def test_rows_of_one_household_naming_different_sites_are_rejected(officer: User, tmp_path: Path) -> None:
    rows = [
        row(**{"易地搬迁安置点": "甲安置点"}),
        row(**{"姓名": "李娜", "与户主关系": "配偶", "易地搬迁安置点": "乙安置点"}),
        row(**{"户编号": "002", "姓名": "王芳", "易地搬迁安置点": "安" * 101}),
        row(**{"户编号": "003", "姓名": "赵强", "易地搬迁安置点": "丙安置点"}),
    ]
    job = run(write_csv(tmp_path / "sites.csv", rows), officer)
    found = reasons(job)
    assert set(found) == {2, 3, 4}
    assert found[2] == [("易地搬迁安置点", "同一户（户编号 001）填写了不同的易地搬迁安置点：乙安置点、甲安置点。")]
    assert "过长" in found[4][0][1]
    assert job.created == 1 and dict(Household.objects.values_list("number", "relocation_site")) == {"003": "丙安置点"}


def test_household_numbers_with_commas_quotes_and_backslashes_are_found_again(officer: User, tmp_path: Path) -> None:
    odd = 'A,"12"\\3{x}'  # each a special character of a PostgreSQL array literal
    rows = [row(**{"户编号": odd}), row(**{"户编号": odd, "姓名": "李娜", "与户主关系": "配偶"})]
    first = run(write_csv(tmp_path / "odd.csv", rows), officer)
    assert (first.created, first.rejected) == (2, 0)
    again = run(write_csv(tmp_path / "odd-again.csv", rows), officer)
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 0)
    assert list(Household.objects.values_list("number", flat=True)) == [odd]


def test_a_row_for_a_person_recorded_as_dead_is_reported_not_written(officer: User, tmp_path: Path) -> None:
    from jiuye.registry import services

    number = new_id()
    run(write_csv(tmp_path / "a.csv", [row(**{"公民身份号码": number})]), officer, as_of=date(2026, 6, 30))
    person = Person.objects.get()
    services.person_set_state(actor=officer, person=person, state="deceased", on=date(2026, 8, 1))
    # The same ledger again changes nothing and says nothing; a changed status is reported back.
    same = run(write_csv(tmp_path / "b.csv", [row(**{"公民身份号码": number})]), officer, as_of=date(2026, 6, 30))
    assert (same.unchanged, same.rejected) == (1, 0)
    job = run(
        write_csv(tmp_path / "c.csv", [row(**{"公民身份号码": number, "就业状态": "县内务工"})]),
        officer,
        as_of=date(2026, 9, 30),
    )
    assert (job.created, job.updated, job.rejected) == (0, 0, 1)
    assert "已登记为死亡" in reasons(job)[2][0][1]
    person.refresh_from_db()
    assert (person.state, person.status) == ("deceased", "unemployed")
    assert EmploymentSpell.objects.filter(person=person).count() == 1
