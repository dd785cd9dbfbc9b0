"""Employers, 新社区工厂 reports, the market-entity list and HR service organisations: bad input is
refused with its reason and saves nothing; the figures are counted from the records."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.home import agenda_for
from jiuye.employers import selectors, services
from jiuye.employers.choices import EmployerKind, OrgKind
from jiuye.employers.importing import MARKET
from jiuye.employers.models import Employer, FactoryReport, MarketEntity, ServiceOrg
from jiuye.employers.tests import factories
from jiuye.imports import services as import_services
from jiuye.imports.models import ImportJob
from jiuye.indicators import services as indicator_services
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.registry import services as registry_services
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    data = {
        "credit_code": factories.credit_code(),
        "name": "紫阳富硒茶业有限公司",
        "kind": "enterprise",
        "region": "610924100000",
        "industry": "15",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"credit_code": "91610900MA0000000X"}, "credit_code", "GB 32100"),
        ({"industry": "99"}, "industry", ""),
        ({"kind": "community_factory"}, "factory_category", "类别"),
        ({"region": "610902001000"}, "region", "管辖范围"),
        ({"longitude": "32.7", "latitude": "50"}, "longitude", "填反"),
    ],
)
def test_a_refused_employer_says_why_and_saves_nothing(
    personas: dict[str, User], change: dict[str, str], field: str, reason: str
) -> None:
    client = CsrfClient(personas["county_a"])
    response = client.post("/employers/new/", _form(**change))
    assert response.status_code == 422
    assert field in response.context["form"].errors and reason in " ".join(response.context["form"].errors[field])
    assert not Employer.objects.exists()


def test_one_credit_code_is_one_employer(personas: dict[str, User]) -> None:
    code = factories.credit_code()
    client = CsrfClient(personas["county_a"])
    assert client.post("/employers/new/", _form(credit_code=code.lower())).status_code == 302
    assert Employer.objects.get().credit_code == code  # stored upper-case
    response = client.post("/employers/new/", _form(credit_code=code, name="另一家"))
    assert response.status_code == 422 and "已登记" in str(response.context["form"].errors["credit_code"])
    assert Employer.objects.count() == 1


def test_workers_are_registry_persons_naming_the_credit_code(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    employer = factories.employer(writer, region="610924100000")
    home = registry_factories.household(writer, village="610924100001")
    people = [
        registry_factories.person(writer, home, name=f"工人{i}", relation="other" if i else "head") for i in range(3)
    ]
    today = timezone.localdate()
    for person in people[:2]:
        registry_services.status_change(
            actor=writer,
            person=person,
            status="in_county",
            start=today,
            place="in_county",
            employer_name=employer.name,
            employer_credit_code=employer.credit_code,
        )
    assert selectors.worker_count(employer) == 2
    registry_services.status_change(
        actor=writer, person=people[0], status="unemployed", start=today
    )  # a correction of the day
    assert selectors.worker_count(employer) == 1
    # A town officer of another town sees the count, not the names.
    assert [p.name for p in selectors.workers(user=personas["county_a"], employer=employer)] == ["工人1"]


def _report(month: date, **extra: int) -> services.ReportInput:
    values = {
        "jobs": 40,
        "relocated": 25,
        "poverty_alleviated": 12,
        "output_value": 50_000_000,
        "wages_paid": 11_000_000,
    }
    values.update(extra)
    return services.ReportInput(month=month, **values)


def test_factory_reports_refuse_impossible_figures(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    factory = factories.employer(writer, kind=EmployerKind.COMMUNITY_FACTORY)
    last = add_months(month_start(timezone.localdate()), -1)
    for data, field in (
        (_report(last, relocated=41), "relocated"),
        (_report(last, poverty_alleviated=50), "poverty_alleviated"),
        (_report(month_start(timezone.localdate())), "month"),
        (_report(last, output_value=-1), "output_value"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.factory_report_save(actor=writer, employer=factory, data=data)
        assert field in refused.value.message_dict
    assert not FactoryReport.objects.exists()
    plain = factories.employer(writer)
    with pytest.raises(ValidationError):
        services.factory_report_save(actor=writer, employer=plain, data=_report(last))
    _saved, created = services.factory_report_save(actor=writer, employer=factory, data=_report(last))
    _again, created_again = services.factory_report_save(actor=writer, employer=factory, data=_report(last, jobs=45))
    assert created and not created_again
    assert FactoryReport.objects.get().jobs == 45


def test_a_factory_report_form_with_csrf_and_amounts_in_yuan(personas: dict[str, User]) -> None:
    factory = factories.employer(personas["city_admin"], kind=EmployerKind.COMMUNITY_FACTORY)
    client = CsrfClient(personas["county_a"])
    month = add_months(month_start(timezone.localdate()), -1).strftime("%Y-%m")
    bad = {
        "month": month,
        "jobs": "10",
        "relocated": "11",
        "poverty_alleviated": "1",
        "output_value": "1000.50",
        "wages_paid": "800",
    }
    assert client.post(f"/employers/{factory.pk}/report/", bad).status_code == 422
    assert not FactoryReport.objects.exists()
    assert client.post(f"/employers/{factory.pk}/report/", {**bad, "relocated": "4"}).status_code == 302
    report = FactoryReport.objects.get()
    assert (report.output_value, report.wages_paid) == (100_050, 80_000)


def test_late_reports_are_on_the_home_page_of_the_area(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    factory = factories.employer(
        writer,
        region="610924100001",
        kind=EmployerKind.COMMUNITY_FACTORY,
        name="东城毛绒玩具社区工厂",
        certified_on=date(2025, 1, 1),
    )
    factories.employer(
        writer,
        region="610902001003",
        kind=EmployerKind.COMMUNITY_FACTORY,
        name="老城服饰社区工厂",
        certified_on=date(2025, 1, 1),
    )
    officer = personas["county_a"]
    # On the 20th of November October's report is due; on 5 December November's is not yet.
    assert [f.name for f in selectors.late_factories(user=officer, today=date(2026, 11, 20))] == [
        "东城毛绒玩具社区工厂"
    ]
    # Today, on the officer's home page: the report now due is missing, the neighbour's is not listed.
    titles = [item.title for item in agenda_for(officer)]
    assert any("东城毛绒玩具社区工厂" in t for t in titles) and not any("老城" in t for t in titles)
    assert "东城毛绒玩具社区工厂" in CsrfClient(officer).get("/").content.decode()
    services.factory_report_save(actor=writer, employer=factory, data=_report(date(2026, 10, 1)))
    assert not selectors.late_factories(user=officer, today=date(2026, 11, 20)).exists()
    assert not selectors.late_factories(user=officer, today=date(2026, 12, 5)).exists()
    assert selectors.late_factories(user=officer, today=date(2026, 12, 11)).exists()


def test_factory_figures_are_the_sums_of_the_reports(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    rng = random.Random(7)
    this_month = month_start(timezone.localdate())
    last_year = date(this_month.year - 1, 12, 1)
    months = [last_year, add_months(this_month, -2), add_months(this_month, -1)]
    expected: Counter[tuple[str, str]] = Counter()
    for _n in range(6):
        region = rng.choice(["610924100001", "610924101001", "610902001003"])
        factory = factories.employer(
            writer, region=region, kind=EmployerKind.COMMUNITY_FACTORY, certified_on=date(this_month.year - 1, 6, 1)
        )
        for month in months:
            data = _report(
                month,
                jobs=rng.randint(20, 60),
                relocated=10,
                poverty_alleviated=5,
                output_value=rng.randint(1, 9) * 10_000_000,
                wages_paid=rng.randint(1, 9) * 1_000_000,
            )
            services.factory_report_save(actor=writer, employer=factory, data=data)
            if month.year == this_month.year:
                expected[(region[:6], "output")] += data.output_value
                expected[(region[:6], "wages")] += data.wages_paid
            if month == months[-1]:
                expected[(region[:6], "jobs")] += data.jobs
        expected[(region[:6], "factories")] += 1
    factories.employer(writer, region="610924100001", kind=EmployerKind.HOME_WORKSHOP)  # not a 新社区工厂
    figures = indicator_services.compute_figures(this_month)
    for county in ("610924", "610902"):
        code = county + "000000"
        assert figures.get("employers.community_factories", code) == expected[(county, "factories")]
        assert figures.get("employers.factory_jobs", code) == expected[(county, "jobs")]
        assert figures.get("employers.factory_output", code) == expected[(county, "output")]
        assert figures.get("employers.factory_wages", code) == expected[(county, "wages")]


def _market_file(rows: list[list[str]], tmp_path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(MARKET.values()))
    writer.writerows(rows)
    path = tmp_path / "market.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def test_the_market_list_import_accounts_for_every_row_and_counts_by_county_and_month(
    personas: dict[str, User], tmp_path: Path
) -> None:
    rng = random.Random(11)
    today = timezone.localdate()
    good, expected = [], Counter()
    for n in range(40):
        county = "610924" if n == 0 else rng.choice(["610924", "610921"])
        day = date(today.year, rng.randint(1, today.month), 1) + timedelta(days=rng.randint(0, 27))
        day = min(day, today)
        code = factories.credit_code()
        good.append(
            [
                code,
                f"主体{code[-4:]}",
                rng.choice(["企业", "个体工商户", "农民专业合作社"]),
                day.isoformat(),
                county + "000000",
                "12.5",
                "3",
            ]
        )
        expected[(county, day.month)] += 1
    bad = [
        ["91610900MA0000000X", "坏代码", "企业", today.isoformat(), "610924000000", "", ""],
        [factories.credit_code(), "坏类型", "公司", today.isoformat(), "610924000000", "", ""],
        [factories.credit_code(), "未来", "企业", (today + timedelta(days=3)).isoformat(), "610924000000", "", ""],
        [factories.credit_code(), "邻县", "企业", today.isoformat(), "610902000000", "", ""],
        [factories.credit_code(), "坏资本", "企业", today.isoformat(), "610924000000", "-5", ""],
        [good[0][0], "重复", "企业", today.isoformat(), "610924000000", "", ""],
    ]
    # The city admin loads the city's list; a county officer only his county's.
    job = import_services.import_run(
        job=import_services.import_stage(
            user=personas["county_a"],
            kind="employers.market_entities",
            source=_market_file(good[:5] + bad, tmp_path),
            original_name="名单.csv",
            as_of=today,
        )
    )
    ziyang_good = sum(1 for r in good[:5] if r[4].startswith("610924"))
    assert job.rows_read == 11 and job.created == ziyang_good and job.rejected == 11 - ziyang_good
    assert job.created + job.updated + job.unchanged + job.rejected == job.rows_read
    MarketEntity.objects.all().delete()
    job = import_services.import_run(
        job=import_services.import_stage(
            user=personas["city_admin"],
            kind="employers.market_entities",
            source=_market_file(good, tmp_path),
            original_name="名单.csv",
            as_of=today,
        )
    )
    assert job.created == 40 and job.rejected == 0
    summary = selectors.market_summary(user=personas["city_admin"], year=today.year)
    assert {(r["county"], r["month"]): r["entities"] for r in summary} == dict(expected)
    assert sum(r["declared"] for r in summary) == 40 * 3
    assert MarketEntity.objects.filter(capital=12_500_000).count() == 40  # 12.5 万元 in 分
    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    assert figures.get("employers.new_market_entities", "610924000000") == sum(
        v for (c, _m), v in expected.items() if c == "610924"
    )


def test_hr_service_organisations_need_what_their_kind_needs(personas: dict[str, User]) -> None:
    writer = personas["county_a"]
    with pytest.raises(ValidationError) as refused:
        services.org_save(
            actor=writer, data=services.OrgInput(kind=OrgKind.LICENSED_AGENCY, name="某人力公司", region="610924100000")
        )
    assert "licence_number" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.org_save(
            actor=writer,
            data=services.OrgInput(
                kind=OrgKind.VILLAGE_LABOUR_COMPANY,
                name="某劳务公司",
                region="610924100000",
                villages=("610902001003",),
            ),
        )
    assert "villages" in refused.value.message_dict  # a village of another county
    company = services.org_save(
        actor=writer,
        data=services.OrgInput(
            kind=OrgKind.VILLAGE_LABOUR_COMPANY, name="城关劳务公司", region="610924100000", villages=("610924100001",)
        ),
    )
    assert list(company.villages.values_list("code", flat=True)) == ["610924100001"]
    assert ServiceOrg.objects.count() == 1
    assert is_valid_credit_code(factories.credit_code())


def test_the_employer_list_import_checks_each_cell_and_updates_by_code(
    personas: dict[str, User], tmp_path: Path
) -> None:
    from jiuye.employers.importing import EMPLOYER

    code = factories.credit_code()
    rows = [
        [
            code,
            "城关服饰社区工厂",
            "新社区工厂",
            "18",
            "小型",
            "610924100000",
            "",
            "",
            "",
            "",
            "",
            "服装织袜",
            "城关安置社区",
            "2025-03-01",
            "是",
        ],
        [
            factories.credit_code(),
            "无类别工厂",
            "新社区工厂",
            "18",
            "",
            "610924100000",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [factories.credit_code(), "错行业", "企业", "99", "", "610924100000", "", "", "", "", "", "", "", "", ""],
        [factories.credit_code(), "错类型", "公司", "", "", "610924100000", "", "", "", "", "", "", "", "", ""],
        [factories.credit_code(), "邻县企业", "企业", "", "", "610902001000", "", "", "", "", "", "", "", "", ""],
        ["91610900MA0000000X", "坏代码", "企业", "", "", "610924100000", "", "", "", "", "", "", "", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(EMPLOYER.values()), *rows])
    path = tmp_path / "employers.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    def run() -> ImportJob:
        job = import_services.import_stage(
            user=personas["county_a"],
            kind="employers.employers",
            source=path,
            original_name="名录.csv",
            as_of=timezone.localdate(),
        )
        return import_services.import_run(job=job)

    job = run()
    assert (job.rows_read, job.created, job.rejected) == (6, 1, 5)
    columns = {e.row: e.column for e in job.row_errors.all()}
    assert columns == {3: "新社区工厂类别", 4: "行业代码", 5: "主体类型", 6: "所在区划代码", 7: "统一社会信用代码"}
    factory = Employer.objects.get(credit_code=code)
    assert factory.is_factory and factory.internship_base and factory.certified_on == date(2025, 3, 1)
    again = run()
    assert (again.created, again.unchanged, again.rejected) == (0, 1, 5)
    rows[0][1] = "城关服饰社区工厂（二期）"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(EMPLOYER.values()), *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert run().updated == 1
    assert (
        Employer.objects.get(credit_code=code).name == "城关服饰社区工厂(二期)"
    )  # the runner folds full-width characters


def test_a_drill_down_lists_the_reports_behind_a_factory_figure_in_scope(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    last = add_months(month_start(timezone.localdate()), -1)
    ours = factories.employer(
        writer, region="610924100001", kind=EmployerKind.COMMUNITY_FACTORY, name="东城服饰社区工厂"
    )
    theirs = factories.employer(
        writer, region="610902001003", kind=EmployerKind.COMMUNITY_FACTORY, name="老城服饰社区工厂"
    )
    for factory in (ours, theirs):
        services.factory_report_save(actor=writer, employer=factory, data=_report(last))
    client = CsrfClient(personas["county_a"])
    page = client.get(
        "/stats/610924000000/drill/",
        {"indicator": "employers.factory_output", "period": month_start(timezone.localdate()).strftime("%Y-%m")},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "东城服饰社区工厂" in body and "老城服饰社区工厂" not in body
    assert client.get("/stats/610902000000/drill/", {"indicator": "employers.factory_output"}).status_code == 404


def test_the_status_form_links_a_worker_by_credit_code_and_refuses_a_bad_one(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    employer = factories.employer(writer, region="610924100000")
    person = registry_factories.person(writer, registry_factories.household(writer, village="610924100001"))
    client = CsrfClient(personas["county_a"])
    today = timezone.localdate().isoformat()
    bad = {"status": "in_county", "start": today, "place": "in_county", "employer_credit_code": "91610900MA0000000X"}
    assert client.post(f"/registry/persons/{person.pk}/status/", bad).status_code == 422
    assert selectors.worker_count(employer) == 0
    good = {**bad, "employer_credit_code": employer.credit_code.lower(), "employer_name": employer.name}
    assert client.post(f"/registry/persons/{person.pk}/status/", good).status_code == 302
    assert selectors.worker_count(employer) == 1


def test_the_edit_page_starts_from_the_record_and_saves_a_change(personas: dict[str, User]) -> None:
    employer = factories.employer(personas["city_admin"], region="610924100000", name="城关茶业")
    client = CsrfClient(personas["county_a"])
    form = client.get(f"/employers/{employer.pk}/edit/").context["form"]
    assert form["name"].value() == "城关茶业" and form["credit_code"].value() == employer.credit_code
    assert form["region"].value() == "610924100000"
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name="城关富硒茶业", internship_base="on")
    assert client.post(f"/employers/{employer.pk}/edit/", data).status_code == 302
    employer.refresh_from_db()
    assert employer.name == "城关富硒茶业" and employer.internship_base and employer.region_id == "610924100000"


def test_a_script_registers_an_employer_with_a_bearer_token(personas: dict[str, User]) -> None:
    import json

    from django.test import Client

    from jiuye.accounts.services import token_create

    _token, raw = token_create(user=personas["county_a"], name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"credit_code": "91610900MA0000000X", "name": "接口企业", "kind": "enterprise", "region": "610924100000"}
    refused = api.post("/api/v1/employers", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["loc"] == ["credit_code"]
    body["credit_code"] = factories.credit_code()
    made = api.post("/api/v1/employers", json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["credit_code"] == body["credit_code"]
    elsewhere = {**body, "credit_code": factories.credit_code(), "region": "610902001000"}
    assert api.post("/api/v1/employers", json.dumps(elsewhere), content_type="application/json").status_code == 422
    assert Employer.objects.count() == 1
