"""创业担保贷款 through its life: an application decided by the rule (``rules.loans.eligibility``)
with its reasons; the county review by another officer; the bank's contract and issue; repayments;
when overdue, compensation by the guarantee fund; follow-ups of the business and its jobs. The
year's interest subsidy is the loan_interest program's 免申即享 run (``gather_interest``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.approval import clean_note
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import prefix_lookup, read_prefix, require_writable
from jiuye.programs import actions, parameters
from jiuye.programs.choices import BorrowerKind, LoanStatus
from jiuye.programs.facts import Candidate, groups_of, person_key
from jiuye.programs.models import FollowUp, Loan, Repayment
from jiuye.programs.permissions import REVIEW_CLAIMS
from jiuye.programs.posts import add_months
from jiuye.programs.rules import loans as rule
from jiuye.programs.rules.base import Payee
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.models import Person

MAX_RATE_BP = 2000  # 20%: a guard against a mistyped rate, far above any guaranteed loan


@dataclass(frozen=True)
class LoanInput:
    kind: str
    business: str
    amount: int  # 分
    term_months: int
    person: Person | None = None
    partners: tuple[Person, ...] = ()
    employer: Any = None
    staff: int | None = None
    new_hires: int | None = None
    arrears: bool = False
    applied_on: date = field(default_factory=timezone.localdate)


def _person_facts(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "groups": groups_of([person.pk]).get(person.pk, []),
        "registered_unemployed": person.status == EmploymentStatus.UNEMPLOYED,
        "earlier_loans": Loan.objects.filter(person=person)
        .exclude(status__in=[LoanStatus.REJECTED, LoanStatus.APPLIED])
        .count(),
    }


def facts_of(data: LoanInput) -> dict[str, Any]:
    facts: dict[str, Any] = {"kind": data.kind, "amount": data.amount, "term_months": data.term_months}
    if data.kind == BorrowerKind.ENTERPRISE:
        facts |= {"staff": data.staff or 0, "new_hires": data.new_hires or 0, "arrears": data.arrears}
    else:
        if data.person is None:
            raise ValidationError({"id_number": _("请填写借款人的公民身份号码。")})
        facts["borrower"] = _person_facts(data.person)
        facts["partners"] = [_person_facts(p) for p in data.partners]
    return facts


@retrying_atomic
def apply(*, actor: Any, data: LoanInput) -> Loan:
    """An application, decided by the rule with the parameters in force where the borrower is;
    refused with the failed conditions."""
    if data.kind not in BorrowerKind.values:
        raise ValidationError({"kind": _("请选择借款人类别。")})
    if type(data.amount) is not int or not 0 < data.amount <= money.MAX_FEN:
        raise ValidationError({"amount": _("金额应为正数。")})
    if data.kind == BorrowerKind.ENTERPRISE:
        if data.employer is None:
            raise ValidationError({"credit_code": _("请填写借款企业的统一社会信用代码。")})
        region = data.employer.region_id
    else:
        if data.person is None:
            raise ValidationError({"id_number": _("请填写借款人的公民身份号码。")})
        region = data.person.region_id
        if data.kind == BorrowerKind.PARTNERSHIP and not data.partners:
            raise ValidationError({"partners": _("合伙创业请填写合伙人的公民身份号码。")})
    require_writable(actor, region)
    if not data.business.strip():
        raise ValidationError({"business": _("请填写创业项目。")})
    program = rule.LOAN_INTEREST
    params = parameters.in_force(program, region, data.applied_on)
    facts = facts_of(data)
    decision = rule.eligibility(facts, params)
    if not decision.eligible:
        raise ValidationError([_("不符合贷款条件：")] + [line for line in decision.reasons if line.startswith("✗")])
    loan = Loan.objects.create(
        kind=data.kind,
        person=data.person,
        employer=data.employer,
        region_code=region,
        business=data.business.strip()[:200],
        amount=data.amount,
        term_months=data.term_months,
        staff=data.staff,
        new_hires=data.new_hires,
        facts=facts,
        reasons=list(decision.reasons),
        created_by=actor,
    )
    loan.partners.set(data.partners)
    audit_record(action=actions.LOAN_APPLY, actor=actor, obj=loan, after={"kind": data.kind, "amount": data.amount})
    return loan


def can_review(actor: Any, loan: Loan) -> bool:
    prefix = read_prefix(actor)
    return (
        loan.status == LoanStatus.APPLIED
        and has_perm(actor, REVIEW_CLAIMS)
        and prefix is not None
        and loan.region_code.startswith(prefix)
        and loan.created_by_id != actor.pk
    )


@retrying_atomic
def review(*, actor: Any, loan: Loan, approve: bool, note: str = "") -> Loan:
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.APPLIED:
        raise ValidationError(_("该贷款已审核。"))
    if not can_review(actor, loan):
        raise PermissionDenied
    note = clean_note(note)
    if not approve and not note:
        raise ValidationError({"note": _("不予担保时请写明理由。")})
    loan.status = LoanStatus.APPROVED if approve else LoanStatus.REJECTED
    loan.reviewed_by, loan.reviewed_at, loan.review_note = actor, timezone.now(), note
    loan.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(action=actions.LOAN_REVIEW, actor=actor, obj=loan, after={"approved": approve, "note": note})
    return loan


@dataclass(frozen=True)
class IssueInput:
    bank: str
    guarantee_fund: str
    contract: str
    contract_rate_bp: int
    lpr_bp: int
    issued_on: date


@retrying_atomic
def issue(*, actor: Any, loan: Loan, data: IssueInput) -> Loan:
    """The bank's contract and issue: the due date follows from the term."""
    require_writable(actor, loan.region_code)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.APPROVED:
        raise ValidationError(_("只有已审核的贷款可以登记放款。"))
    if not (data.bank.strip() and data.guarantee_fund.strip() and data.contract.strip()):
        raise ValidationError({"bank": _("请填写贷款银行、担保基金和借款合同号。")})
    if not 0 < data.contract_rate_bp <= MAX_RATE_BP or not 0 < data.lpr_bp <= MAX_RATE_BP:
        raise ValidationError({"contract_rate_bp": _("利率应在 0 到 20% 之间。")})
    if data.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("放款日期不能晚于今天。")})
    loan.bank, loan.guarantee_fund, loan.contract = (
        data.bank.strip(),
        data.guarantee_fund.strip(),
        data.contract.strip(),
    )
    loan.contract_rate_bp, loan.lpr_bp, loan.issued_on = data.contract_rate_bp, data.lpr_bp, data.issued_on
    loan.due_on = add_months(data.issued_on, loan.term_months)
    loan.status = LoanStatus.ISSUED
    loan.save()
    audit_record(
        action=actions.LOAN_ISSUE,
        actor=actor,
        obj=loan,
        after={"contract": loan.contract, "issued_on": data.issued_on.isoformat(), "rate": data.contract_rate_bp},
    )
    return loan


def repaid(loan: Loan) -> int:
    """The principal repaid (annotated by ``selectors.loans`` on a list; else one query)."""
    annotated = getattr(loan, "repaid_total", None)
    if annotated is not None:
        return int(annotated)
    return int(loan.repayments.aggregate(t=Sum("principal"))["t"] or 0)


def outstanding(loan: Loan) -> int:
    return loan.amount - repaid(loan) - (loan.compensated or 0)


def is_overdue(loan: Loan, day: date | None = None) -> bool:
    day = day or timezone.localdate()
    return loan.status == LoanStatus.ISSUED and loan.due_on is not None and loan.due_on < day and outstanding(loan) > 0


@retrying_atomic
def repay(*, actor: Any, loan: Loan, day: date, principal: int) -> Repayment:
    require_writable(actor, loan.region_code)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.ISSUED or loan.issued_on is None:
        raise ValidationError(_("只有已放款且未结清的贷款可以登记还款。"))
    if type(principal) is not int or not 0 < principal <= outstanding(loan):
        raise ValidationError(
            {
                "principal": _("还款本金应为正数且不超过未还本金 %(o)s 元。")
                % {"o": money.format_yuan(outstanding(loan))}
            }
        )
    if day < loan.issued_on or day > timezone.localdate():
        raise ValidationError({"day": _("还款日期应在放款日期和今天之间。")})
    item = Repayment.objects.create(loan=loan, paid_on=day, principal=principal, recorded_by=actor)
    if outstanding(loan) == 0:
        loan.status = LoanStatus.REPAID
        loan.save(update_fields=["status"])
    audit_record(
        action=actions.LOAN_REPAY, actor=actor, obj=loan, after={"day": day.isoformat(), "principal": principal}
    )
    return item


@retrying_atomic
def compensate(*, actor: Any, loan: Loan, day: date, amount: int) -> Loan:
    """The guarantee fund pays the bank what an overdue borrower did not (at most the outstanding)."""
    require_writable(actor, loan.region_code)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if not is_overdue(loan, day):
        raise ValidationError(_("只有逾期未还的贷款可以登记代偿。"))
    if type(amount) is not int or not 0 < amount <= outstanding(loan):
        raise ValidationError(
            {"amount": _("代偿金额应为正数且不超过未还本金 %(o)s 元。") % {"o": money.format_yuan(outstanding(loan))}}
        )
    if day > timezone.localdate():
        raise ValidationError({"day": _("代偿日期不能晚于今天。")})
    loan.compensated, loan.compensated_on, loan.status = amount, day, LoanStatus.COMPENSATED
    loan.save(update_fields=["compensated", "compensated_on", "status"])
    audit_record(
        action=actions.LOAN_COMPENSATE, actor=actor, obj=loan, after={"day": day.isoformat(), "amount": amount}
    )
    return loan


@retrying_atomic
def follow_up(*, actor: Any, loan: Loan, day: date, running: bool, jobs: int, note: str = "") -> FollowUp:
    require_writable(actor, loan.region_code)
    if loan.issued_on is None or day < loan.issued_on or day > timezone.localdate():
        raise ValidationError({"day": _("回访日期应在放款日期和今天之间。")})
    if not 0 <= jobs <= 100_000:
        raise ValidationError({"jobs": _("带动就业人数应为不小于0的整数。")})
    item = FollowUp.objects.create(
        loan=loan, day=day, running=running, jobs=jobs, note=clean_note(note), recorded_by=actor
    )
    audit_record(action=actions.LOAN_FOLLOW_UP, actor=actor, obj=loan, after={"day": day.isoformat(), "jobs": jobs})
    return item


def gather_interest(
    *, year: int, prefix: str, as_of: date, subject: str | None = None, month: int | None = None
) -> list[Candidate]:
    """Loans issued before the year's end and running some day of it: the year's principal-days
    up to ``as_of``, for the interest subsidy; paid to the borrower (or the enterprise)."""
    rows = (
        Loan.objects.filter(issued_on__lte=min(date(year, 12, 31), as_of), due_on__gt=date(year, 1, 1))
        .filter(**prefix_lookup("region_code", prefix))
        .select_related("person", "employer")
        .prefetch_related("repayments")
    )
    if subject is not None:
        rows = rows.filter(pk=int(subject))
    found = []
    for loan in rows:
        assert loan.issued_on is not None and loan.due_on is not None  # noqa: S101 (the filter's condition)
        pdays, days = rule.principal_days(
            amount=loan.amount,
            issued_on=loan.issued_on,
            due_on=loan.due_on,
            repayments=[(r.paid_on, r.principal) for r in loan.repayments.all()],
            start=date(year, 1, 1),
            end=min(date(year, 12, 31), as_of, loan.compensated_on or date.max),
        )
        payee: tuple[str, str, str, str, int | None]
        if loan.employer is not None:
            payee = (Payee.EMPLOYER, loan.employer.credit_code, loan.employer.name, loan.employer.credit_code, None)
        else:
            person = loan.person
            assert person is not None  # noqa: S101 (a person's loan names its borrower)
            payee = (Payee.PERSON, person_key(person.pk), person.name, person.id_masked, person.pk)
        found.append(
            Candidate(
                subject_key=f"L:{loan.pk}",
                payee_kind=payee[0],
                payee_code=payee[1],
                payee_name=payee[2],
                payee_id_masked=payee[3],
                region_code=loan.region_code,
                person_id=payee[4],
                facts={
                    "contract": loan.contract,
                    "principal_days": pdays,
                    "days": days,
                    "contract_rate_bp": loan.contract_rate_bp or 0,
                    "lpr_bp": loan.lpr_bp or 0,
                },
            )
        )
    return found
