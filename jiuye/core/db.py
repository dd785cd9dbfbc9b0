"""Transactions that retry a conflict instead of showing it (security bar C-4).

Two clerks' writes can deadlock on PostgreSQL: every writing transaction ends by locking the
audit chain's head, and some go on to update a household after it, so one that holds a household
and waits for the head can meet one that holds the head and waits for the household. PostgreSQL
then aborts one of them (SQLSTATE 40P01); a serializable transaction can likewise fail with 40001,
and a SQLite writer can give up with "database is locked" after its busy timeout. None of these
is the user's error: the transaction is run again, from the start, after a short random pause.

``retrying_atomic`` replaces ``transaction.atomic`` on services. Only the outermost transaction
retries (an inner one cannot: its caller's transaction is already aborted); before a retry, the
model instances passed in are read again, so the second attempt starts from the database as it
now is (an optimistic-lock check then sees the other clerk's change, as it should).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import OperationalError, connection, models, transaction

log = logging.getLogger(__name__)

ATTEMPTS = 4
PAUSE = 0.05  # seconds; doubled at each attempt, with jitter
CONFLICT_STATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
BUSY_RETRY_AFTER = 5  # seconds, in the 503 answered when every attempt conflicted

F = TypeVar("F", bound=Callable[..., Any])


class Busy(Exception):
    """Still in conflict after every attempt: the request is answered 503, to be tried again."""


def is_conflict(exc: BaseException) -> bool:
    """A transient conflict between transactions, as opposed to a real error."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in CONFLICT_STATES:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def _outermost() -> bool:
    """No transaction of the application's is open (a test case's own does not count)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _reread(values: Any) -> None:
    for value in values:
        if isinstance(value, models.Model) and value.pk is not None and not value._state.adding:
            with suppress(ObjectDoesNotExist):  # gone meanwhile: the next attempt says so itself
                value.refresh_from_db()


def pause(attempt: int) -> None:
    """Wait before attempt ``attempt + 1``: doubling, with jitter so that two rivals part."""
    time.sleep(PAUSE * 2 ** (attempt - 1) * (0.5 + random.random()))  # noqa: S311 (jitter, not a secret)


def retrying_atomic(func: F) -> F:
    """``transaction.atomic`` that runs the function again on a conflict, when outermost."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _outermost():
            with transaction.atomic():
                return func(*args, **kwargs)
        attempt = 1
        while True:
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as exc:
                if not is_conflict(exc):
                    raise
                if attempt >= ATTEMPTS:
                    log.warning("conflict in %s persisted after %d attempts", func.__qualname__, attempt)
                    raise Busy from exc
                log.info("conflict in %s (attempt %d), retrying", func.__qualname__, attempt)
                pause(attempt)
                _reread(args)
                _reread(kwargs.values())
                attempt += 1

    return cast(F, wrapper)
