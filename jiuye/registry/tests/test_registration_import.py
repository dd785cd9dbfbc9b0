"""The registrations import (就业失业登记, IMPORT-TEMPLATES §3): a generated city's figures equal an
independent count, re-importing changes nothing, and every rule of the template refuses its row."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.imports import services as imports
from jiuye.imports.models import ImportJob
from jiuye.imports.tests.test_registry_import import new_id, row, write_csv
from jiuye.indicators.models import Measurement
from jiuye.indicators.services import compute_period
from jiuye.regions.models import Region
from jiuye.registry import services
from jiuye.registry.demo import (
    REGISTRATION_HEADERS,
    Registrant,
    Village,
    expected_registration_figures,
    generate,
    registrant,
    registrations,
)
from jiuye.registry.demo import write_csv as write_template_csv
from jiuye.registry.models import Person, Registration

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def run(path: Path, user: User, kind: str = "registry.registrations", batch_size: int = 3) -> ImportJob:
    job = imports.import_stage(user=user, source=path, original_name=path.name, as_of=TODAY, kind=kind)
    return imports.import_run(job=job, batch_size=batch_size)


def reasons(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for row_number, column, reason in job.row_errors.values_list("row", "column", "reason"):
        found.setdefault(row_number, []).append((column, reason))
    return found


def act(number: str, kind: str, day: date, **more: str) -> dict[str, str]:
    values = {"公民身份号码": number, "登记类型": kind, "登记日期": day.isoformat(), "村(社区)代码": "610924100001"}
    return {**values, **more}


def test_a_generated_city_gives_the_figures_an_independent_count_gives(
    personas: dict[str, User], tmp_path: Path
) -> None:
    """城镇新增就业 and 登记失业人数 per county, after a ledger import and a registrations import,
    equal what the generator itself counts from the rows it wrote; re-importing changes nothing."""
    admin = personas["city_admin"]
    villages = [
        Village(code, bool(urban), name)
        for code, urban, name in Region.objects.filter(level="village")
        .order_by("code")
        .values_list("code", "urban", "name")
    ]
    people: list[Registrant] = []
    ledger = tmp_path / "city.csv"
    write_template_csv(
        generate(villages, persons=2500, seed=11, as_of=TODAY), ledger, keep=lambda r: people.append(registrant(r))
    )
    assert run(ledger, admin, kind="registry.persons", batch_size=1000).rejected == 0
    acts = list(registrations(people, seed=12, as_of=TODAY))
    assert {"就业登记", "失业登记", "失业登记注销"} <= {a["登记类型"] for a in acts}
    path = tmp_path / "acts.csv"
    write_template_csv(acts, path, headers=REGISTRATION_HEADERS)
    job = run(path, admin, batch_size=500)
    assert job.rejected == 0, list(job.row_errors.values_list("row", "column", "reason")[:5])
    assert job.created + job.updated == len(acts) == job.rows_read
    compute_period(TODAY.replace(day=1), today=TODAY)
    urban = dict(Region.objects.filter(level="village").values_list("code", "urban"))
    expected = expected_registration_figures(acts, urban, TODAY)
    assert sum(f["urban_new_employment"] for f in expected.values()) > 20  # the test means something
    assert sum(f["registered_unemployed"] for f in expected.values()) > 5
    counties = Region.objects.filter(level="county").values_list("code", flat=True)
    for indicator in ("urban_new_employment", "registered_unemployed"):
        stored = dict(
            Measurement.objects.filter(
                indicator=indicator, period=TODAY.replace(day=1), region_code__in=list(counties)
            ).values_list("region_code", "value")
        )
        for county in counties:
            assert stored.get(county, 0) == expected.get(county, {}).get(indicator, 0), (indicator, county)
    before = Registration.objects.count()
    again = run(path, admin, batch_size=500)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, len(acts), 0)
    assert Registration.objects.count() == before


@pytest.fixture
def officer(personas: dict[str, User]) -> User:
    return personas["county_a"]


@pytest.fixture
def registered(officer: User, tmp_path: Path) -> list[str]:
    """Three persons of 紫阳县 in the registry (their ID numbers)."""
    numbers = [new_id(), new_id(), new_id()]
    rows = [row(**{"户编号": f"R{i}", "公民身份号码": n}) for i, n in enumerate(numbers)]
    assert run(write_csv(tmp_path / "ledger.csv", rows), officer, kind="registry.persons").created == 3
    return numbers


def test_every_rule_of_the_template_refuses_its_row(
    officer: User, registered: list[str], personas: dict[str, User], tmp_path: Path
) -> None:
    a, b, c = registered
    day = TODAY - timedelta(days=30)
    rows = [
        act(a, "失业登记", day, **{"失业原因": "其他"}),  # 2: fine
        act(a, "失业登记", day + timedelta(days=1), **{"失业原因": "其他"}),  # 3: one is open
        act(b, "失业登记注销", day, **{"注销原因": "其他"}),  # 4: none open
        act(c, "就业登记", day),  # 5: no form
        act(c, "就业登记", TODAY + timedelta(days=1), **{"就业形式": "单位就业"}),  # 6: future
        act(new_id(), "就业登记", day, **{"就业形式": "单位就业"}),  # 7: not in the registry
        act(a, "入职登记", day),  # 8: no such kind
        act(c, "就业登记", day, **{"就业形式": "单位就业", "村(社区)代码": "610902001003"}),  # 9: another county
        act(c, "就业登记", day, **{"就业形式": "单位就业", "统一社会信用代码": "91610900MA6YX0000X"}),  # 10: bad code
        act(c, "就业登记", day, **{"就业形式": "单位就业"}),  # 11: fine
        act(c, "就业登记", day, **{"就业形式": "单位就业"}),  # 12: the same act: unchanged
    ]
    job = run(write_csv(tmp_path / "acts.csv", rows), officer)
    found = reasons(job)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert found[3] == [("登记类型", "此人已有未注销的失业登记，不能重复登记。")]
    assert found[4] == [("登记类型", "此人没有未注销的失业登记。")]
    assert found[5][0][0] == "就业形式" and "就业登记须填写" in found[5][0][1]
    assert found[6] == [("登记日期", "登记日期不能晚于今天。")]
    assert found[7][0][0] == "公民身份号码" and "台账中没有此人" in found[7][0][1]
    assert found[8][0][0] == "登记类型"
    assert found[9] == [("村(社区)代码", "该村(社区)不在您的管辖范围内。")]
    assert found[10][0][0] == "统一社会信用代码"
    assert (job.created, job.unchanged, job.rejected, job.rows_read) == (2, 1, 8, 11)


def test_a_person_of_another_county_is_the_same_refusal_as_an_unknown_one(
    personas: dict[str, User], tmp_path: Path
) -> None:
    theirs = new_id()
    neighbour = personas["county_b"]
    ledger = [row(**{"村(社区)代码": "610902001003", "公民身份号码": theirs})]
    assert run(write_csv(tmp_path / "b.csv", ledger), neighbour, kind="registry.persons").created == 1
    job = run(
        write_csv(tmp_path / "acts.csv", [act(theirs, "就业登记", TODAY, **{"就业形式": "单位就业"})]),
        personas["county_a"],
    )
    assert reasons(job)[2][0][1].startswith("台账中没有此人，或此人不在您的管辖范围内")


def test_acts_of_one_person_apply_in_date_order_and_a_job_ends_unemployment(
    officer: User, registered: list[str], tmp_path: Path
) -> None:
    a, b, _c = registered
    early, late = TODAY - timedelta(days=90), TODAY - timedelta(days=10)
    rows = [
        act(a, "失业登记注销", late, **{"注销原因": "迁出"}),  # before its 失业登记 in the file, after it in time
        act(a, "失业登记", early, **{"失业原因": "其他"}),
        act(b, "失业登记", early, **{"失业原因": "毕业未就业"}),
        act(b, "就业登记", late, **{"就业形式": "灵活就业"}),
    ]
    job = run(write_csv(tmp_path / "acts.csv", rows), officer, batch_size=10)
    assert (job.created, job.updated, job.rejected) == (3, 1, 0)
    ended_a = Registration.objects.get(person__id_hash=services.id_hash(a), kind="unemployment")
    ended_b = Registration.objects.get(person__id_hash=services.id_hash(b), kind="unemployment")
    assert (ended_a.ended_on, ended_a.end_reason) == (late, "moved")
    assert (ended_b.ended_on, ended_b.end_reason) == (late, "employed")


def test_the_import_and_the_form_follow_one_rule(officer: User, registered: list[str], tmp_path: Path) -> None:
    """An act recorded on the person's page is the same act in a file: unchanged, not doubled;
    and the page refuses what the import refuses."""
    a, _b, _c = registered
    person = Person.objects.get(id_hash=services.id_hash(a))
    day = TODAY - timedelta(days=5)
    services.registration_unemployment(actor=officer, person=person, day=day, reason="other", region=person.region)
    job = run(write_csv(tmp_path / "acts.csv", [act(a, "失业登记", day, **{"失业原因": "其他"})]), officer)
    assert (job.created, job.unchanged) == (0, 1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不能重复登记"):
        services.registration_unemployment(
            actor=officer, person=person, day=day + timedelta(days=1), reason="other", region=person.region
        )
    assert Registration.objects.filter(person=person).count() == 1
