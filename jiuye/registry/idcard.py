"""居民身份证号码 (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence (odd for
men, even for women), and an ISO 7064 MOD 11-2 check character (0–9 or X). Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.utils.translation import gettext as _

from jiuye.core.text import to_halfwidth

_ASCII_DIGITS = re.compile(r"[0-9]+")
# ISO 7064 MOD 11-2: the weight of each of the first 17 digits, and the check character of each
# remainder (the import checks whole columns with the same two constants).
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "M" or "F"


class IdNumberError(ValueError):
    """A reason in plain Chinese."""


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """Full-width characters (as typed with a Chinese input method) folded, blanks removed, ``x`` → ``X``."""
    return to_halfwidth(raw).strip().replace(" ", "").upper()


def parse(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an ID number and return what it encodes; raises IdNumberError with the reason."""
    number = normalize(raw)
    if len(number) == 15 and _ASCII_DIGITS.fullmatch(number):
        raise IdNumberError(_("15位旧身份证号码不再受理，请填写18位公民身份号码。"))
    if len(number) != 18:
        raise IdNumberError(_("公民身份号码应为18位。"))
    # ASCII only: str.isdigit also accepts ² and other scripts' digits, which int() refuses.
    if not _ASCII_DIGITS.fullmatch(number[:17]) or not (_ASCII_DIGITS.fullmatch(number[17]) or number[17] == "X"):
        raise IdNumberError(_("公民身份号码只能由数字组成，最后一位可以是X。"))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError(_("公民身份号码中的出生日期无效。")) from exc
    if birth.year < 1900 or birth > (today or date.today()):
        raise IdNumberError(_("公民身份号码中的出生日期无效。"))
    if check_character(number[:17]) != number[17]:
        raise IdNumberError(_("公民身份号码校验位错误，请核对。"))
    return IdInfo(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def column_checks(number: pl.Expr, *, today: date) -> tuple[pl.Expr, pl.Expr, list[tuple[pl.Expr, str]]]:
    """``parse`` over a column of normalised numbers (``normalize``: upper case, no blanks), for
    the imports: the birth date each encodes (null where malformed), whether each is valid, and the
    rules that refuse a bad one, each with ``parse``'s reason. A property test proves both agree."""
    digits = [number.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    remainder = pl.sum_horizontal(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    expected = remainder.replace_strict(list(range(11)), list(CHECK_CHARACTERS), default=None, return_dtype=pl.Utf8)
    shaped = number.str.contains(r"^[0-9]{17}[0-9X]$")
    birth = pl.when(shaped).then(number.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)).otherwise(None)
    dated = birth.is_not_null() & (birth >= date(1900, 1, 1)) & (birth <= today)
    valid = shaped & dated & (expected == number.str.slice(17, 1))
    old = number.str.contains(r"^[0-9]{15}$")
    rules = [
        (old, _("15位旧身份证号码不再受理，请填写18位公民身份号码。")),
        ((number != "") & ~old & (number.str.len_chars() != 18), _("公民身份号码应为18位。")),
        ((number.str.len_chars() == 18) & ~shaped, _("公民身份号码只能由数字组成，最后一位可以是X。")),
        (shaped & ~dated, _("公民身份号码中的出生日期无效。")),
        (shaped & dated & ~valid, _("公民身份号码校验位错误，请核对。")),
    ]
    return birth, valid, rules


def make(prefix6: str, birth: date, sequence: int) -> str:
    """A valid number for a region, birth date and 3-digit sequence (test and demo data)."""
    body = f"{prefix6}{birth:%Y%m%d}{sequence:03d}"
    return body + check_character(body)
