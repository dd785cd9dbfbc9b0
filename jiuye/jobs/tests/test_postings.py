"""Postings: what a clerk types, a script sends and a file brings is checked by one set of rules;
each bad value is refused with its reason and nothing is saved."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.accounts.services import token_create
from jiuye.conftest import CsrfClient
from jiuye.employers.tests import factories as employer_factories
from jiuye.imports import services as import_services
from jiuye.jobs.models import Posting
from jiuye.jobs.tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def employer(personas: dict[str, User]) -> Any:
    return employer_factories.employer(personas["city_admin"], region="610924100001")


def _form(employer: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "employer": str(employer.pk),
        "title": "缝纫工",
        "occupation": "6-05",
        "headcount": "10",
        "wage_min": "3000",
        "wage_max": "4500",
        "work_time": "full",
        "region": "",
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + timedelta(days=60)).isoformat(),
        "published": "on",
    }
    data.update(extra)
    return data


BAD_FORMS = [
    ({"occupation": "9-99"}, "occupation", "不在"),
    ({"wage_min": "5000", "wage_max": "3000"}, "wage_max", "上限低于下限"),
    (
        {
            "valid_from": (TODAY - timedelta(days=90)).isoformat(),
            "valid_until": (TODAY - timedelta(days=1)).isoformat(),
        },
        "valid_until",
        "有效期已过",
    ),
    ({"min_age": "50", "max_age": "30"}, "max_age", "上限低于下限"),
]


@pytest.mark.parametrize(("change", "field", "reason"), BAD_FORMS)
def test_a_refused_posting_form_says_why_and_saves_nothing(
    personas: dict[str, User], employer: Any, change: dict[str, str], field: str, reason: str
) -> None:
    client = CsrfClient(personas["county_a"])
    response = client.post("/jobs/new/", _form(employer, **change))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors and reason in " ".join(form.errors[field])
    assert Posting.objects.count() == 0


def test_a_good_posting_is_saved_with_the_employers_place(personas: dict[str, User], employer: Any) -> None:
    client = CsrfClient(personas["county_a"])
    response = client.post("/jobs/new/", _form(employer))
    assert response.status_code == 302
    posting = Posting.objects.get()
    assert posting.region_id == employer.region_id and posting.wage_min == 300_000 and posting.wage_max == 450_000


def test_a_post_without_the_csrf_token_is_refused(personas: dict[str, User], employer: Any) -> None:
    client = CsrfClient(personas["county_a"])
    response = client.client.post("/jobs/new/", _form(employer))
    assert response.status_code == 403
    assert Posting.objects.count() == 0


def test_a_neighbours_employer_cannot_be_named(personas: dict[str, User]) -> None:
    theirs = employer_factories.employer(personas["city_admin"], region="610902001003")
    client = CsrfClient(personas["county_a"])
    response = client.post("/jobs/new/", _form(theirs))
    assert response.status_code == 422  # not among the choices: the form refuses it
    assert Posting.objects.count() == 0


def _api(user: User) -> Client:
    _token, raw = token_create(user=user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_refuses_each_bad_value_with_its_reason(personas: dict[str, User], employer: Any) -> None:
    client = _api(personas["county_a"])
    body = {
        "employer": employer.pk,
        "title": "缝纫工",
        "occupation": "6-05",
        "headcount": 3,
        "wage_min": 450_000,
        "wage_max": 300_000,
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + timedelta(days=30)).isoformat(),
    }
    response = client.post("/api/v1/jobs/postings", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["wage_max"]
    body.update(wage_min=300_000, wage_max=450_000, occupation="6-5")
    response = client.post("/api/v1/jobs/postings", json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and "职业代码" in response.json()["error"]["message"]
    assert Posting.objects.count() == 0
    body.update(occupation="6-05")
    response = client.post("/api/v1/jobs/postings", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["employer_name"] == employer.name
    assert Posting.objects.get().source == "api"


def _write(rows: list[list[str]], tmp_path: Path) -> Path:
    from jiuye.jobs.importing import HEADER

    path = tmp_path / "postings.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(HEADER.values()))
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_the_import_accounts_for_every_row(personas: dict[str, User], employer: Any, tmp_path: Path) -> None:
    start, end = TODAY.isoformat(), (TODAY + timedelta(days=60)).isoformat()
    past = (TODAY - timedelta(days=5)).isoformat()
    unknown = employer_factories.credit_code()  # valid, but no such employer
    good = [
        employer.credit_code,
        "缝纫工",
        "6-05",
        "10",
        "3000",
        "4500",
        "全职",
        "",
        "",
        "18",
        "55",
        "初中",
        "缝纫",
        "",
        start,
        end,
        "",
    ]
    rows = [
        good,
        [
            employer.credit_code,
            "熨烫工",
            "6-05",
            "2",
            "3000",
            "4500",
            "兼职/零工",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            start,
            end,
            "",
        ],
        ["91610900MA0000000X", *good[1:]],  # credit code check fails
        [employer.credit_code, "厨师", "9-99", *good[3:]],  # unknown occupation
        [employer.credit_code, "帮厨", "4-03", "2", "5000", "3000", *good[6:]],  # wages upside down
        [employer.credit_code, "保洁", "4-09", "2", "2000", "3000", "全职", "", "", "", "", "", "", "", past, past, ""],
        [unknown, "司机", "4-02", *good[3:]],  # not a known employer
    ]
    job = import_services.import_stage(
        user=personas["county_a"],
        kind="jobs.postings",
        source=_write(rows, tmp_path),
        original_name="岗位.csv",
        as_of=TODAY,
    )
    job = import_services.import_run(job=job)
    assert (job.rows_read, job.created, job.rejected) == (7, 2, 5)
    reasons = {e.row: (e.column, e.reason) for e in job.row_errors.all()}
    assert reasons[4][0] == "招聘单位统一社会信用代码" and "GB 32100" in reasons[4][1]
    assert reasons[5][0] == "职业代码"
    assert reasons[6][0] == "月薪上限（元）"
    assert reasons[7][0] == "有效期止" and "有效期已过" in reasons[7][1]
    assert reasons[8][0] == "招聘单位统一社会信用代码" and "未登记" in reasons[8][1]
    # The same file again: nothing new, the good rows unchanged.
    again = import_services.import_run(
        job=import_services.import_stage(
            user=personas["county_a"],
            kind="jobs.postings",
            source=_write(rows, tmp_path),
            original_name="岗位.csv",
            as_of=TODAY,
        )
    )
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 5)
    assert Posting.objects.count() == 2


def test_a_posting_of_another_county_is_a_404_to_an_officer(personas: dict[str, User]) -> None:
    theirs = factories.posting(
        personas["city_admin"], employer_factories.employer(personas["city_admin"], region="610902001003")
    )
    client = CsrfClient(personas["county_a"])
    assert client.get(f"/jobs/{theirs.pk}/").status_code == 404
    assert client.get(f"/jobs/{theirs.pk}/edit/").status_code == 404
    assert _api(personas["county_a"]).get(f"/api/v1/jobs/postings/{theirs.pk}").status_code == 404
    assert client.post(f"/jobs/{theirs.pk}/edit/", {"title": "改"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "缝纫工"
