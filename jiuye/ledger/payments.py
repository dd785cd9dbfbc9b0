"""Payment batches: made from a fund, written to the bank's payment file, reconciled from the
bank's return file. A payment's journal (fund → payee) is posted only when the return file says
it was paid, under the payment's own key: the fund's balance is unchanged until then, and a
return file read twice posts nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.masking import mask_id_number
from jiuye.core.money import format_yuan
from jiuye.ledger import actions, bank, services
from jiuye.ledger.models import Account, AccountKind, BatchStatus, Payment, PaymentBatch, PaymentStatus
from jiuye.ledger.services import Entry


@dataclass(frozen=True)
class PaymentInput:
    number: str
    payee: Account
    payee_name: str
    bank_account: str
    amount: int  # 分
    purpose: str


@retrying_atomic
def batch_create(*, actor: Any, reference: str, fund: Account, payments: Sequence[PaymentInput]) -> PaymentBatch:
    if fund.kind != AccountKind.FUND:
        raise ValidationError({"fund": _("付款账户须为资金来源账户。")})
    if not payments:
        raise ValidationError({"payments": _("批次中没有支付。")})
    errors = []
    for p in payments:
        if type(p.amount) is not int or p.amount <= 0:
            errors.append(_("支付 %(n)s：金额须为正的整数分。") % {"n": p.number})
        if p.payee.kind != AccountKind.PAYEE:
            errors.append(_("支付 %(n)s：收款账户须为收款人账户。") % {"n": p.number})
        if not p.bank_account.strip().isdigit():
            errors.append(_("支付 %(n)s：银行账号应为数字。") % {"n": p.number})
    if len({p.number for p in payments}) != len(payments):
        errors.append(_("同一支付编号在批次中出现两次。"))
    if errors:
        raise ValidationError(errors)
    batch = PaymentBatch.objects.create(reference=reference, fund=fund, region_code=fund.region_code, created_by=actor)
    for p in payments:
        Payment.objects.create(
            batch=batch,
            number=p.number,
            payee=p.payee,
            payee_name=p.payee_name,
            bank_account=p.bank_account.strip(),
            bank_account_masked=mask_id_number(p.bank_account.strip()),
            amount=p.amount,
            purpose=p.purpose[:100],
            region_code=fund.region_code,
        )
    audit_record(
        action=actions.BATCH_CREATE,
        actor=actor,
        obj=batch,
        after={"payments": len(payments), "total": sum(p.amount for p in payments)},
    )
    return batch


@retrying_atomic
def payment_file(*, actor: Any, batch: PaymentBatch) -> bytes:
    """The batch's payment file; the batch is marked sent (the file may be fetched again)."""
    rows = [
        bank.OutgoingRow(p.number, p.payee_name, p.bank_account, p.amount, p.purpose)
        for p in batch.payments.order_by("number")
    ]
    if batch.status == BatchStatus.DRAFT:
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.SENT)
        batch.status = BatchStatus.SENT
    audit_record(action=actions.BATCH_FILE, actor=actor, obj=batch, after={"rows": len(rows)})
    return bank.payment_file(rows)


@dataclass
class Reconciliation:
    paid: list[str] = field(default_factory=list)  # payment numbers posted now
    already_paid: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (number, reason)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, number, what is wrong)

    @property
    def clean(self) -> bool:
        return not self.problems


def reconcile(*, actor: Any, batch: PaymentBatch, content: bytes) -> Reconciliation:
    """Read the bank's return file against the batch. Each line is one of: paid (its journal
    posted now, or already), failed (with the bank's reason), or a problem reported with its line
    (an unknown payment, a changed amount, a second line for one payment, an unreadable result)."""
    try:
        rows = bank.read_return_file(content)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("不是银行回单文件：首行应为 %(h)s。") % {"h": "，".join(bank.RETURN_HEADER)}) from exc
    payments = {p.number: p for p in batch.payments.select_related("payee")}
    result = Reconciliation()
    seen: set[str] = set()
    for row in rows:
        payment = payments.get(row.number)
        if payment is None:
            result.problems.append((row.line, row.number, _("本批次没有这笔支付。")))
            continue
        if row.number in seen:
            result.problems.append((row.line, row.number, _("同一笔支付在回单中出现两次，未重复入账。")))
            continue
        seen.add(row.number)
        if row.amount != payment.amount:
            result.problems.append(
                (
                    row.line,
                    row.number,
                    _("回单金额 %(got)s 与支付金额 %(want)s 元不符，未入账。")
                    % {"got": row.raw_amount, "want": format_yuan(payment.amount)},
                )
            )
            continue
        if row.paid is None:
            result.problems.append((row.line, row.number, _("结果应为“成功”或“失败”。")))
            continue
        if row.paid:
            if payment.status == PaymentStatus.PAID:
                result.already_paid.append(row.number)
                continue
            try:
                _pay(actor=actor, batch=batch, payment=payment)
            except services.Refused as exc:
                result.problems.append((row.line, row.number, "；".join(exc.messages)))
                continue
            result.paid.append(row.number)
        else:
            if payment.status == PaymentStatus.PAID:
                result.problems.append((row.line, row.number, _("该笔已入账，回单却为失败：请与银行核对。")))
                continue
            Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED, failure_reason=row.reason[:200])
            result.failed.append((row.number, row.reason))
    with transaction.atomic():
        open_payments = batch.payments.exclude(status__in=[PaymentStatus.PAID, PaymentStatus.FAILED]).exists()
        if not open_payments and result.clean:
            PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RECONCILED)
        audit_record(
            action=actions.BATCH_RECONCILE,
            actor=actor,
            obj=batch,
            after={
                "paid": len(result.paid),
                "already_paid": len(result.already_paid),
                "failed": len(result.failed),
                "problems": len(result.problems),
            },
        )
    return result


@retrying_atomic
def _pay(*, actor: Any, batch: PaymentBatch, payment: Payment) -> None:
    journal = services.post(
        actor=actor,
        entries=[Entry(payment.payee, payment.amount), Entry(batch.fund, -payment.amount)],
        memo=f"{payment.purpose} {payment.number}",
        region_code=batch.region_code,
        idempotency_key=f"payment:{payment.number}",
    )
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.PAID, journal=journal, failure_reason="", paid_on=timezone.localdate()
    )
