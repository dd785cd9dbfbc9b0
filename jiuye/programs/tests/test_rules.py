"""The programs' rules as pure functions: each condition, the amounts in 分 and the reasons; and
the parameters' resolution by region and date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuye.programs import parameters, rules
from jiuye.programs.rules import applied, hiring, loans, refund, startup
from jiuye.programs.rules.base import ParamKind, apply_rate, percent


def _refund(**facts: Any) -> Any:
    base = {
        "year": 2021,
        "unit_type": "enterprise",
        "months_paid": 12,
        "premiums": 3_840_000,
        "avg_insured": 40,
        "layoffs": 0,
    }
    return refund.evaluate({**base, **facts}, refund.PROGRAM.defaults())


def test_refund_pays_an_sme_sixty_percent_of_its_premiums() -> None:
    decision = _refund()
    assert decision.eligible and decision.amount == 2_304_000  # 38,400.00 元 × 60%
    assert any("60%" in line and "23,040.00" in line for line in decision.reasons)


def test_refund_pays_a_large_enterprise_thirty_percent() -> None:
    decision = _refund(avg_insured=300, premiums=10_000_001, layoffs=16)  # 16/300 = 5.33% ≤ 5.5%
    assert decision.eligible and decision.amount == apply_rate(10_000_001, 3000) == 3_000_000


def test_refund_refuses_a_layoff_rate_above_the_target_and_says_why() -> None:
    decision = _refund(avg_insured=100, layoffs=6)  # 6%
    assert not decision.eligible and decision.amount == 0
    assert decision.failed == ("裁员率超过上限",)
    assert any(line.startswith("✗") and "6%" in line and "5.5%" in line for line in decision.reasons)


def test_refund_lets_a_small_unit_lay_off_up_to_twenty_percent() -> None:
    assert _refund(avg_insured=30, layoffs=6).eligible  # 20%
    assert not _refund(avg_insured=30, layoffs=7).eligible
    assert not _refund(avg_insured=31, layoffs=2).eligible  # above 30 staff: 6.45% > 5.5%


def test_refund_needs_twelve_months_and_excludes_public_institutions() -> None:
    short = _refund(months_paid=11)
    assert not short.eligible and "缴费月数不足" in short.failed
    assert not _refund(unit_type="public_institution").eligible
    assert _refund(unit_type="law_firm", avg_insured=400).amount == 2_304_000  # like an SME, whatever its size


def test_hiring_pays_per_person_of_a_target_group_after_six_months() -> None:
    p = hiring.PROGRAM.defaults()
    facts = {"groups": ["graduate"], "employer_kind": "enterprise", "hired_on": "2026-01-05", "months_employed": 6}
    assert hiring.evaluate(facts, p).amount == 200_000
    assert hiring.evaluate({**facts, "months_employed": 5}, p).failed == ("就业未满规定月数",)
    assert hiring.evaluate({**facts, "groups": ["veteran"]}, p).failed == ("人员类别不符",)
    assert hiring.evaluate({**facts, "employer_kind": ""}, p).failed == ("单位未登记",)


def test_startup_needs_a_first_business_running_a_year() -> None:
    p = startup.PROGRAM.defaults()
    facts = {"groups": ["hard_to_employ"], "started_on": "2025-03-01", "started_before": False, "months_running": 12}
    assert startup.evaluate(facts, p).amount == 500_000
    assert startup.evaluate({**facts, "started_before": True}, p).failed == ("非首次创业",)


def test_social_insurance_pays_two_thirds_within_the_cap_and_the_term() -> None:
    p = applied.SOCIAL_INSURANCE.defaults()
    facts = {"groups": ["hard_to_employ"], "kind": "flexible", "months": 12, "contributions": 900_000, "months_used": 0}
    assert applied.social_insurance(facts, p).amount == apply_rate(900_000, 6666)  # 5,999.40 元 < 12 × 600
    capped = applied.social_insurance({**facts, "contributions": 2_000_000}, p)
    assert capped.amount == 12 * 60_000
    tail = applied.social_insurance({**facts, "months_used": 30}, p)  # six months left of 36
    assert tail.amount == apply_rate(900_000, 6666) * 6 // 12
    assert not applied.social_insurance({**facts, "months_used": 36}, p).eligible


def test_loan_interest_is_the_part_above_lpr_less_150_basis_points() -> None:
    p = loans.LOAN_INTEREST.defaults()
    # 150,000 元 outstanding for 360 days at LPR 3.85%, the contract at LPR: 1.5% of the year's principal
    pdays, days = loans.principal_days(
        amount=15_000_000,
        issued_on=date(2025, 1, 1),
        due_on=date(2028, 1, 1),
        repayments=[],
        start=date(2025, 1, 1),
        end=date(2025, 12, 26),
    )
    assert days == 360
    facts = {"principal_days": pdays, "days": days, "contract_rate_bp": 385, "lpr_bp": 385}
    assert loans.interest_subsidy(facts, p).amount == 225_000


def test_principal_days_follow_the_repayments() -> None:
    total, days = loans.principal_days(
        amount=10_000,
        issued_on=date(2025, 3, 1),
        due_on=date(2025, 3, 11),
        repayments=[(date(2025, 3, 6), 4_000)],
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    assert (total, days) == (10_000 * 5 + 6_000 * 5, 10)


def test_loan_eligibility_caps_partnerships_and_enterprises() -> None:
    p = loans.LOAN_INTEREST.defaults()
    person = {"groups": ["graduate"], "registered_unemployed": False, "earlier_loans": 0}
    single = {"kind": "individual", "amount": 20_000_000, "term_months": 36, "borrower": person}
    assert loans.eligibility(single, p).eligible
    assert loans.eligibility({**single, "amount": 20_000_001}, p).failed == ("超过贷款额度",)
    assert loans.eligibility({**single, "term_months": 37}, p).failed == ("超过贷款期限",)
    outsider = {"groups": [], "registered_unemployed": False, "earlier_loans": 0}
    assert loans.eligibility({**single, "borrower": outsider}, p).failed == ("借款人不属于扶持对象",)
    assert loans.eligibility({**single, "borrower": {**outsider, "registered_unemployed": True}}, p).eligible
    pair = {**single, "kind": "partnership", "amount": 44_000_000, "partners": [person]}  # 2 × 20万 × 110%
    assert loans.eligibility(pair, p).eligible and not loans.eligibility({**pair, "amount": 44_000_001}, p).eligible
    firm = {"kind": "enterprise", "amount": 300_000_000, "term_months": 24, "staff": 100, "new_hires": 15}
    assert loans.eligibility(firm, p).eligible
    assert loans.eligibility({**firm, "new_hires": 14}, p).failed == ("新招用人员比例不足",)
    assert loans.eligibility({**firm, "staff": 200, "new_hires": 16}, p).eligible  # 8% above 100 staff


def test_training_amount_follows_the_level_within_twelve_months() -> None:
    p = applied.TRAINING.defaults()
    facts = {"occupation": "中式烹调师", "level": "4", "certified_on": "2026-01-10", "applied_on": "2026-06-01"}
    assert applied.training(facts, p).amount == 150_000
    late = applied.training({**facts, "applied_on": "2027-01-10"}, p)
    assert late.failed == ("超过申请期限",)


@given(bp=st.integers(min_value=-100_000, max_value=100_000))
def test_percent_reads_basis_points_exactly(bp: int) -> None:
    from decimal import Decimal

    assert Decimal(percent(bp).removesuffix("%")) * 100 == bp


@given(fen=st.integers(min_value=0, max_value=10**13), bp=st.integers(min_value=0, max_value=10_000))
def test_apply_rate_rounds_half_up_to_the_fen(fen: int, bp: int) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(fen) * Decimal(bp) / Decimal(10_000)
    assert apply_rate(fen, bp) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(
    facts=st.fixed_dictionaries(
        {
            "year": st.just(2021),
            "unit_type": st.sampled_from([c for c, _l in refund.UNIT_TYPES]),
            "months_paid": st.integers(0, 12),
            "premiums": st.integers(0, 10**12),
            "avg_insured": st.integers(0, 5000),
            "layoffs": st.integers(0, 500),
        }
    )
)
def test_every_refund_decision_is_an_integer_amount_with_reasons(facts: dict[str, Any]) -> None:
    decision = refund.evaluate(facts, refund.PROGRAM.defaults())
    assert type(decision.amount) is int and decision.amount >= 0
    assert decision.eligible == (decision.amount > 0) and decision.reasons
    assert decision.eligible or decision.failed
    assert decision.amount <= facts["premiums"]


def test_every_shipped_program_is_registered_with_sound_parameters() -> None:
    programs = rules.all_programs()
    assert {p.code for p in programs} >= {
        "refund",
        "hiring",
        "social_insurance",
        "public_welfare",
        "startup",
        "incubation",
        "training",
        "skills_upgrade",
        "loan_interest",
    }
    for program in programs:
        for spec in program.params:
            # the default is what parse_value would store for its shown form
            typed = parameters.as_typed(spec, spec.default)
            assert parameters.parse_value(spec, typed if spec.kind != ParamKind.CODES else spec.default) == spec.default


@pytest.mark.django_db
def test_the_nearest_region_and_latest_date_decide_a_parameter(personas: dict[str, Any]) -> None:
    admin = personas["city_admin"]
    program = refund.PROGRAM
    parameters.set_value(
        actor=admin,
        program=program,
        key="rate_sme_bp",
        region_code="610900000000",
        effective_from=date(2022, 6, 1),
        raw="90",
        reason="2022年阶段性提高返还比例",
    )
    parameters.set_value(
        actor=admin,
        program=program,
        key="rate_sme_bp",
        region_code="610924000000",
        effective_from=date(2022, 1, 1),
        raw="75",
        reason="县级试点",
    )
    assert parameters.in_force(program, "610924100001", date(2021, 12, 31))["rate_sme_bp"] == 6000
    assert parameters.in_force(program, "610924100001", date(2022, 7, 1))["rate_sme_bp"] == 7500  # the county's own
    assert parameters.in_force(program, "610902001003", date(2022, 7, 1))["rate_sme_bp"] == 9000
    assert parameters.in_force(program, "610902001003", date(2022, 5, 31))["rate_sme_bp"] == 6000


@pytest.mark.django_db
def test_a_parameter_needs_its_reason_and_the_city_admin(personas: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from jiuye.core.audit import AuditEvent

    kwargs = {
        "program": refund.PROGRAM,
        "key": "rate_sme_bp",
        "region_code": "610900000000",
        "effective_from": date(2022, 1, 1),
    }
    with pytest.raises(ValidationError):
        parameters.set_value(actor=personas["city_admin"], raw="90", reason="", **kwargs)
    with pytest.raises(ValidationError):
        parameters.set_value(actor=personas["city_admin"], raw="190", reason="依据某文件", **kwargs)
    with pytest.raises(PermissionDenied):
        parameters.set_value(actor=personas["county_a"], raw="90", reason="依据某文件", **kwargs)
    parameters.set_value(actor=personas["city_admin"], raw="90", reason="依据某文件", **kwargs)
    event = AuditEvent.objects.filter(action="programs.param_set").get()
    assert event.before == {"value": 6000} and event.after["value"] == 9000 and event.after["reason"] == "依据某文件"
