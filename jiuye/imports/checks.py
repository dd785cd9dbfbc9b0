"""Column-wise checks for import kinds: each rule is a polars expression over a whole batch, and
the rows it hits are reported with their row, column, value and reason. A rule that is not an
expression (dates as the field writes them, lists of labels, check characters) runs once per
*distinct* value of the batch (``per_value``) and is looked up column-wise (``lookup``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from jiuye.imports.kinds import Batch

# (key, the expression that is true for a bad row, the reason)
Rule = tuple[str, pl.Expr, str]


def apply_rules(frame: pl.DataFrame, batch: Batch, rules: list[Rule], headers: dict[str, str]) -> None:
    """Evaluate every rule over the batch in one pass; report each hit with its row and value."""
    if not rules:
        return
    keys = sorted({key for key, _bad, _reason in rules})
    masks = frame.select(
        "__row", *keys, *(bad.fill_null(False).alias(f"__rule{i}") for i, (_k, bad, _r) in enumerate(rules))
    )
    hits = masks.filter(pl.any_horizontal(pl.col(f"__rule{i}") for i in range(len(rules))))
    if hits.is_empty():
        return
    for i, (key, _bad, reason) in enumerate(rules):
        for row, value in hits.filter(pl.col(f"__rule{i}")).select("__row", key).iter_rows():
            batch.reject(row, headers[key], value or "", reason)


def lookup(key: str, mapping: dict[Any, Any], dtype: Any) -> pl.Expr:
    """``mapping[value]`` for a column, null where the value is not a key."""
    if not mapping:
        return pl.lit(None, dtype=dtype)
    return pl.col(key).replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=dtype)


def per_value(frame: pl.DataFrame, key: str, check: Callable[[str], Any]) -> dict[str, Any]:
    """A rule that is not an expression, run once per distinct non-empty value of the batch."""
    return {value: check(value) for value in frame.get_column(key).unique().to_list() if value}


def report_rows(frame: pl.DataFrame, bad: pl.Expr, key: str, column: str, reason: str, batch: Batch) -> None:
    """Report the rows of ``frame`` that ``bad`` selects, after validation (by the committer)."""
    for row, value in frame.filter(bad).select("__row", key).iter_rows():
        batch.reject(row, column, value or "", reason)
