"""The programs' money on the ledger: each county holds a fund account per source (就业补助资金,
失业保险基金) and year, filled by appropriations (拨入) from the city's source account; claims
whose notice has ended are paid from their county's fund in a payment batch; budgets are set by
program and county and shown against what was paid.

Account codes: ``appropriation:{source}:{year}`` (the city), ``fund:{source}:{county}:{year}``,
``payee:{employer|person}:{code}``."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import code_level, require_writable
from jiuye.ledger import payments as ledger_payments
from jiuye.ledger import services as ledger
from jiuye.ledger.models import Account, AccountKind, Line, Payment, PaymentBatch, PaymentStatus
from jiuye.programs import actions, rules
from jiuye.programs.choices import ClaimStatus
from jiuye.programs.models import Budget, Claim
from jiuye.programs.permissions import APPROVE_CLAIMS, MANAGE_PROGRAMS
from jiuye.programs.rules.base import FUND_LABELS, Fund
from jiuye.regions.models import Region


def county_of(region_code: str) -> str:
    return region_code[:6].ljust(12, "0")


def fund_code(source: str, county: str, year: int) -> str:
    return f"fund:{source}:{county}:{year}"


def _account(code: str, name: str, kind: str, region_code: str, year: int | None) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is None:
        account = ledger.account_open(actor=None, code=code, name=name, kind=kind, region_code=region_code, year=year)
    return account


def fund_account(source: str, county: str, year: int) -> Account:
    region = Region.objects.filter(code=county).first()
    name = _("%(region)s%(year)d年%(source)s") % {
        "region": region.name if region else county,
        "year": year,
        "source": FUND_LABELS[Fund(source)],
    }
    return _account(fund_code(source, county, year), name, AccountKind.FUND, county, year)


@retrying_atomic
def allocate(*, actor: Any, source: str, county: str, year: int, amount: int, memo: str) -> Any:
    """Appropriate money (拨入) to a county's fund from the city's source account; one journal."""
    if not has_perm(actor, MANAGE_PROGRAMS):
        raise PermissionDenied
    if source not in Fund.__members__.values():
        raise ValidationError({"source": _("请选择资金来源。")})
    if code_level(county) != "county":
        raise ValidationError({"county": _("请选择县（市、区）。")})
    require_writable(actor, county)
    if type(amount) is not int or not 0 < amount <= money.MAX_FEN:
        raise ValidationError({"amount": _("金额应为正数。")})
    city = county[:4].ljust(12, "0")
    source_account = _account(
        f"appropriation:{source}:{year}",
        _("%(year)d年%(source)s拨入") % {"year": year, "source": FUND_LABELS[Fund(source)]},
        AccountKind.APPROPRIATION,
        city,
        year,
    )
    fund = fund_account(source, county, year)
    journal = ledger.post(
        actor=actor,
        entries=[ledger.Entry(fund, amount), ledger.Entry(source_account, -amount)],
        memo=memo.strip()[:200] or _("资金拨入"),
        region_code=county,
    )
    audit_record(action=actions.FUNDS_ALLOCATE, actor=actor, obj=journal, after={"fund": fund.code, "amount": amount})
    return journal


@retrying_atomic
def budget_set(*, actor: Any, year: int, county: str, program: str, amount: int) -> Budget:
    if not has_perm(actor, MANAGE_PROGRAMS):
        raise PermissionDenied
    if rules.get(program) is None:
        raise ValidationError({"program": _("没有这个政策项目。")})
    if code_level(county) != "county":
        raise ValidationError({"county": _("请选择县（市、区）。")})
    require_writable(actor, county)
    if type(amount) is not int or not 0 <= amount <= money.MAX_FEN:
        raise ValidationError({"amount": _("金额应为不小于零的数。")})
    budget = Budget.objects.filter(year=year, region_code=county, program=program).first()
    before = budget.amount if budget else None
    if budget is None:
        budget = Budget(year=year, region_code=county, program=program, amount=amount, set_by=actor)
    budget.amount, budget.set_by = amount, actor
    budget.save()
    audit_record(
        action=actions.BUDGET_SET, actor=actor, obj=budget, before={"amount": before}, after={"amount": amount}
    )
    return budget


def _program_name(code: str) -> str:
    program = rules.get(code)
    return str(program.name) if program else code


def payee_account(kind: str, code: str, name: str, region_code: str) -> Account:
    """The payee's account (opened on its first payment)."""
    return _account(f"payee:{kind}:{code}", name, AccountKind.PAYEE, region_code, None)


def pending_total(fund: Account) -> int:
    """Sent to the bank from this fund and not yet reconciled (paid or failed): not yet posted."""
    total = Payment.objects.filter(batch__fund=fund, status=PaymentStatus.PENDING).aggregate(t=Sum("amount"))["t"]
    return int(total or 0)


def payable(claim: Claim) -> bool:
    """On notice, or in a batch whose payment the bank returned as failed (paid again, after the
    account is corrected, in a new batch)."""
    if claim.status == ClaimStatus.NOTICED:
        return True
    return (
        claim.status == ClaimStatus.PAYING
        and claim.payment is not None
        and claim.payment.status == PaymentStatus.FAILED
    )


def payment_number(claim: Claim) -> str:
    """The claim's number for its first payment; ``-2``, ``-3`` … for the payments after a failure
    (a payment number is unique in the ledger, and the failed payment stays in its batch)."""
    earlier = Payment.objects.filter(number__startswith=claim.number).count()
    return claim.number if earlier == 0 else f"{claim.number}-{earlier + 1}"


@dataclass
class PayResult:
    batches: list[PaymentBatch] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (claim number, why)


@retrying_atomic
def pay(*, actor: Any, ids: Sequence[int]) -> PayResult:
    """One payment batch per fund (county, source, this year's money) for the claims whose notice
    has ended; a claim without a bank account, still on notice, or beyond what its fund holds is
    skipped with the reason."""
    if not has_perm(actor, APPROVE_CLAIMS):
        raise PermissionDenied
    today = timezone.localdate()
    claims = list(
        Claim.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=list(ids))
        .select_related("notice", "payment")
        .order_by("pk")
    )
    if len(claims) != len(set(ids)):
        from django.http import Http404

        raise Http404
    result = PayResult()
    groups: dict[tuple[str, str, int], list[Claim]] = defaultdict(list)
    for claim in claims:
        if not payable(claim) or claim.notice is None:
            result.skipped.append(
                (claim.number, _("当前状态为“%(s)s”，不能支付。") % {"s": claim.get_status_display()})
            )
        elif claim.notice.ends_on >= today:
            result.skipped.append(
                (claim.number, _("公示期至 %(d)s，期满后方可支付。") % {"d": claim.notice.ends_on.isoformat()})
            )
        elif not claim.bank_account:
            result.skipped.append((claim.number, _("尚未确认收款银行账号。")))
        else:
            program = rules.get(claim.program)
            source = str(program.fund if program else Fund.EMPLOYMENT)
            groups[(source, county_of(claim.region_code), today.year)].append(claim)
    for (source, county, year), members in sorted(groups.items()):
        fund = fund_account(source, county, year)
        available = ledger.balance(fund) - pending_total(fund)
        total = sum(c.amount for c in members)
        if total > available:
            for claim in members:
                result.skipped.append(
                    (
                        claim.number,
                        _("%(fund)s可用余额 %(a)s 元，不足以支付本批 %(t)s 元。")
                        % {"fund": fund.name, "a": money.format_yuan(available), "t": money.format_yuan(total)},
                    )
                )
            continue
        numbers = {claim.pk: payment_number(claim) for claim in members}
        inputs = [
            ledger_payments.PaymentInput(
                number=numbers[claim.pk],
                payee=payee_account(claim.payee_kind, claim.payee_code, claim.payee_name, claim.region_code),
                payee_name=claim.payee_name,
                bank_account=claim.bank_account,
                amount=claim.amount,
                purpose=f"{_program_name(claim.program)} {claim.period}"[:100],
            )
            for claim in members
        ]
        batch = ledger_payments.batch_create(
            actor=actor,
            reference="ZF" + timezone.now().strftime("%Y%m%d") + secrets.token_hex(3).upper(),
            fund=fund,
            payments=inputs,
        )
        by_number = {p.number: p for p in batch.payments.all()}
        for claim in members:
            claim.payment = by_number[numbers[claim.pk]]
            claim.status = ClaimStatus.PAYING
        Claim.objects.bulk_update(members, ["payment", "status"])
        audit_record(
            action=actions.PAYMENT_BATCH,
            actor=actor,
            obj=batch,
            after={"claims": len(members), "total": total, "fund": fund.code},
        )
        result.batches.append(batch)
    return result


@dataclass
class BudgetRow:
    county: str
    county_name: str
    program: str
    program_name: str
    budget: int | None
    committed: int  # approved or on notice, not yet paid
    paid: int

    @property
    def share(self) -> int | None:
        """Paid as a percentage of the budget, whole (None without a budget)."""
        return self.paid * 100 // self.budget if self.budget else None


def budget_table(*, user: Any, year: int) -> list[BudgetRow]:
    """A year's budget against its spending by county and program, in the user's area: paid is
    what the bank confirmed that year (the payment's journal posted); committed, for the current
    year, what is approved and not yet paid."""
    rows: dict[tuple[str, str], dict[str, int | None]] = defaultdict(
        lambda: {"budget": None, "committed": 0, "paid": 0}
    )
    for b in Budget.objects.visible_to(user).filter(year=year):
        rows[(b.region_code, b.program)]["budget"] = b.amount
    claims = Claim.objects.visible_to(user)
    paid = claims.filter(payment__status=PaymentStatus.PAID, payment__paid_on__year=year)
    for region, program, amount in paid.values_list("region_code", "program", "amount"):
        slot = rows[(county_of(region), program)]
        slot["paid"] = int(slot["paid"] or 0) + amount
    if year == timezone.localdate().year:
        pending = claims.filter(status__in=[ClaimStatus.APPROVED, ClaimStatus.NOTICED, ClaimStatus.PAYING]).exclude(
            payment__status=PaymentStatus.PAID
        )
        for region, program, amount in pending.values_list("region_code", "program", "amount"):
            slot = rows[(county_of(region), program)]
            slot["committed"] = int(slot["committed"] or 0) + amount
    names = dict(Region.objects.filter(code__in={c for c, _p in rows}).values_list("code", "name"))
    out = []
    for (county, program), v in sorted(rows.items()):
        p = rules.get(program)
        out.append(
            BudgetRow(
                county=county,
                county_name=names.get(county, county),
                program=program,
                program_name=str(p.name) if p else program,
                budget=v["budget"],
                committed=int(v["committed"] or 0),
                paid=int(v["paid"] or 0),
            )
        )
    return out


def funds(*, user: Any) -> list[tuple[Account, int, int, int]]:
    """The fund accounts in the user's area: balance, what is at the bank awaiting its return
    file, and what is available for a new batch (two queries, whatever the number of funds)."""
    accounts = list(Account.objects.visible_to(user).filter(kind=AccountKind.FUND).order_by("code"))
    balances = dict(
        Line.objects.filter(account__in=accounts)
        .values_list("account_id")
        .annotate(t=Sum("amount"))
        .values_list("account_id", "t")
    )
    pending = dict(
        Payment.objects.filter(batch__fund__in=accounts, status=PaymentStatus.PENDING)
        .values_list("batch__fund_id")
        .annotate(t=Sum("amount"))
        .values_list("batch__fund_id", "t")
    )
    rows = []
    for a in accounts:
        balance, at_bank = int(balances.get(a.pk) or 0), int(pending.get(a.pk) or 0)
        rows.append((a, balance, at_bank, balance - at_bank))
    return rows
