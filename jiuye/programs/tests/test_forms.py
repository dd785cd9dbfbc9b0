"""The programs' forms as a browser posts them, CSRF enforced: each refused form answers 422 and
leaves the database as it was; the accepted one saves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient
from jiuye.ledger.models import Journal
from jiuye.programs import assistance, loans, posts
from jiuye.programs.choices import ClaimStatus, DifficultyStatus, LoanStatus
from jiuye.programs.models import Budget, Claim, Loan, Parameter, Placement, PolicyDocument, Post
from jiuye.programs.tests import factories
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

TODAY = date.today


def test_a_policy_document_and_a_parameter_through_their_forms(personas: dict[str, User]) -> None:
    admin = CsrfClient(personas["city_admin"])
    doc = {
        "title": "关于进一步稳定和扩大就业的若干措施",
        "issuer": "市人民政府",
        "issued_on": (TODAY() + timedelta(days=3)).isoformat(),  # in the future: refused
        "level": "city",
        "theme": "employment",
        "measures": "18",
        "programs": ["hiring"],
        "region": "610900000000",
    }
    assert admin.post("/programs/policies/new/", doc).status_code == 422 and not PolicyDocument.objects.exists()
    doc["issued_on"] = TODAY().isoformat()
    assert admin.post("/programs/policies/new/", doc).status_code == 302
    assert PolicyDocument.objects.get().programs == ["hiring"]

    param = {"key": "rate_sme_bp", "value": "90", "region": "610900000000", "effective_from": TODAY().isoformat()}
    assert admin.post("/programs/p/refund/params/", {**param, "reason": ""}).status_code == 422
    assert not Parameter.objects.exists()
    assert admin.post("/programs/p/refund/params/", {**param, "reason": "市政办发文件"}).status_code == 302
    assert Parameter.objects.get().value == 9000


def test_funds_and_budgets_through_their_forms(personas: dict[str, User]) -> None:
    admin = CsrfClient(personas["city_admin"])
    data = {"source": "employment", "county": "610924000000", "year": str(TODAY().year), "amount": "-5"}
    assert admin.post("/programs/funds/allocate/", data).status_code == 422 and not Journal.objects.exists()
    assert admin.post("/programs/funds/allocate/", {**data, "amount": "1,000,000"}).status_code == 302
    assert Journal.objects.count() == 1
    budget = {"county": "610924100000", "program": "refund", "year": str(TODAY().year), "amount": "300000"}
    assert admin.post("/programs/funds/budget/", budget).status_code == 422  # a town, not a county
    assert not Budget.objects.exists()
    assert admin.post("/programs/funds/budget/", {**budget, "county": "610924000000"}).status_code == 302
    assert Budget.objects.get().amount == 30_000_000


def test_a_claim_rejected_and_its_account_confirmed_through_the_forms(personas: dict[str, User]) -> None:
    maker = personas["city_admin"]
    factories.insurance_fact(bank_account="")
    from jiuye.programs import rules, services

    run = services.proactive_run(
        actor=maker,
        program=rules.get("refund"),
        year=2025,
        region_code="610924000000",  # type: ignore[arg-type]
    )
    claim = Claim.objects.get(run=run)
    reviewer = CsrfClient(personas["county_a"])
    refused = reviewer.post(f"/programs/claims/{claim.pk}/account/", {"bank_account": "12ab"})
    assert refused.status_code == 422
    claim.refresh_from_db()
    assert claim.bank_account == ""
    assert (
        reviewer.post(f"/programs/claims/{claim.pk}/account/", {"bank_account": "6217000123456789012"}).status_code
        == 302
    )
    assert reviewer.post(f"/programs/claims/{claim.pk}/reject/", {"reason": ""}).status_code == 422
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.bank_account_masked.endswith("9012")
    assert reviewer.post(f"/programs/claims/{claim.pk}/reject/", {"reason": "已注销"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.rejection_reason == "已注销"


def test_a_post_and_an_exit_through_their_forms(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    client = CsrfClient(officer)
    data = {
        "name": "护林员",
        "kind": "rural",
        "region": "610924100001",
        "monthly_subsidy": "0",
        "places": "2",
        "active": "on",
    }
    assert client.post("/programs/posts/new/", data).status_code == 422 and not Post.objects.exists()
    assert client.post("/programs/posts/new/", {**data, "monthly_subsidy": "800"}).status_code == 302
    post = Post.objects.get()
    person = registry_factories.person(officer, registry_factories.household(officer), groups=("poverty_alleviated",))
    placement = posts.place(actor=officer, post=post, person=person, starts_on=TODAY() - timedelta(days=30))
    exit_ = {"day": (TODAY() - timedelta(days=60)).isoformat(), "reason": "resigned", "next_status": "unemployed"}
    assert client.post(f"/programs/placements/{placement.pk}/exit/", exit_).status_code == 422  # before the start
    assert Placement.objects.get().ended_on is None
    exit_["day"] = TODAY().isoformat()
    assert client.post(f"/programs/placements/{placement.pk}/exit/", exit_).status_code == 302
    assert Placement.objects.get().ended_on == TODAY()


def test_a_certification_and_its_assistance_through_the_forms(personas: dict[str, User]) -> None:
    maker = personas["town_a"]
    person = registry_factories.person(maker, registry_factories.household(maker))
    item = assistance.register(
        actor=maker, person=person, data=assistance.DifficultyInput(("disabled",), TODAY(), "残疾人证及核实记录")
    )
    checker = CsrfClient(personas["county_a"])
    assert (
        checker.post(
            f"/programs/difficulty/{item.pk}/decide/", {"certify": "no", "day": TODAY().isoformat()}
        ).status_code
        == 422
    )
    item.refresh_from_db()
    assert item.status == DifficultyStatus.PENDING
    decided = checker.post(f"/programs/difficulty/{item.pk}/decide/", {"certify": "yes", "day": TODAY().isoformat()})
    assert decided.status_code == 302
    item.refresh_from_db()
    assert item.status == DifficultyStatus.CERTIFIED
    assist = {"kind": "", "day": TODAY().isoformat()}
    assert checker.post(f"/programs/difficulty/{item.pk}/assist/", assist).status_code == 422
    assert checker.post(f"/programs/difficulty/{item.pk}/assist/", {**assist, "kind": "training"}).status_code == 302
    assert item.case.measures.get().kind == "training"


def test_a_loan_reviewed_issued_and_repaid_through_the_forms(personas: dict[str, User]) -> None:
    maker = personas["town_a"]
    person = registry_factories.person(maker, registry_factories.household(maker), groups=("graduate",))
    loan = loans.apply(
        actor=maker,
        data=loans.LoanInput(kind="individual", business="茶叶网店", amount=10_000_000, term_months=24, person=person),
    )
    checker = CsrfClient(personas["county_a"])
    assert checker.post(f"/programs/loans/{loan.pk}/review/", {"approve": "no"}).status_code == 422  # no reason
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPLIED
    assert checker.post(f"/programs/loans/{loan.pk}/review/", {"approve": "yes"}).status_code == 302
    issue = {
        "bank": "农商银行",
        "guarantee_fund": "紫阳县创业担保基金",
        "contract": "ZY-1",
        "contract_rate_bp": "3.85",
        "lpr_bp": "30",  # 30% is above the guard
        "issued_on": (TODAY() - timedelta(days=10)).isoformat(),
    }
    assert checker.post(f"/programs/loans/{loan.pk}/issue/", issue).status_code == 422
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED
    assert checker.post(f"/programs/loans/{loan.pk}/issue/", {**issue, "lpr_bp": "3.85"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.contract_rate_bp, loan.lpr_bp) == (LoanStatus.ISSUED, 385, 385)
    repay = {"day": TODAY().isoformat(), "principal": "100,000.01"}  # above the outstanding
    assert checker.post(f"/programs/loans/{loan.pk}/repay/", repay).status_code == 422
    assert checker.post(f"/programs/loans/{loan.pk}/repay/", {**repay, "principal": "40,000"}).status_code == 302
    assert loans.outstanding(Loan.objects.get()) == 6_000_000
