"""Money is integer 分 (fen) from the first line. 元 exists only at the edges: parsed from what a
person typed or a spreadsheet holds, and printed for a person to read. Never a float: 0.1 + 0.2
is not 0.3 in binary, and a payment ledger must add up to the 分.

One grammar for every entry point (forms, API, imports): an optional ¥ or ￥, digits (thousands
separated by commas or not), at most two decimals, an optional 元; full-width digits and blanks
are accepted. More than two decimals is refused, never rounded. ``yuan_expr`` is the same
grammar column-wise for the imports (polars), proven equal to ``parse_yuan`` by a property test.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import polars as pl
from django.utils.translation import gettext as _

from jiuye.core.text import to_halfwidth

FEN_PER_YUAN = 100
MAX_FEN = 10**15  # 10 万亿元: more than any budget, far inside a 64-bit integer

# What is stripped before the number is read: blanks, the currency sign, the unit, thousands commas.
_NOISE = r"[\s,¥￥元]"
_YUAN = r"^(-?)([0-9]{1,13})(?:\.([0-9]{1,2}))?$"
_NOISE_RE = re.compile(_NOISE)
_YUAN_RE = re.compile(_YUAN)


class MoneyError(ValueError):
    """An amount that cannot be read; the message is for the user, in Chinese."""


def parse_yuan(text: str, *, negative: bool = False) -> int:
    """``"1,234.5"`` → 123450 (分). Raises ``MoneyError`` with the reason."""
    cleaned = _NOISE_RE.sub("", to_halfwidth(str(text)))
    match = _YUAN_RE.match(cleaned)
    if match is None:
        if re.match(r"^-?[0-9]+\.[0-9]{3,}$", cleaned):
            raise MoneyError(_("金额最多两位小数（到分）。"))
        raise MoneyError(_("金额应为数字，如 4500 或 4,500.50（单位：元）。"))
    sign, whole, cents = match.groups()
    if sign and not negative:
        raise MoneyError(_("金额不能为负数。"))
    fen = int(whole) * FEN_PER_YUAN + int((cents or "").ljust(2, "0"))
    if fen > MAX_FEN:
        raise MoneyError(_("金额过大。"))
    return -fen if sign else fen


def yuan_to_fen(value: Decimal | int | str) -> int:
    """An amount in 元 given as a Decimal, an int or text, to 分, exactly. A float is refused: it
    may already have lost the 分."""
    if isinstance(value, bool | float):
        raise TypeError("money is never a float")
    if isinstance(value, int):
        return value * FEN_PER_YUAN
    if isinstance(value, Decimal):
        try:
            fen = value * FEN_PER_YUAN
            if fen != fen.to_integral_value():
                raise MoneyError(_("金额最多两位小数（到分）。"))
            return int(fen)
        except InvalidOperation as exc:
            raise MoneyError(_("金额应为数字，如 4500 或 4,500.50（单位：元）。")) from exc
    return parse_yuan(value, negative=True)


def fen_to_yuan(fen: int) -> Decimal:
    """分 to an exact Decimal of 元 (for a form's initial value)."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_yuan(fen: int | None, *, grouping: bool = True) -> str:
    """分 as 元 for a person to read: ``123450`` → ``"1,234.50"``; ``None`` → ``""``."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    text = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{text}.{cents:02d}"


def yuan_expr(column: str) -> pl.Expr:
    """``parse_yuan`` over a column of text (non-negative amounts): 分 as Int64, null where the
    text is not an amount (the caller reports those rows). Text operations only, no float."""
    cleaned = pl.col(column).str.replace_all(_NOISE, "")
    shaped = cleaned.str.contains(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")
    whole = cleaned.str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False)
    cents = cleaned.str.extract(r"\.([0-9]{1,2})$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False).fill_null(0)
    fen = whole * FEN_PER_YUAN + cents
    return pl.when(shaped & (fen <= MAX_FEN)).then(fen).otherwise(None)
