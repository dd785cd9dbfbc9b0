"""A payment batch to the bank and back: the fund's balance moves only for what the bank paid,
each problem of the return file is reported with its line, and nothing is posted twice."""

from __future__ import annotations

from typing import Any

import pytest

from jiuye.accounts.models import User
from jiuye.conftest import make_user
from jiuye.ledger import bank, payments, services
from jiuye.ledger.models import Account, AccountKind, BatchStatus, Journal, Payment
from jiuye.ledger.services import Entry

pytestmark = pytest.mark.django_db
COUNTY = "610924000000"


@pytest.fixture
def batch(db: Any) -> tuple[User, Account, list[Account], Any]:
    actor = make_user("cashier", "city_admin", "610900000000")
    fund = services.account_open(
        actor=actor, code="fund:2026", name="就业补助资金", kind=AccountKind.FUND, region_code=COUNTY, year=2026
    )
    budget = services.account_open(
        actor=actor, code="appropriation:2026", name="预算", kind=AccountKind.APPROPRIATION, region_code=COUNTY
    )
    services.post(
        actor=actor, entries=[Entry(fund, 1_000_000), Entry(budget, -1_000_000)], memo="下达", region_code=COUNTY
    )
    payees = [
        services.account_open(
            actor=actor, code=f"payee:{i}", name=f"企业{i}", kind=AccountKind.PAYEE, region_code=COUNTY
        )
        for i in range(3)
    ]
    made = payments.batch_create(
        actor=actor,
        reference="2026-12-稳岗返还-001",
        fund=fund,
        payments=[
            payments.PaymentInput(f"P00{i}", payee, payee.name, f"62220219000000{i:04d}", 100_000 * (i + 1), "稳岗返还")
            for i, payee in enumerate(payees)
        ],
    )
    return actor, fund, payees, made


def _return_file(*rows: list[str]) -> bytes:
    lines = [",".join(bank.RETURN_HEADER), *[",".join(r) for r in rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_the_payment_file_has_the_documented_layout(batch: Any) -> None:
    actor, fund, _payees, made = batch
    content = payments.payment_file(actor=actor, batch=made).decode("utf-8-sig").splitlines()
    assert content[0] == ",".join(bank.PAYMENT_HEADER)
    assert content[1] == "P000,企业0,622202190000000000,1000.00,稳岗返还"
    assert len(content) == 4
    made.refresh_from_db()
    assert made.status == BatchStatus.SENT
    assert services.balance(fund) == 1_000_000  # nothing moves before the bank answers


def test_a_return_file_posts_what_was_paid_and_reports_the_rest(batch: Any) -> None:
    actor, fund, payees, made = batch
    result = payments.reconcile(
        actor=actor,
        batch=made,
        content=_return_file(
            ["P000", "1000.00", "成功", ""],
            ["P001", "2000.50", "成功", ""],  # a changed amount
            ["P000", "1000.00", "成功", ""],  # the same payment twice
            ["P999", "10.00", "成功", ""],  # not of this batch
            ["P002", "3000.00", "失败", "账户已销户"],
        ),
    )
    assert result.paid == ["P000"]
    assert result.failed == [("P002", "账户已销户")]
    assert [(line, number) for line, number, _why in result.problems] == [(3, "P001"), (4, "P000"), (5, "P999")]
    assert services.balance(fund) == 900_000 and services.balance(payees[0]) == 100_000
    assert services.balance(payees[1]) == 0 and services.balance(payees[2]) == 0
    assert Payment.objects.get(number="P002").failure_reason == "账户已销户"
    made.refresh_from_db()
    assert made.status != BatchStatus.RECONCILED  # P001 is still open
    # The same file again: nothing posted twice.
    again = payments.reconcile(actor=actor, batch=made, content=_return_file(["P000", "1000.00", "成功", ""]))
    assert again.paid == [] and again.already_paid == ["P000"]
    assert Journal.objects.filter(idempotency_key="payment:P000").count() == 1
    assert services.balance(fund) == 900_000
    # The bank's corrected line for P001 closes the batch.
    last = payments.reconcile(actor=actor, batch=made, content=_return_file(["P001", "2000.00", "成功", ""]))
    assert last.paid == ["P001"] and last.clean
    made.refresh_from_db()
    assert made.status == BatchStatus.RECONCILED
    assert services.balance(fund) == 700_000


def test_a_file_that_is_not_a_return_file_is_refused(batch: Any) -> None:
    from django.core.exceptions import ValidationError

    actor, fund, _payees, made = batch
    with pytest.raises(ValidationError, match="回单"):
        payments.reconcile(actor=actor, batch=made, content="支付编号,金额\nP000,1\n".encode())
    assert services.balance(fund) == 1_000_000


def test_a_batch_refuses_bad_payments_whole(batch: Any) -> None:
    from django.core.exceptions import ValidationError

    actor, fund, payees, _made = batch
    with pytest.raises(ValidationError):
        payments.batch_create(
            actor=actor,
            reference="坏批次",
            fund=fund,
            payments=[
                payments.PaymentInput("Q1", payees[0], "企业0", "6222", 100, "x"),
                payments.PaymentInput("Q2", payees[1], "企业1", "62a2", 100, "x"),  # not digits
                payments.PaymentInput("Q3", fund, "资金", "6222", 100, "x"),  # not a payee
            ],
        )
    assert not Payment.objects.filter(number__startswith="Q").exists()
