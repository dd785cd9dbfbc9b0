"""What a program's rule is made of: its parameters (dated, region-scoped data the city admin
sets), the facts it reads, and its decision (eligible or not, the amount in 分 and the reasons).

A rule is a pure function ``evaluate(facts, params) -> Decision``: no database, no clock. The
same facts and parameters always give the same decision, which is why a decision can be stored
with the facts and parameters it was made from and checked again later.

Rates are integers of 万分之一 (basis points: 6000 is 60%), amounts integers of 分: nothing here
is a float."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiuye.core.money import format_yuan

BP = 10_000  # basis points in one


class ParamKind(StrEnum):
    FEN = "fen"  # an amount in 分, entered and shown in 元
    BP = "bp"  # a rate in 万分之一, entered and shown as a percentage
    COUNT = "count"  # a whole number (months, persons, times)
    CODES = "codes"  # a list of codes from ``choices``


@dataclass(frozen=True)
class ParamSpec:
    key: str
    label: Any
    kind: ParamKind
    default: Any
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""


class FactKind(StrEnum):
    FEN = "fen"
    BP = "bp"
    COUNT = "count"
    DATE = "date"
    CHOICE = "choice"
    TEXT = "text"


@dataclass(frozen=True)
class FactField:
    """A fact an application states (for programs whose facts are not held here)."""

    key: str
    label: Any
    kind: FactKind
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""


class Payee(StrEnum):
    EMPLOYER = "employer"
    PERSON = "person"


class Period(StrEnum):
    YEAR = "year"  # once per beneficiary and year
    MONTH = "month"  # once per beneficiary and month
    ONCE = "once"  # once per beneficiary, ever
    EVENT = "event"  # once per beneficiary and event named by the application (a certificate)


class Fund(StrEnum):
    EMPLOYMENT = "employment"  # 就业补助资金
    UNEMPLOYMENT_INSURANCE = "ui"  # 失业保险基金


FUND_LABELS = {Fund.EMPLOYMENT: _("就业补助资金"), Fund.UNEMPLOYMENT_INSURANCE: _("失业保险基金")}


@dataclass(frozen=True)
class Decision:
    eligible: bool
    amount: int  # 分; 0 when not eligible
    reasons: tuple[str, ...]
    failed: tuple[str, ...] = ()  # the short name of each condition not met (for a run's tally)


@dataclass(frozen=True)
class Program:
    """One policy program. ``held`` programs read facts already held (the 免申即享 batch can find
    their beneficiaries); the others take the facts an application states (``fields``)."""

    code: str
    name: Any
    basis: Any  # the policy basis, one line
    payee: Payee
    period: Period
    fund: Fund
    params: tuple[ParamSpec, ...]
    evaluate: Callable[[Mapping[str, Any], Mapping[str, Any]], Decision]
    held: bool = False
    fields: tuple[FactField, ...] = ()
    event_fields: tuple[str, ...] = ()  # for ``Period.EVENT``: the facts that name the event
    counts_persons: bool = True  # its beneficiaries are counted in 享受就业政策扶持人数
    applicable: bool = True  # False: paid only by its run over records held elsewhere (a loan's 贴息)
    order: int = 100
    notes: tuple[Any, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, Any]:
        return {p.key: p.default for p in self.params}

    def spec(self, key: str) -> ParamSpec:
        for p in self.params:
            if p.key == key:
                return p
        raise KeyError(key)


class Reasons:
    """Collects a decision's reasons: each condition met or failed, in order, in Chinese."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed: list[str] = []

    def check(self, ok: bool, text: str, why: Any) -> bool:
        """One condition: ``text`` says what was found, ``why`` names the condition (短名)."""
        self.lines.append(("✓ " if ok else "✗ ") + text)
        if not ok:
            self.failed.append(str(why))
        return ok

    def note(self, text: str) -> None:
        self.lines.append(text)

    def decide(self, amount: int) -> Decision:
        if not self.failed and amount <= 0:
            self.check(False, str(_("计算金额为零。")), _("金额为零"))
        if self.failed:
            return Decision(False, 0, tuple(self.lines), tuple(self.failed))
        return Decision(True, amount, tuple(self.lines))


def percent(bp: int) -> str:
    """Basis points as a percentage, exactly: 550 → "5.5%", 6000 → "60%", 333 → "3.33%"."""
    whole, rest = divmod(abs(int(bp)), 100)
    sign = "-" if bp < 0 else ""
    return f"{sign}{whole}.{rest:02d}".rstrip("0").rstrip(".") + "%"


def apply_rate(fen: int, bp: int) -> int:
    """``fen`` × ``bp``/10000, rounded half up to the 分 (integers only)."""
    return (fen * bp + BP // 2) // BP


def yuan(fen: int) -> str:
    return format_yuan(fen) + str(_("元"))


def full_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (1 March to 31 August is 5; to 1 September, 6)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def label_of(choices: Sequence[tuple[str, Any]], code: str) -> str:
    return str(dict(choices).get(code, code))
