"""The bank's files, as pure functions: the payment file the bureau sends (支付文件) and the
return file the bank sends back (回单文件). The layout is documented in `docs/operations.md`.

Payment file (UTF-8 with BOM, comma-separated, one header row):
    支付编号, 收款人, 银行账号, 金额（元）, 用途
Return file (the same encoding; the bank writes one row per payment it handled):
    支付编号, 金额（元）, 结果 (成功 / 失败), 失败原因
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from jiuye.core import money

PAYMENT_HEADER = ["支付编号", "收款人", "银行账号", "金额（元）", "用途"]
RETURN_HEADER = ["支付编号", "金额（元）", "结果", "失败原因"]
PAID, FAILED = "成功", "失败"


@dataclass(frozen=True)
class OutgoingRow:
    number: str
    payee_name: str
    bank_account: str
    amount: int  # 分
    purpose: str


def payment_file(rows: Iterable[OutgoingRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PAYMENT_HEADER)
    for row in rows:
        writer.writerow(
            [row.number, row.payee_name, row.bank_account, money.format_yuan(row.amount, grouping=False), row.purpose]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class ReturnRow:
    line: int  # the row's number in the file (the header is row 1)
    number: str
    amount: int | None  # 分; None when unreadable
    paid: bool | None  # None when the result is neither 成功 nor 失败
    reason: str
    raw_amount: str


def read_return_file(content: bytes) -> list[ReturnRow]:
    """The rows of a return file; a missing or different header is a ValueError (not our file)."""
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows or [c.strip() for c in rows[0][:4]] != RETURN_HEADER:
        raise ValueError("not a return file: the header must be " + ",".join(RETURN_HEADER))
    found = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = [*cells, "", "", "", ""][:4]
        number, raw_amount, result, reason = (c.strip() for c in cells)
        try:
            amount: int | None = money.parse_yuan(raw_amount)
        except money.MoneyError:
            amount = None
        paid = True if result == PAID else False if result == FAILED else None
        found.append(ReturnRow(line, number, amount, paid, reason, raw_amount))
    return found
