"""From a zero-employment case to a hire: the case's page recommends postings for each able,
willing member; a referral is recorded, followed up and, once hired, the registry records the
employment (spell and 就业登记) so the case closes by itself and the figures follow."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient
from jiuye.employers import selectors as employer_selectors
from jiuye.employers.tests import factories as employer_factories
from jiuye.indicators import services as indicator_services
from jiuye.jobs import services
from jiuye.jobs.models import Referral
from jiuye.jobs.tests import factories
from jiuye.registry.choices import CaseStatus, EmploymentStatus, LaborAbility, Relation
from jiuye.registry.models import EmploymentSpell, Registration, ZeroEmploymentCase
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

VILLAGE = "610924100001"  # 紫阳县城关镇东城门社区


@pytest.fixture
def household(personas: dict[str, User]) -> Any:
    writer = personas["city_admin"]
    home = registry_factories.household(writer, village=VILLAGE)
    head = registry_factories.person(writer, home, name="王秀英", birth=date(1982, 3, 1))
    registry_factories.person(
        writer, home, relation=Relation.PARENT, name="王老汉", birth=date(1950, 1, 1), ability=LaborAbility.LOST
    )
    return home, head


def test_a_hire_from_a_case_closes_it_and_the_figures_follow(personas: dict[str, User], household: Any) -> None:
    home, head = household
    writer = personas["city_admin"]
    case = ZeroEmploymentCase.objects.get(household=home, status=CaseStatus.OPEN)
    factory = employer_factories.employer(
        writer, region="610924100000", kind="community_factory", name="城关服饰社区工厂"
    )
    far = employer_factories.employer(writer, region="610902001003", name="汉滨建筑劳务")
    near = factories.posting(writer, factory, title="缝纫工", occupation="6-05")
    factories.posting(writer, far, title="砌筑工", occupation="6-29", skills="砌筑")
    client = CsrfClient(personas["county_a"])
    services.seeker_save(actor=writer, person=head, occupations_wished=["6-05"], skills="缝纫", wage_floor=280_000)

    page = client.get(f"/registry/zero-employment/{case.pk}/")
    body = page.content.decode()
    assert "推荐岗位" in body and "王秀英" in body
    assert body.index("城关服饰社区工厂") < body.index("汉滨建筑劳务")  # the trade she wants, near home, first
    assert "王老汉" not in body.split("推荐岗位")[1]  # no recommendations for a member without labour ability
    assert "职业对口" in body

    response = client.post(
        "/jobs/referrals/new/", {"person": head.pk, "posting": near.pk, "next": f"/registry/zero-employment/{case.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/registry/zero-employment/{case.pk}/"
    referral = Referral.objects.get(person=head, posting=near)
    assert any("职业对口" in r for r in referral.reasons)
    measure = case.measures.get()  # the referral is one of the case's measures
    assert measure.kind == "job_referral" and "城关服饰社区工厂" in measure.note

    today = timezone.localdate()
    for stage in ("interview", "intention"):
        assert (
            client.post(
                f"/jobs/referrals/{referral.pk}/stage/", {"stage": stage, "date": today.isoformat()}
            ).status_code
            == 302
        )
    assert ZeroEmploymentCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    client.post(
        f"/jobs/referrals/{referral.pk}/stage/", {"stage": "hired", "date": today.isoformat(), "monthly_income": "3200"}
    )

    referral.refresh_from_db()
    assert referral.stage == "hired" and referral.hired_on == today
    spell = EmploymentSpell.objects.get(person=head, end__isnull=True)
    assert (spell.status, spell.employer_credit_code, spell.monthly_income) == (
        EmploymentStatus.IN_COUNTY,
        factory.credit_code,
        320_000,
    )
    assert Registration.objects.filter(
        person=head, kind="employment", date=today, employer_credit_code=factory.credit_code
    ).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == today
    assert employer_selectors.worker_count(factory) == 1  # jobs absorbed are people, from the registry

    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    county = "610924000000"
    assert figures.get("jobs.intentions", county) == 1
    assert figures.get("jobs.hires", county) == 1
    assert figures.get("zero_employment_households", county) == 0


def test_a_referral_goes_forward_only_and_a_closed_one_stays_closed(personas: dict[str, User], household: Any) -> None:
    _home, head = household
    writer = personas["city_admin"]
    posting = factories.posting(writer, employer_factories.employer(writer, region="610924100000"))
    referral = services.referral_create(actor=writer, person=head, posting=posting)
    today = timezone.localdate()
    services.referral_advance(actor=writer, referral=referral, stage="intention", day=today)
    with pytest.raises(Exception, match="向前"):
        services.referral_advance(actor=writer, referral=referral, stage="interview", day=today)
    services.referral_advance(actor=writer, referral=referral, stage="declined", day=today)
    with pytest.raises(Exception, match="已结束"):
        services.referral_advance(actor=writer, referral=referral, stage="hired", day=today)
    assert not EmploymentSpell.objects.filter(person=head, employer_credit_code=posting.employer.credit_code).exists()


def test_an_officer_cannot_refer_or_follow_up_a_neighbours_resident(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    theirs = registry_factories.person(writer, registry_factories.household(writer, village="610902001003"))
    posting = factories.posting(writer, employer_factories.employer(writer, region="610924100000"))
    client = CsrfClient(personas["county_a"])
    assert client.post("/jobs/referrals/new/", {"person": theirs.pk, "posting": posting.pk}).status_code == 404
    assert not Referral.objects.exists()
    referral = services.referral_create(actor=writer, person=theirs, posting=posting)
    assert (
        client.post(
            f"/jobs/referrals/{referral.pk}/stage/", {"stage": "hired", "date": timezone.localdate().isoformat()}
        ).status_code
        == 404
    )
    referral.refresh_from_db()
    assert referral.stage == "referred"
    assert client.get(f"/jobs/seekers/{theirs.pk}/").status_code == 404


def test_an_expired_posting_cannot_be_referred(personas: dict[str, User], household: Any) -> None:
    _home, head = household
    writer = personas["city_admin"]
    today = timezone.localdate()
    posting = factories.posting(writer, employer_factories.employer(writer, region="610924100000"))
    posting.valid_until = today - timedelta(days=1)
    posting.valid_from = today - timedelta(days=30)
    posting.save()
    with pytest.raises(Exception, match="有效期"):
        services.referral_create(actor=writer, person=head, posting=posting)


def test_a_graduates_internship_and_retention(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    base = employer_factories.employer(writer, region="610924100000", internship_base=True)
    post = services.internship_post_save(
        actor=writer, employer=base, title="见习文员", slots=1, stipend=180_000, months=6
    )
    home = registry_factories.household(writer, village=VILLAGE)
    graduate = registry_factories.person(writer, home, birth=date(2002, 5, 1), groups=["graduate"])
    older = registry_factories.person(writer, home, relation=Relation.SPOUSE, birth=date(1980, 5, 1), name="李四")
    today = timezone.localdate()
    with pytest.raises(Exception, match="高校毕业生"):
        services.internship_start(actor=writer, person=older, post=post, start=today)
    internship = services.internship_start(actor=writer, person=graduate, post=post, start=today)
    other = registry_factories.person(
        writer, home, relation=Relation.CHILD, birth=date(2003, 5, 1), groups=["graduate"], name="王五"
    )
    with pytest.raises(Exception, match="名额已满"):
        services.internship_start(actor=writer, person=other, post=post, start=today)
    services.internship_end(actor=writer, internship=internship, day=today, retained=True)
    spell = EmploymentSpell.objects.get(person=graduate, end__isnull=True)
    assert spell.employer_credit_code == base.credit_code
    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    assert figures.get("jobs.interns", "610924000000") == 1


def test_an_intern_is_registered_by_id_number_on_the_page(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    base = employer_factories.employer(writer, region="610924100000", internship_base=True)
    post = services.internship_post_save(
        actor=writer, employer=base, title="见习会计", slots=2, stipend=150_000, months=6
    )
    number = registry_factories.id_number(birth=date(2003, 1, 1))
    graduate = registry_factories.person(
        writer,
        registry_factories.household(writer, village=VILLAGE),
        birth=date(2003, 1, 1),
        groups=["graduate"],
        id_number=number,
    )
    theirs = registry_factories.id_number(birth=date(2003, 2, 1), region="610902")
    registry_factories.person(
        writer,
        registry_factories.household(writer, village="610902001003"),
        birth=date(2003, 2, 1),
        groups=["graduate"],
        id_number=theirs,
    )
    client = CsrfClient(personas["county_a"])
    today = timezone.localdate().isoformat()
    refused = client.post("/jobs/internships/start/", {"id_number": theirs, "post": post.pk, "start": today})
    assert refused.status_code == 422 and "没有您辖区内" in str(refused.context["start_form"].errors)
    assert (
        client.post("/jobs/internships/start/", {"id_number": number, "post": post.pk, "start": today}).status_code
        == 302
    )
    assert post.interns.get().person == graduate


def test_a_script_refers_and_records_a_hire_through_the_api(personas: dict[str, User], household: Any) -> None:
    """Bearer token, no session, no CSRF: the API's referral and its hire reach the registry too."""
    import json

    from django.test import Client

    from jiuye.accounts.services import token_create

    _home, head = household
    writer = personas["city_admin"]
    posting = factories.posting(
        writer, employer_factories.employer(writer, region="610924100000", name="城关电子社区工厂")
    )
    _token, raw = token_create(user=personas["county_a"], name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    found = api.get(f"/api/v1/jobs/persons/{head.pk}/recommendations").json()
    assert found[0]["posting"]["id"] == posting.pk and found[0]["reasons"]
    made = api.post(
        "/api/v1/jobs/referrals",
        json.dumps({"person": head.pk, "posting": posting.pk}),
        content_type="application/json",
    )
    assert made.status_code == 201
    referral = made.json()["id"]
    today = timezone.localdate().isoformat()
    bad = api.post(
        f"/api/v1/jobs/referrals/{referral}/stage",
        json.dumps({"stage": "referred", "date": today}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    hired = api.post(
        f"/api/v1/jobs/referrals/{referral}/stage",
        json.dumps({"stage": "hired", "date": today, "monthly_income": 300_000}),
        content_type="application/json",
    )
    assert hired.status_code == 200 and hired.json()["stage"] == "hired"
    assert (
        EmploymentSpell.objects.get(person=head, end__isnull=True).employer_credit_code == posting.employer.credit_code
    )
    candidates = api.get(f"/api/v1/jobs/postings/{posting.pk}/candidates").json()
    assert all(c["person"] != head.pk for c in candidates)  # employed now: no longer a candidate


def test_a_wish_for_work_is_saved_by_a_form_with_csrf_enforced(personas: dict[str, User], household: Any) -> None:
    from jiuye.jobs.models import SeekerProfile

    _home, head = household
    client = CsrfClient(personas["county_a"])
    bad = {"occupations": ["6-05", "4-03", "6-29", "4-10"], "work_time": "any", "wage_floor": "3000"}
    assert client.post(f"/jobs/seekers/{head.pk}/", bad).status_code == 422  # four wishes: three at most
    assert not SeekerProfile.objects.exists()
    assert (
        client.client.post(f"/jobs/seekers/{head.pk}/", {**bad, "occupations": ["6-05"]}).status_code == 403
    )  # no token
    good = {"occupations": ["6-05"], "work_time": "full", "wage_floor": "3,000", "skills": "缝纫、锁边", "active": "on"}
    assert client.post(f"/jobs/seekers/{head.pk}/", good).status_code == 302
    profile = SeekerProfile.objects.get(person=head)
    assert (profile.occupations, profile.wage_floor, profile.skills) == (["6-05"], 300_000, "缝纫、锁边")
