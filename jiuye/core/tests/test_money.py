"""Money in integer 分: one grammar for every entry point, the column-wise form equal to it, and
no float anywhere on a money path."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuye.conftest import ROOT
from jiuye.core import money
from jiuye.core.tests.fuzzing import fuzz_settings


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("4500", 450000),
        ("4500.5", 450050),
        ("4,500.50", 450050),
        ("￥4500元", 450000),
        ("¥ 12,345,678.09", 1234567809),
        ("４５００．５０", 450050),  # full-width, as typed with a Chinese input method
        (" 7 ", 700),
        ("0.01", 1),
    ],
)
def test_what_the_field_types_is_read_to_the_fen(text: str, fen: int) -> None:
    assert money.parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("4500.505", "两位小数"),
        ("1e3", "应为数字"),
        ("", "应为数字"),
        ("-5", "负数"),
        ("4.5.6", "应为数字"),
        ("NaN", "应为数字"),
        ("²", "应为数字"),
        ("99999999999999", "应为数字"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(money.MoneyError, match=reason):
        money.parse_yuan(text)


def test_a_negative_amount_only_where_allowed() -> None:
    assert money.parse_yuan("-12.30", negative=True) == -1230


def test_formatting_and_decimals() -> None:
    assert money.format_yuan(123450) == "1,234.50"
    assert money.format_yuan(-5) == "-0.05"
    assert money.format_yuan(None) == ""
    assert money.format_yuan(100000000, grouping=False) == "1000000.00"
    assert money.fen_to_yuan(450050) == Decimal("4500.50")
    assert money.yuan_to_fen(Decimal("4500.50")) == 450050
    assert money.yuan_to_fen(12) == 1200
    with pytest.raises(money.MoneyError):
        money.yuan_to_fen(Decimal("0.001"))
    with pytest.raises(TypeError):
        money.yuan_to_fen(0.1)  # type: ignore[arg-type]


@fuzz_settings()
@given(st.integers(min_value=0, max_value=money.MAX_FEN))
def test_printed_amounts_read_back_to_the_same_fen(fen: int) -> None:
    assert money.parse_yuan(money.format_yuan(fen)) == fen
    assert money.parse_yuan(money.format_yuan(fen, grouping=False)) == fen


AMOUNT_TEXT = st.one_of(
    st.from_regex(r"\A[¥￥]?[0-9]{1,14}(\.[0-9]{0,3})?元?\Z"),
    st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){0,3}(\.[0-9]{1,2})?\Z"),
    st.text(alphabet="0123456789.,-¥元 x", max_size=12),
)


@fuzz_settings()
@given(st.lists(AMOUNT_TEXT, min_size=1, max_size=30))
def test_the_import_reads_amounts_exactly_as_the_forms_do(texts: list[str]) -> None:
    """The column-wise form (polars, for the imports) and ``parse_yuan`` agree on every text."""
    column = pl.DataFrame({"a": texts}).select(money.yuan_expr("a")).to_series().to_list()
    for text, fen in zip(texts, column, strict=True):
        try:
            expected: int | None = money.parse_yuan(text)
        except money.MoneyError:
            expected = None
        assert fen == expected, text


MONEY_MODULES = [ROOT / "jiuye" / "core" / "money.py", ROOT / "jiuye" / "core" / "templatetags" / "money.py"]


# Every module of the packages that move money, whether or not it imports the money module.
MONEY_PACKAGES = [ROOT / "jiuye" / "ledger", ROOT / "jiuye" / "programs"]


def _modules_using_money() -> list[Path]:
    found = list(MONEY_MODULES)
    for package in MONEY_PACKAGES:
        found += [p for p in sorted(package.rglob("*.py")) if "tests" not in p.parts and "migrations" not in p.parts]
    for path in (ROOT / "jiuye").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path in found:
            continue
        if "jiuye.core.money" in path.read_text(encoding="utf-8") or "from jiuye.core import money" in path.read_text(
            encoding="utf-8"
        ):
            found.append(path)
    return found


def test_no_float_on_a_money_path() -> None:
    """No ``float(``, float literal or ``Float64`` in the money module or in a module that uses it
    (the one exception: ``yuan_to_fen`` names ``float`` to refuse it)."""
    offenders = []
    for path in _modules_using_money():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno} float literal")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "float":
                offenders.append(f"{path.name}:{node.lineno} float()")
            elif isinstance(node, ast.Attribute) and node.attr in ("Float64", "Float32"):
                offenders.append(f"{path.name}:{node.lineno} {node.attr}")
    assert offenders == []
    assert len(_modules_using_money()) > len(MONEY_MODULES)  # the scan sees the users too
