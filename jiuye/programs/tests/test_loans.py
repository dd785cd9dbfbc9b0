"""创业担保贷款 through its life: eligibility with reasons, review by another officer, issue,
repayments, overdue and compensation, follow-ups; the year's interest subsidy as a 免申即享 run;
the report's loan figures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jiuye.accounts.models import User
from jiuye.conftest import CsrfClient
from jiuye.indicators import services as indicator_services
from jiuye.programs import loans, rules, services
from jiuye.programs.choices import LoanStatus
from jiuye.programs.models import Claim, Loan
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

COUNTY_A = "610924000000"


def _person(actor: Any, **extra: Any) -> Any:
    return registry_factories.person(actor, registry_factories.household(actor), **extra)


def _loan(officer: Any, *, kind: str = "individual", amount: int = 10_000_000, **extra: Any) -> Loan:
    data = {
        "kind": kind,
        "business": "农家乐",
        "amount": amount,
        "term_months": 36,
        "person": _person(officer, groups=("returned_migrant",)),
        **extra,
    }
    return loans.apply(actor=officer, data=loans.LoanInput(**data))


def test_an_application_is_decided_by_the_rule_with_its_reasons(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    loan = _loan(officer)
    assert loan.status == LoanStatus.APPLIED and any("额度上限" in r for r in loan.reasons)
    with pytest.raises(ValidationError) as refused:
        _loan(officer, amount=20_000_001)
    assert any(m.startswith("✗") and "额度上限 200,000.00元" in m for m in refused.value.messages)
    outsider = _person(officer, status=EmploymentStatus.IN_COUNTY)  # no key group, not unemployed
    with pytest.raises(ValidationError):
        loans.apply(
            actor=officer,
            data=loans.LoanInput(kind="individual", business="网店", amount=100_000, term_months=12, person=outsider),
        )
    unemployed = _person(officer, status=EmploymentStatus.UNEMPLOYED)
    assert loans.apply(
        actor=officer,
        data=loans.LoanInput(kind="individual", business="网店", amount=100_000, term_months=12, person=unemployed),
    )
    partner = _person(officer, groups=("graduate",))
    pair = _loan(officer, kind="partnership", amount=44_000_000, partners=(partner,))
    assert pair.amount == 44_000_000 and list(pair.partners.all()) == [partner]


def test_review_by_another_officer_issue_repay_and_follow_up(personas: dict[str, User]) -> None:
    officer, checker = personas["town_a"], personas["county_a"]
    loan = _loan(officer)
    with pytest.raises(PermissionDenied):
        loans.review(actor=officer, loan=loan, approve=True)
    loans.review(actor=checker, loan=loan, approve=True)
    issued_on = timezone.localdate() - timedelta(days=400)
    loans.issue(
        actor=officer,
        loan=loan,
        data=loans.IssueInput("农商银行紫阳支行", "紫阳县创业担保基金", "ZY2025-001", 385, 385, issued_on),
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ISSUED and loan.due_on == date(issued_on.year + 3, issued_on.month, issued_on.day)
    loans.repay(actor=officer, loan=loan, day=issued_on + timedelta(days=100), principal=4_000_000)
    with pytest.raises(ValidationError):
        loans.repay(actor=officer, loan=loan, day=issued_on + timedelta(days=101), principal=6_000_001)
    assert loans.outstanding(loan) == 6_000_000
    loans.follow_up(actor=officer, loan=loan, day=timezone.localdate(), running=True, jobs=3, note="雇用3人")
    assert loan.follow_ups.get().jobs == 3


def test_an_overdue_loan_is_compensated_by_the_guarantee_fund(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    loan = _loan(officer, term_months=12)
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.APPROVED)
    issued_on = timezone.localdate() - timedelta(days=400)
    loans.issue(actor=officer, loan=loan, data=loans.IssueInput("银行", "担保基金", "C1", 385, 385, issued_on))
    loan.refresh_from_db()
    assert loans.is_overdue(loan)
    loans.compensate(actor=officer, loan=loan, day=timezone.localdate(), amount=10_000_000)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.COMPENSATED and loans.outstanding(loan) == 0


def test_the_years_interest_subsidy_is_a_run_and_the_figures_follow(personas: dict[str, User]) -> None:
    officer, admin = personas["county_a"], personas["city_admin"]
    loan = _loan(officer)
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.APPROVED)
    this_year = timezone.localdate().year
    loans.issue(
        actor=officer, loan=loan, data=loans.IssueInput("银行", "担保基金", "C2", 385, 385, date(this_year, 1, 1))
    )
    run = services.proactive_run(
        actor=admin,
        program=rules.get("loan_interest"),  # type: ignore[arg-type]
        year=this_year,
        region_code=COUNTY_A,
    )
    claim = Claim.objects.get(run=run)
    days = (min(timezone.localdate(), date(this_year, 12, 31)) - date(this_year, 1, 1)).days + 1
    # 100,000 元 × 1.5% × days / 360, rounded half up to the 分
    assert claim.amount == (10_000_000 * 150 * days + 1_800_000) // 3_600_000 and claim.subject_key == f"L:{loan.pk}"
    today = timezone.localdate()
    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    assert figures.get("programs.guaranteed_loans", COUNTY_A) == 1
    assert figures.get("programs.guaranteed_loan_amount", COUNTY_A) == 10_000_000
    assert figures.get("programs.loan_supported", COUNTY_A) == 1


def test_the_form_with_csrf_refuses_above_the_cap_and_saves_nothing(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = _person(officer, groups=("graduate",))
    client = CsrfClient(officer)
    data = {"kind": "individual", "id_number": person.id_number, "business": "奶茶店", "term_months": "24"}
    refused = client.post("/programs/loans/new/", {**data, "amount": "200,000.01"})
    assert refused.status_code == 422 and "额度上限" in refused.content.decode() and not Loan.objects.exists()
    done = client.post("/programs/loans/new/", {**data, "amount": "150,000"})
    assert done.status_code == 302 and Loan.objects.get().amount == 15_000_000


def test_the_interest_subsidy_is_not_applied_for(personas: dict[str, User]) -> None:
    """Its subject is a loan found by the yearly run: an application naming a person is refused."""
    officer = personas["county_a"]
    person = _person(officer, groups=("graduate",))
    with pytest.raises(ValidationError, match="无需申请"):
        services.apply(
            actor=officer,
            data=services.Application(
                program="loan_interest", year=timezone.localdate().year, id_number=person.id_number
            ),
        )


def test_a_loan_application_through_the_api_with_a_bearer_token(personas: dict[str, User]) -> None:
    import json

    from django.test import Client

    from jiuye.accounts.services import token_create

    officer = personas["county_a"]
    _token, raw = token_create(user=officer, name="bank")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    person = _person(officer, groups=("veteran",))
    body = {
        "kind": "individual",
        "id_number": person.id_number,
        "business": "汽修",
        "amount": 30_000_000,
        "term_months": 36,
    }
    refused = api.post("/api/v1/loans", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and any("额度上限" in str(d) for d in refused.json()["error"]["details"])
    body["amount"] = 20_000_000
    made = api.post("/api/v1/loans", json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "applied" and made.json()["amount"] == 20_000_000
    listed = api.get("/api/v1/loans").json()
    assert [item["id"] for item in listed["items"]] == [made.json()["id"]]
    assert Loan.objects.count() == 1


def test_the_loan_list_tells_overdue_loans_without_a_query_per_loan(
    personas: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    from django.test import Client

    from jiuye.conftest import login

    officer = personas["county_a"]
    for _ in range(5):
        loan = _loan(officer, term_months=12)
        Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.APPROVED)
        issued = timezone.localdate() - timedelta(days=400)
        loans.issue(
            actor=officer, loan=loan, data=loans.IssueInput("银行", "担保基金", f"C{loan.pk}", 385, 385, issued)
        )
    client = login(Client(), officer)
    client.get("/programs/loans/")  # warm the session and caches
    with django_assert_max_num_queries(8):  # 6 today; a query per loan would make it 11
        page = client.get("/programs/loans/")
    assert page.content.decode().count("badge warn") == 5
