"""The pages as officers use them, and scope: a county sees only its county everywhere."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jiuye.accounts.models import User
from jiuye.conftest import COUNTY_A, COUNTY_B, TOWN_A, VILLAGE_A, read_download
from jiuye.indicators import catalogue, services, targets
from jiuye.indicators.models import EnteredValue, Target
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.tests import factories

pytestmark = pytest.mark.django_db
CITY = "610900000000"
MONTH = date(2025, 12, 1)
RURAL_B = "610902001200"  # a village of 汉滨区


@pytest.fixture
def city(personas: dict[str, User]) -> dict[str, int]:
    """Two zero-employment households in 紫阳县, one in 汉滨区; December 2025 computed."""
    admin = personas["city_admin"]
    ids = {}
    for name, village in (("a1", VILLAGE_A), ("a2", "610924100200"), ("b1", _village_of(COUNTY_B))):
        home = factories.household(admin, village=village)
        factories.person(admin, home, status=EmploymentStatus.UNEMPLOYED, since=date(2025, 1, 1), name=f"户主{name}")
        ids[name] = home.pk
    services.compute_period(MONTH)
    targets.target_set(
        actor=admin,
        indicator=catalogue.get("zero_employment_households"),
        region_code=COUNTY_A,  # type: ignore[arg-type]
        start_year=2025,
        end_year=2025,
        value=Decimal(0),
    )
    return ids


def _village_of(county: str) -> str:
    from jiuye.regions.models import Region

    return (
        Region.objects.filter(code__startswith=county[:6], level="village")
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def test_dashboard_for_a_county_shows_its_figures_and_only_its_towns(city: dict[str, int], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    response = client.get(f"/stats/{COUNTY_A}/?period=2025-12&focus=zero_employment_households")
    assert response.status_code == 200
    board = response.context["board"]
    tile = next(t for t in board.tiles if t.indicator.code == "zero_employment_households")
    assert tile.value == 2
    assert tile.progress.light == targets.Light.RED  # target 0, two households
    assert {row.region.code[:6] for row in board.children} == {"610924"}
    assert "汉滨区" not in response.content.decode()
    assert client.get(f"/stats/{COUNTY_B}/").status_code == 404
    assert client.get(f"/stats/{COUNTY_B}/export.xlsx").status_code == 404
    assert client.get(f"/stats/{COUNTY_B}/drill/?indicator=zero_employment_households").status_code == 404
    assert client.get(f"/stats/{COUNTY_B}/targets/").status_code == 404
    assert client.get("/stats/").url == f"/stats/{COUNTY_A}/"


def test_drilldown_lists_the_records_behind_a_figure(city: dict[str, int], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    response = client.get(f"/stats/{COUNTY_A}/drill/?indicator=zero_employment_households&period=2025-12")
    assert response.status_code == 200
    listed = {row.url for row in response.context["items"]}
    assert listed == {f"/registry/households/{city['a1']}/", f"/registry/households/{city['a2']}/"}
    assert response.context["drill"].total == response.context["drill"].stored == 2
    town = client_for("town_a").get(f"/stats/{TOWN_A}/drill/?indicator=zero_employment_households&period=2025-12")  # type: ignore[operator]
    assert {row.url for row in town.context["items"]} == listed
    assert client.get(f"/stats/{COUNTY_A}/drill/?indicator=nope").status_code == 404


def test_dashboard_export_is_the_data_behind_the_charts(city: dict[str, int], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    response = client.get(f"/stats/{COUNTY_A}/export.xlsx?period=2025-12&focus=zero_employment_households")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    overview = book.get_sheet_by_index(0).to_python()
    row = next(r for r in overview if r[0] == "zero_employment_households")
    assert row[3] == 2
    compare = book.get_sheet_by_index(2).to_python()
    codes = [r[0] for r in compare[2:]]
    assert codes and all(str(c).startswith("610924") for c in codes)
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for r in overview for cell in r)


def test_a_leader_sees_the_dashboard_but_cannot_set_or_enter(city: dict[str, int], client_for: object) -> None:
    client: Client = client_for("leader")  # type: ignore[operator]
    assert client.get(f"/stats/{CITY}/?period=2025-12").status_code == 200
    assert client.get(f"/stats/{CITY}/targets/split/").status_code == 403
    assert client.post("/stats/entered/", {}).status_code == 403
    assert client_for("system_admin").get(f"/stats/{CITY}/").status_code == 403  # type: ignore[operator]


def test_split_form_saves_parts_and_insists_on_a_reason(personas: dict[str, User], client_for: object) -> None:
    client: Client = client_for("city_admin")  # type: ignore[operator]
    url = f"/stats/{CITY}/targets/split/?indicator=urban_new_employment&start_year=2026&end_year=2026"
    assert client.get(url).status_code == 200
    data = {
        "indicator": "urban_new_employment",
        "start_year": 2026,
        "end_year": 2026,
        "whole": "10,000",
        "part_610924000000": "6000",
        "part_610902000000": "3000",
    }
    page = client.get(url).content.decode()
    assert "城镇新增就业（人）" in page or "（人）" in page  # typed in whole persons, not 万人
    refused = client.post(url, data)
    assert refused.status_code == 422 and "请说明原因" in refused.content.decode()
    assert "分解之和 9,000人 与上级目标 10,000人 不一致" in refused.content.decode()
    assert client.post(url, {**data, "note": "其余由功能区承担"}).status_code == 302
    assert Target.objects.get(region_code=COUNTY_A).value == 6000
    assert Target.objects.get(region_code=CITY).value == 10000


@pytest.mark.parametrize(
    ("typed", "message"),
    [("0.60", "按人填写整数"), ("-5", "不小于 0"), ("六千", "不是数字"), ("NaN", "不小于 0")],
)
def test_a_split_refuses_what_is_not_a_whole_count_of_persons(
    personas: dict[str, User], client_for: object, typed: str, message: str
) -> None:
    client: Client = client_for("city_admin")  # type: ignore[operator]
    url = f"/stats/{CITY}/targets/split/?indicator=urban_new_employment&start_year=2026&end_year=2026"
    data = {"indicator": "urban_new_employment", "start_year": 2026, "end_year": 2026}
    refused = client.post(url, {**data, "part_610924000000": typed})
    assert refused.status_code == 422 and message in refused.content.decode()
    assert not Target.objects.exists()


def test_a_refused_split_saves_nothing_and_shows_back_what_was_typed(personas: dict[str, User]) -> None:
    """One transaction for the whole form: the parent's target is not written when its split is
    refused, nor audited; the form comes back with the figures typed (CSRF enforced)."""
    from jiuye.conftest import CsrfClient
    from jiuye.core.models import AuditEvent

    client = CsrfClient(personas["city_admin"])
    url = f"/stats/{CITY}/targets/split/?indicator=urban_new_employment&start_year=2026&end_year=2026"
    data = {"indicator": "urban_new_employment", "start_year": "2026", "end_year": "2026", "whole": "12300"}
    events = AuditEvent.objects.count()
    refused = client.post(url, {**data, "part_610924000000": "6000", "part_610902000000": "3000"})
    assert refused.status_code == 422
    assert not Target.objects.exists()
    assert AuditEvent.objects.count() == events
    page = refused.content.decode()
    assert 'value="12300"' in page and 'value="6000"' in page
    assert client.post(url, {**data, "part_610924000000": "9300", "part_610902000000": "3000"}).status_code == 302
    assert Target.objects.get(region_code=CITY).value == 12300


def test_county_officer_splits_among_towns_not_its_own(personas: dict[str, User], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    url = f"/stats/{COUNTY_A}/targets/split/?indicator=rural_transfer_employment&start_year=2026&end_year=2026"
    response = client.post(
        url,
        {
            "indicator": "rural_transfer_employment",
            "start_year": 2026,
            "end_year": 2026,
            "whole": "90000",
            f"part_{TOWN_A}": "5000",
        },
    )
    assert response.status_code == 302
    assert not Target.objects.filter(region_code=COUNTY_A).exists()  # "whole" ignored: the city sets it
    assert Target.objects.get(region_code=TOWN_A).value == 5000


def test_target_upload_saves_good_rows_and_reports_bad_ones(personas: dict[str, User], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    csv = (
        "指标代码,区划代码,起始年度,终止年度,目标值,说明\n"
        f"urban_new_employment,{TOWN_A},2026,2026,0.2,\n"
        f"nope,{TOWN_A},2026,2026,1,\n"
        f"urban_new_employment,{COUNTY_B},2026,2026,1,\n"
        f"urban_new_employment,{TOWN_A},2026,二〇二六,1,\n"
        f"urban_new_employment,{TOWN_A},2027,2027,abc,\n"
    ).encode("gb18030")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiuye.imports.models import ImportJob

    response = client.post(
        "/imports/",
        {"kind": "indicators.targets", "as_of": "2026-10-31", "file": SimpleUploadedFile("目标.csv", csv)},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="indicators.targets")
    assert (job.rows_read, job.created, job.rejected) == (5, 1, 4)
    assert list(job.row_errors.order_by("row").values_list("row", "column")) == [
        (3, "指标代码"),
        (4, "区划代码"),
        (5, "终止年度"),
        (6, "目标值"),
    ]
    assert Target.objects.get(region_code=TOWN_A).value == 2000
    template = client.get("/imports/template.xlsx?kind=indicators.targets")
    assert template.status_code == 200 and read_download(template).startswith(b"PK")


def test_entered_page_saves_with_source(personas: dict[str, User], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    response = client.post(
        "/stats/entered/",
        {
            "indicator": "urban_employed",
            "region": COUNTY_A,
            "period": "2026-01",
            "value": "12000",
            "source": "县统计局",
        },
    )
    assert response.status_code == 302
    assert EnteredValue.objects.get(region_code=COUNTY_A).value == 12000
    refused = client.post(
        "/stats/entered/",
        {"indicator": "urban_employed", "region": COUNTY_B, "period": "2026-01", "value": "1", "source": "x"},
    )
    assert refused.status_code == 422
    assert not EnteredValue.objects.filter(region_code=COUNTY_B).exists()


def test_catalogue_params_and_periods_pages(city: dict[str, int], client_for: object) -> None:
    admin: Client = client_for("city_admin")  # type: ignore[operator]
    assert "城镇新增就业" in admin.get("/stats/indicators/").content.decode()
    response = admin.post(
        "/stats/indicators/params/?code=urban_new_employment", {"forms": ["employer"], "deduct_attrition": "on"}
    )
    assert response.status_code == 302
    indicator = catalogue.get("urban_new_employment")
    assert indicator is not None
    assert services.effective_params(indicator) == {"forms": ["employer"], "deduct_attrition": True}
    assert (
        admin.post("/stats/periods/lock/", {"period": "2025-12", "action": "lock", "reason": "年报"}).status_code == 302
    )
    assert services.is_locked(MONTH)
    assert (
        client_for("county_a")
        .post("/stats/periods/lock/", {"period": "2025-12", "action": "reopen", "reason": "x"})
        .status_code
        == 403
    )  # type: ignore[operator]
    assert "已锁定" in admin.get("/stats/periods/").content.decode()


def test_api_catalogue_and_scoped_measurements(city: dict[str, int], client_for: object) -> None:
    client: Client = client_for("county_a")  # type: ignore[operator]
    catalogue_rows = client.get("/api/v1/indicators").json()
    assert {"urban_new_employment", "registered_unemployment_rate"} <= {r["code"] for r in catalogue_rows}
    rows = client.get(
        f"/api/v1/measurements?indicator=zero_employment_households&region={COUNTY_A}&period=2025-12"
    ).json()
    assert rows == [
        {
            "indicator": "zero_employment_households",
            "region": COUNTY_A,
            "period": "2025-12",
            "value": "2.0000",
            "shown": "2",
            "unit": "户",
        }
    ]
    assert client.get(f"/api/v1/measurements?indicator=zero_employment_households&region={COUNTY_B}").status_code == 404
    assert client.get(f"/api/v1/measurements?indicator=nope&region={COUNTY_A}").status_code == 404


def test_a_rate_drills_into_its_parts_and_an_entered_figure_shows_its_source(
    city: dict[str, int], personas: dict[str, User], client_for: object
) -> None:
    EnteredValue.objects.create(
        indicator="urban_employed",
        region_code=COUNTY_A,
        period=MONTH,
        value=Decimal(500),
        source="县统计局年报",
        entered_by=personas["county_a"],
    )
    services.compute_period(MONTH)
    client: Client = client_for("county_a")  # type: ignore[operator]
    rate = client.get(f"/stats/{COUNTY_A}/drill/?indicator=registered_unemployment_rate&period=2025-12")
    assert rate.status_code == 200
    assert [spec.code for spec, _v in rate.context["inputs"]] == ["registered_unemployed", "urban_employed"]
    entered = client.get(f"/stats/{COUNTY_A}/drill/?indicator=urban_employed&period=2025-12")
    assert "县统计局年报" in entered.content.decode()
