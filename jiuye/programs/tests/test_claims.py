"""Claims from 免申即享 and applications through county review, city approval, public notice and
payment: maker–checker, nobody paid twice, the notice masked, the fund untouched until the bank
says paid, and the figures following."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from jiuye.accounts.models import User
from jiuye.conftest import make_user
from jiuye.core.permissions import Role
from jiuye.indicators import services as indicator_services
from jiuye.ledger import bank
from jiuye.ledger import payments as ledger_payments
from jiuye.ledger import services as ledger
from jiuye.ledger.models import Line
from jiuye.programs import funds, rules, selectors, services
from jiuye.programs.choices import ClaimStatus
from jiuye.programs.models import Claim
from jiuye.programs.tests import factories
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.tests import factories as registry_factories

pytestmark = pytest.mark.django_db

COUNTY_A = "610924000000"


@pytest.fixture
def approver(personas: dict[str, User]) -> User:
    return make_user("city_admin_2", Role.CITY_ADMIN, "610900000000")


def _run(actor: Any, code: str, year: int = 2025, region: str = COUNTY_A) -> Any:
    program = rules.get(code)
    assert program is not None
    return services.proactive_run(actor=actor, program=program, year=year, region_code=region)


def test_the_refund_run_proposes_each_eligible_unit_once_with_its_reasons(personas: dict[str, User]) -> None:
    maker = personas["city_admin"]
    good = factories.insurance_fact()
    factories.insurance_fact(avg_insured=100, layoffs=9)
    factories.insurance_fact(unit_type="public_institution")
    factories.insurance_fact(region="610902001000")  # county B: outside the run's scope
    run = _run(maker, "refund")
    assert (run.checked, run.proposed, run.already) == (3, 1, 0)
    assert run.refused == {"裁员率超过上限": 1, "机关事业单位": 1}
    claim = Claim.objects.get(run=run)
    assert (claim.payee_code, claim.amount, claim.status) == (good.credit_code, 2_304_000, ClaimStatus.SUBMITTED)
    assert claim.params["rate_sme_bp"] == 6000 and any("60%" in r for r in claim.reasons)
    again = _run(maker, "refund")
    assert (again.proposed, again.already) == (0, 1)
    assert Claim.objects.count() == 1


def test_nobody_decides_his_own_claim_and_a_reviewer_does_not_approve(
    personas: dict[str, User], approver: User
) -> None:
    maker = personas["city_admin"]
    factories.insurance_fact()
    claim = Claim.objects.get(run=_run(maker, "refund"))
    assert services.approve(actor=approver, ids=[claim.pk]).refused  # not reviewed yet
    assert not services.review(actor=personas["county_a"], ids=[claim.pk]).refused
    refused = services.approve(actor=maker, ids=[claim.pk]).refused
    assert refused and "自己" in refused[0][1]
    assert services.approve(actor=approver, ids=[claim.pk]).done
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by, claim.approved_by) == (
        ClaimStatus.APPROVED,
        personas["county_a"],
        approver,
    )

    own = personas["county_a"]
    person = registry_factories.person(own, registry_factories.household(own))
    mine = services.apply(
        actor=own,
        data=services.Application(
            program="training",
            year=2026,
            id_number=_id_of(person),
            stated={"occupation": "中式烹调师", "level": "4", "certified_on": "2026-06-01"},
        ),
    )
    assert services.review(actor=own, ids=[mine.pk]).refused == [(mine.number, "不能审核或审批自己受理的申请。")]


def _id_of(person: Any) -> str:
    from jiuye.registry.models import Person

    return Person.objects.get(pk=person.pk).id_number


def test_a_rejection_needs_its_reason_and_frees_the_period(personas: dict[str, User]) -> None:
    maker = personas["city_admin"]
    factories.insurance_fact()
    claim = Claim.objects.get(run=_run(maker, "refund"))
    with pytest.raises(ValidationError):
        services.reject(actor=personas["county_a"], claim_id=claim.pk, reason="  ")
    services.reject(actor=personas["county_a"], claim_id=claim.pk, reason="银行账户与单位名称不符")
    claim.refresh_from_db()
    assert (claim.status, claim.rejected_stage) == (ClaimStatus.REJECTED, "review")
    assert _run(maker, "refund").proposed == 1  # a rejected claim does not block a new one


def test_an_application_is_refused_with_the_rules_reasons_and_never_twice(personas: dict[str, User]) -> None:
    officer = personas["county_a"]
    person = registry_factories.person(officer, registry_factories.household(officer))
    data = services.Application(
        program="skills_upgrade",
        year=2026,
        id_number=_id_of(person),
        stated={"occupation": "电工", "level": "3", "certified_on": "2026-05-01", "insured_months": "6"},
    )
    with pytest.raises(ValidationError) as refused:
        services.apply(actor=officer, data=data)
    assert any("累计缴纳失业保险费 6 个月" in m for m in refused.value.messages)
    ok = services.Application(**{**data.__dict__, "stated": {**data.stated, "insured_months": "24"}})
    claim = services.apply(actor=officer, data=ok)
    assert claim.amount == 200_000 and claim.period == "电工|3"
    with pytest.raises(ValidationError, match="不能重复享受"):
        services.apply(actor=officer, data=ok)
    other_level = services.Application(**{**ok.__dict__, "stated": {**ok.stated, "level": "4"}})
    assert services.apply(actor=officer, data=other_level).amount == 150_000  # another level, another claim


def test_an_application_outside_ones_county_is_refused_and_a_claim_there_is_a_404(personas: dict[str, User]) -> None:
    writer = personas["city_admin"]
    person = registry_factories.person(writer, registry_factories.household(writer, village="610902001003"))
    data = services.Application(
        program="training",
        year=2026,
        id_number=_id_of(person),
        stated={"occupation": "电工", "level": "4", "certified_on": "2026-05-01"},
    )
    with pytest.raises(ValidationError):
        services.apply(actor=personas["county_a"], data=data)
    claim = services.apply(actor=writer, data=data)
    with pytest.raises(Http404):
        selectors.claim_get(user=personas["county_a"], pk=claim.pk)
    with pytest.raises(Http404):
        services.review(actor=personas["county_a"], ids=[claim.pk])


def test_from_the_run_to_the_bank_the_fund_moves_once_and_the_figures_follow(
    personas: dict[str, User], approver: User
) -> None:
    maker, reviewer = personas["city_admin"], personas["county_a"]
    factories.insurance_fact()
    factories.insurance_fact(bank_account="")
    claims = list(Claim.objects.filter(run=_run(maker, "refund")).order_by("pk"))
    notice = factories.through_notice(claims, reviewer=reviewer, approver=approver)
    rows = services.notice_rows(notice)
    assert len(rows) == 2 and all(len(r) == 6 for r in rows)

    with_account, without = claims
    paid = funds.pay(actor=approver, ids=[with_account.pk, without.pk])
    assert not paid.batches and any("余额" in why for _n, why in paid.skipped)  # no money yet
    factories.fill_fund(approver)
    fund = funds.fund_account("ui", COUNTY_A, date.today().year)
    before = ledger.balance(fund)
    paid = funds.pay(actor=approver, ids=[with_account.pk, without.pk])
    assert len(paid.batches) == 1 and paid.skipped == [(without.number, "尚未确认收款银行账号。")]
    batch = paid.batches[0]
    assert ledger.balance(fund) == before  # sent, not paid
    (_account, balance, at_bank, available) = next(r for r in funds.funds(user=approver) if r[0] == fund)
    assert (balance, at_bank, available) == (before, 2_304_000, before - 2_304_000)

    file = ledger_payments.payment_file(actor=approver, batch=batch).decode("utf-8-sig")
    assert with_account.number in file and "23040.00" in file
    answer = "\ufeff" + ",".join(bank.RETURN_HEADER) + f"\r\n{with_account.number},23040.00,成功,\r\n"
    result = ledger_payments.reconcile(actor=approver, batch=batch, content=answer.encode())
    assert result.paid == [with_account.number] and result.clean
    assert ledger.balance(fund) == before - 2_304_000
    again = ledger_payments.reconcile(actor=approver, batch=batch, content=answer.encode())
    assert again.already_paid == [with_account.number] and ledger.balance(fund) == before - 2_304_000
    for journal_id in set(Line.objects.values_list("journal_id", flat=True)):
        assert sum(Line.objects.filter(journal_id=journal_id).values_list("amount", flat=True)) == 0

    today = date.today()
    figures = indicator_services.compute_figures(date(today.year, today.month, 1))
    assert figures.get("programs.refund_enterprises", COUNTY_A) == 1
    assert figures.get("programs.refund_amount", COUNTY_A) == 2_304_000
    assert figures.get("programs.funds_used", "610900000000") == 2_304_000
    table = {(r.county, r.program): r for r in funds.budget_table(user=approver, year=today.year)}
    # paid: the one the bank confirmed; committed: the other, approved and on notice, not yet paid
    assert table[(COUNTY_A, "refund")].paid == 2_304_000 and table[(COUNTY_A, "refund")].committed == 2_304_000


def test_a_person_on_notice_is_shown_by_name_and_masked_id_only(personas: dict[str, User], approver: User) -> None:
    maker = personas["city_admin"]
    home = registry_factories.household(maker)
    person = registry_factories.person(
        maker,
        home,
        name="李创业",
        status=EmploymentStatus.SELF_EMPLOYED,
        since=date(2025, 6, 1),
        groups=("hard_to_employ",),
        phone="13800001234",
    )
    claim = Claim.objects.get(run=_run(maker, "startup", year=date.today().year))
    assert claim.person_id == person.pk and claim.amount == 500_000
    notice = factories.through_notice([claim], reviewer=personas["county_a"], approver=approver)
    (row,) = services.notice_rows(notice)
    text = " ".join(str(v) for v in row)
    assert "李创业" in text and _id_of(person) not in text and "13800001234" not in text
    assert row[2] == person.id_masked and "*" in row[2]


def test_a_list_of_certificates_imports_each_row_or_says_why(personas: dict[str, User], tmp_path: Any) -> None:
    """The skills-upgrading list from the certification centre: one row an application; a bad ID,
    a repeat of the same occupation and level, a late certificate and too few insured months are
    each reported with row, column and reason; the others await county review."""
    from datetime import timedelta

    from jiuye.imports import services as import_services

    officer = personas["county_a"]
    people = [registry_factories.person(officer, registry_factories.household(officer)) for _ in range(3)]
    ids = [_id_of(p) for p in people]
    recent = (date.today() - timedelta(days=20)).isoformat()
    old = (date.today() - timedelta(days=500)).isoformat()
    header = "公民身份号码,享受年度,职业（工种）,证书等级,证书日期,累计缴纳失业保险费月数,收款银行账号,申请材料说明"
    year = date.today().year
    lines = [
        header,
        f"{ids[0]},{year},电工,三级／高级工,{recent},24,6217000123456789012,证书 A1",
        f"{ids[0]},{year},电工,三级/高级工,{recent},24,,重复",  # the same occupation and level again
        f"{ids[1]},{year},焊工,四级／中级工,{old},24,,过期",
        f"{ids[2]},{year},焊工,四级／中级工,{recent},6,,月数不足",
        f"610924199001011230,{year},焊工,四级／中级工,{recent},24,,号码错",
    ]
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    job = import_services.import_stage(
        user=officer, source=path, original_name=path.name, as_of=date.today(), kind="programs.apply_skills_upgrade"
    )
    job = import_services.import_run(job=job)
    assert (job.created, job.rejected, job.rows_read) == (1, 4, 5)
    errors = {(e.row, e.column): e.reason for e in job.row_errors.all()}
    assert "不能重复享受" in errors[(3, "公民身份号码")]
    assert "应在取证后 12 个月内" in errors[(4, "公民身份号码")]
    assert "累计缴纳失业保险费 6 个月" in errors[(5, "公民身份号码")]
    assert "GB 11643" in errors[(6, "公民身份号码")]
    claim = Claim.objects.get(source="import")
    assert (claim.amount, claim.period, claim.status) == (200_000, "电工|3", ClaimStatus.SUBMITTED)


def test_a_failed_payment_is_paid_again_after_the_account_is_corrected(
    personas: dict[str, User], approver: User
) -> None:
    maker, reviewer = personas["city_admin"], personas["county_a"]
    factories.insurance_fact()
    (claim,) = Claim.objects.filter(run=_run(maker, "refund"))
    factories.through_notice([claim], reviewer=reviewer, approver=approver)
    factories.fill_fund(approver)
    first = funds.pay(actor=approver, ids=[claim.pk]).batches[0]
    with pytest.raises(ValidationError):
        services.set_account(actor=reviewer, claim_id=claim.pk, bank_account="6222020200112233445")  # at the bank
    answer = "\ufeff" + ",".join(bank.RETURN_HEADER) + f"\r\n{claim.number},23040.00,失败,户名与账号不符\r\n"
    assert ledger_payments.reconcile(actor=approver, batch=first, content=answer.encode()).failed
    services.set_account(actor=reviewer, claim_id=claim.pk, bank_account="6222020200112233445")
    second = funds.pay(actor=approver, ids=[claim.pk]).batches[0]
    claim.refresh_from_db()
    assert claim.payment is not None and claim.payment.number == f"{claim.number}-2"
    assert claim.payment.batch == second and claim.payment.bank_account_masked.endswith("3445")
    fund = funds.fund_account("ui", COUNTY_A, date.today().year)
    before = ledger.balance(fund)
    answer = "\ufeff" + ",".join(bank.RETURN_HEADER) + f"\r\n{claim.number}-2,23040.00,成功,\r\n"
    assert ledger_payments.reconcile(actor=approver, batch=second, content=answer.encode()).paid
    assert ledger.balance(fund) == before - 2_304_000
    assert funds.pay(actor=approver, ids=[claim.pk]).skipped  # paid: never a third time


def test_a_script_applies_through_the_api_with_a_bearer_token(personas: dict[str, User]) -> None:
    """As a window system would: a bearer token, a refusal with the rule's reasons, a 201 with the
    amount in 分, and a person of another county refused."""
    import json

    from django.test import Client

    from jiuye.accounts.services import token_create

    officer = personas["county_a"]
    _token, raw = token_create(user=officer, name="window")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    person = registry_factories.person(officer, registry_factories.household(officer))
    body = {
        "program": "training",
        "year": date.today().year,
        "id_number": _id_of(person),
        "stated": {"occupation": "育婴员", "level": "4", "certified_on": "2020-01-01"},
    }
    refused = api.post("/api/v1/claims", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert any("证书日期 2020-01-01" in str(d) for d in refused.json()["error"]["details"])
    body["stated"]["certified_on"] = date.today().isoformat()
    made = api.post("/api/v1/claims", json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == 150_000 and made.json()["source"] == "api"
    assert api.get(f"/api/v1/claims/{made.json()['id']}").json()["status"] == "submitted"
    stranger = registry_factories.person(
        officer_b := personas["county_b"], registry_factories.household(officer_b, village="610902001003")
    )
    body["id_number"] = _id_of(stranger)
    assert api.post("/api/v1/claims", json.dumps(body), content_type="application/json").status_code == 422
    assert Claim.objects.count() == 1
