"""Every import kind through the one pipeline: its template (headers, drop-downs, an example row
that imports cleanly), the page that lists the kinds a user may import, and the accounting of
every row."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jiuye.accounts.models import User
from jiuye.conftest import login
from jiuye.imports import kinds, services
from jiuye.imports.template import write_template

pytestmark = pytest.mark.django_db

# Who imports each kind's example (the kinds' examples name 紫阳县 and the city).
IMPORTER = {
    "registry.persons": "county_a",
    "registry.registrations": "county_a",
    "indicators.targets": "city_admin",
    "employers.employers": "county_a",
    "employers.market_entities": "county_a",
    "employers.factory_reports": "county_a",
    "jobs.postings": "county_a",
    "programs.ui_contributions": "county_a",
    "programs.ui_benefits": "county_a",
    "programs.apply_training": "county_a",
    "programs.apply_skills_upgrade": "county_a",
    "regions.regions": "system_admin",
}


def test_the_platform_offers_the_kinds_of_the_apps() -> None:
    assert [k.code for k in kinds.all_kinds()] == list(IMPORTER)


@pytest.mark.parametrize("code", list(IMPORTER))
def test_each_template_has_its_headers_dropdowns_and_an_example(code: str, tmp_path: Path) -> None:
    kind = kinds.get(code)
    assert kind is not None
    path = write_template(kind, tmp_path / "t.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == kind.headers
    assert rows[1] == [c.example for c in kind.columns]
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count("<dataValidation ") == sum(1 for c in kind.columns if c.choices)
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert str(kind.description) in notes[0][0]


def test_the_example_rows_import_cleanly_in_order(personas: dict[str, User], tmp_path: Path) -> None:
    """The ledger's example person first, then the registration that names him, and so on."""
    for code, persona in IMPORTER.items():
        kind = kinds.get(code)
        assert kind is not None
        path = write_template(kind, tmp_path / f"{code}.xlsx")
        job = services.import_stage(
            user=personas[persona], source=path, original_name=path.name, as_of=date(2026, 10, 31), kind=code
        )
        job = services.import_run(job=job)
        assert job.rejected == 0, (code, list(job.row_errors.values_list("column", "reason")))
        assert job.created + job.updated + job.unchanged == job.rows_read == 1, code


def test_the_import_page_offers_only_the_kinds_the_user_may_import(personas: dict[str, User]) -> None:
    def offered(persona: str) -> list[str]:
        page = login(Client(), personas[persona]).get("/imports/")
        assert page.status_code == 200
        return [k.code for k in page.context["kinds"]]

    business = ["employers.employers", "employers.market_entities", "employers.factory_reports", "jobs.postings"]
    # the insurance agency's data and the certificate lists: county and city only
    programs = [
        "programs.ui_contributions",
        "programs.ui_benefits",
        "programs.apply_training",
        "programs.apply_skills_upgrade",
    ]
    assert offered("county_a") == [
        "registry.persons",
        "registry.registrations",
        "indicators.targets",
        *business,
        *programs,
    ]
    assert offered("village_a") == ["registry.persons", "registry.registrations", *business]
    assert offered("system_admin") == ["regions.regions"]
    assert offered("city_admin") == list(IMPORTER)
    assert login(Client(), personas["leader"]).get("/imports/").status_code == 403
    # A kind the user may not import: its template is refused, an unknown one is not found.
    system = login(Client(), personas["system_admin"])
    assert system.get("/imports/template.xlsx?kind=registry.persons").status_code == 403
    assert system.get("/imports/template.xlsx?kind=nope").status_code == 404
