"""GB 11643 ID numbers, with property tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.registry import idcard

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    return idcard.make(draw(regions), draw(births), draw(sequences))


@given(valid_numbers())
def test_every_valid_number_is_accepted(number: str) -> None:
    info = idcard.parse(number)
    assert info.number == number
    assert info.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.gender == ("M" if int(number[16]) % 2 else "F")


@settings(max_examples=300)
@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_every_single_character_change_is_rejected(number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    index = alphabet.index(number[position])
    changed = number[:position] + alphabet[(index + shift) % len(alphabet)] + number[position + 1 :]
    if changed != number:
        assert not idcard.is_valid(changed)


@settings(max_examples=300)
@given(valid_numbers(), st.integers(min_value=0, max_value=16))
def test_every_swap_of_adjacent_digits_is_rejected(number: str, position: int) -> None:
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not idcard.is_valid(swapped)


def test_lowercase_x_full_width_digits_and_spaces_are_normalised() -> None:
    number = idcard.make("610902", date(1990, 1, 1), 5)
    while not number.endswith("X"):
        number = idcard.make("610902", date(1990, 1, 1), int(number[14:17]) + 1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    assert idcard.parse(f" {full_width} ").number == number


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("610902900101123", "15位"),
        ("61090219900101123", "18位"),
        ("6109021990010112AX", "只能由数字"),
        ("610902199002301234", "出生日期"),
        ("610902189912311234", "出生日期"),
        ("610902209912311234", "出生日期"),
    ],
)
def test_bad_numbers_have_clear_reasons(raw: str, fragment: str) -> None:
    with pytest.raises(idcard.IdNumberError, match=fragment):
        idcard.parse(raw)


def test_a_wrong_check_digit_says_so() -> None:
    number = idcard.make("610902", date(1990, 1, 1), 123)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(idcard.IdNumberError, match="校验位"):
        idcard.parse(wrong)


@given(valid_numbers())
def test_the_mask_hides_birth_date_and_sequence_and_keeps_the_length(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert masked[6:14] == "********"


def test_phone_mask() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_the_log_scanner_finds_clear_ids_and_phones_and_nothing_else() -> None:
    from jiuye.conftest import clear_personal_data
    from jiuye.registry import idcard as ids

    valid = ids.make("610924", date(1990, 1, 1), 123)
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # a wrong check character
    text = f"INFO x person {valid} phone 13812345678 id {broken} masked 610924********123X ts 1732659200123"
    assert clear_personal_data(text) == [valid, "13812345678"]


@settings(max_examples=200)
@given(
    valid_numbers(),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(["²", "³", "¹", "٦", "१", "߁", "①", "𝟙"]),
)
def test_digits_of_other_scripts_are_refused_not_crashed_on(number: str, position: int, digit: str) -> None:
    """str.isdigit accepts ² (which int() refuses) and other scripts' digits: each is a clear
    reason, never an exception (a superscript digit used to crash the check with ValueError)."""
    mangled = number[:position] + digit + number[position + 1 :]
    with pytest.raises(idcard.IdNumberError):
        idcard.parse(mangled)


def _numbers() -> Any:
    from hypothesis import strategies as st

    valid = st.builds(
        lambda region, born, seq: idcard.make(region, born, seq),
        st.sampled_from(["610924", "610902", "110101"]),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 11, 30)),
        st.integers(0, 999),
    )
    mutated = st.builds(
        lambda number, at, digit: number[:at] + digit + number[at + 1 :],
        valid,
        st.integers(0, 17),
        st.sampled_from(list("0123456789X")),
    )
    return st.one_of(
        valid,
        mutated,
        valid.map(lambda n: n[:15]),  # the old 15 digits
        valid.map(lambda n: n[:17] + "x"),
        st.from_regex(r"\A[0-9]{6}(18|19|20|99)[0-9]{2}(0[0-9]|1[0-3])[0-3][0-9][0-9]{3}[0-9X]\Z"),
        st.text(alphabet="0123456789X²a ", min_size=1, max_size=20),
    )


def test_the_import_checks_id_numbers_exactly_as_the_forms_do() -> None:
    """``idcard.column_checks`` (polars, the imports) and ``idcard.parse`` (forms, API) agree on
    every number: the same verdict and the same first reason."""
    import polars as pl
    from hypothesis import given
    from hypothesis import strategies as st

    from jiuye.core.tests.fuzzing import fuzz_settings

    today = date(2026, 12, 1)

    @fuzz_settings()
    @given(st.lists(_numbers(), min_size=1, max_size=40))
    def check(raw: list[str]) -> None:
        numbers = [idcard.normalize(n) for n in raw]
        numbers = [n for n in numbers if n]
        _birth, valid, rules = idcard.column_checks(pl.col("n"), today=today)
        frame = pl.DataFrame({"n": numbers}, schema={"n": pl.Utf8}).select(
            valid.fill_null(False).alias("valid"),
            *(bad.fill_null(False).alias(f"r{i}") for i, (bad, _r) in enumerate(rules)),
        )
        for number, found in zip(numbers, frame.iter_rows(named=True), strict=True):
            try:
                idcard.parse(number, today=today)
                expected: str | None = None
            except idcard.IdNumberError as exc:
                expected = str(exc)
            first = next((reason for i, (_bad, reason) in enumerate(rules) if found[f"r{i}"]), None)
            assert (found["valid"], first) == (expected is None, expected), number

    check()
