"""Writes on the ledger: opening accounts, posting journals and reversing them. Each is atomic and
audited. Amounts are integers of 分 and nothing else (a float, a Decimal, a bool is refused)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.money import format_yuan
from jiuye.ledger import actions
from jiuye.ledger.models import Account, AccountKind, Journal, Line

MAX_LINES = 1000


@dataclass(frozen=True)
class Entry:
    """One line to post: the account and the 分 it receives (+) or gives (−)."""

    account: Account
    amount: int


def entries_errors(entries: Sequence[Entry]) -> list[str]:
    """Why these lines cannot make a journal (empty when they can): the rule, without the database."""
    errors = []
    if len(entries) < 2:
        errors.append(_("一张凭证至少两条分录。"))
    if len(entries) > MAX_LINES:
        errors.append(_("一张凭证最多 %(n)d 条分录。") % {"n": MAX_LINES})
    for entry in entries:
        if type(entry.amount) is not int:  # not a bool, a float or a Decimal: integer 分 only
            errors.append(_("金额必须是整数分。"))
            return errors
        if entry.amount == 0:
            errors.append(_("分录金额不能为零。"))
        if abs(entry.amount) > money.MAX_FEN:
            errors.append(_("分录金额过大。"))
    if not errors and sum(e.amount for e in entries) != 0:
        errors.append(
            _("借贷不平衡：分录合计 %(total)s 元，应为零。") % {"total": format_yuan(sum(e.amount for e in entries))}
        )
    return errors


def balance(account: Account) -> int:
    """The account's balance in 分: the sum of its posted lines."""
    total = Line.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


@retrying_atomic
def account_open(*, actor: Any, code: str, name: str, kind: str, region_code: str, year: int | None = None) -> Account:
    if kind not in AccountKind.values:
        raise ValidationError({"kind": _("请选择账户类别。")})
    if not code.strip() or not name.strip():
        raise ValidationError({"code": _("账户代码和名称不能为空。")})
    if Account.objects.filter(code=code.strip()).exists():
        raise ValidationError({"code": _("账户代码已存在。")})
    account = Account.objects.create(
        code=code.strip(), name=name.strip(), kind=kind, region_code=region_code, year=year
    )
    audit_record(action=actions.ACCOUNT_OPEN, actor=actor, obj=account, after={"code": account.code, "kind": kind})
    return account


class Refused(ValidationError):
    """A journal the ledger will not post: unbalanced, not integer 分, or a fund below zero."""


def post(
    *,
    actor: Any,
    entries: Sequence[Entry],
    memo: str,
    region_code: str,
    idempotency_key: str | None = None,
    reverses: Journal | None = None,
) -> Journal:
    """Post one journal. The same ``idempotency_key`` again returns the journal already posted
    (whoever submitted it, however many times at once) and posts nothing."""
    errors = entries_errors(entries)
    if errors:
        raise Refused(errors)
    if idempotency_key is not None:
        existing = Journal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_or_refused(existing, entries)
    try:
        return _post(
            actor=actor,
            entries=entries,
            memo=memo,
            region_code=region_code,
            idempotency_key=idempotency_key,
            reverses=reverses,
        )
    except IntegrityError:
        # Another request posted the same key (or reversed the same journal) first: its journal stands.
        if idempotency_key is None:
            raise
        existing = Journal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_or_refused(existing, entries)


def _same_or_refused(existing: Journal, entries: Sequence[Entry]) -> Journal:
    posted = sorted((line.account_id, line.amount) for line in existing.lines.all())
    asked = sorted((e.account.pk, e.amount) for e in entries)
    if posted != asked:
        raise Refused(_("幂等键已用于另一笔不同的记账（凭证 #%(id)d）。") % {"id": existing.pk})
    return existing


@retrying_atomic
def _post(
    *,
    actor: Any,
    entries: Sequence[Entry],
    memo: str,
    region_code: str,
    idempotency_key: str | None,
    reverses: Journal | None,
) -> Journal:
    # The fund accounts that give money are locked in one order (no deadlock between two
    # postings), and their balance after this journal must not be below zero.
    giving = sorted({e.account.pk for e in entries if e.amount < 0})
    funds = list(Account.objects.select_for_update().filter(pk__in=giving, kind=AccountKind.FUND).order_by("pk"))
    with transaction.atomic():  # a savepoint: the unique key's refusal leaves the outer transaction usable
        journal = Journal.objects.create(
            region_code=region_code,
            memo=memo[:200],
            idempotency_key=idempotency_key,
            reverses=reverses,
            posted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Line.objects.bulk_create([Line(journal=journal, account=e.account, amount=e.amount) for e in entries])
    for fund in funds:
        after = balance(fund)
        if after < 0:
            raise Refused(
                _("资金账户“%(name)s”余额不足：记账后为 %(after)s 元。")
                % {"name": fund.name, "after": format_yuan(after)}
            )
    audit_record(
        action=actions.JOURNAL_REVERSE if reverses else actions.JOURNAL_POST,
        actor=actor,
        obj=journal,
        after={
            "memo": journal.memo,
            "key": idempotency_key or "",
            "lines": [[e.account.code, e.amount] for e in entries],
            "reverses": reverses.pk if reverses else None,
        },
    )
    return journal


def reverse(*, actor: Any, journal: Journal, memo: str) -> Journal:
    """The journal's mirror (冲销): every line negated, posted once; the original stays as it was."""
    if journal.reverses_id is not None:
        raise Refused(_("冲销凭证不能再被冲销；如需更正，请重新记账。"))
    lines = list(journal.lines.select_related("account"))
    return post(
        actor=actor,
        entries=[Entry(line.account, -line.amount) for line in lines],
        memo=memo or _("冲销凭证 #%(id)d") % {"id": journal.pk},
        region_code=journal.region_code,
        idempotency_key=f"reversal:{journal.pk}",
        reverses=journal,
    )
