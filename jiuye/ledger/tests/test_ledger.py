"""The ledger's rules: every journal balances in integer 分, posted rows never change, a fund never
goes below zero, a reversal restores the balances once, and the same payment submitted many
times at once posts once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiuye.accounts.models import User
from jiuye.conftest import make_user
from jiuye.ledger import services
from jiuye.ledger.models import Account, AccountKind, Journal, Line
from jiuye.ledger.services import Entry, Refused

COUNTY = "610924000000"


def _accounts(actor: Any) -> dict[str, Account]:
    def open_(code: str, kind: str) -> Account:
        return services.account_open(actor=actor, code=code, name=code, kind=kind, region_code=COUNTY, year=2026)

    return {
        "budget": open_("appropriation:2026", AccountKind.APPROPRIATION),
        "fund": open_("fund:central:2026", AccountKind.FUND),
        "program": open_("program:wage-refund", AccountKind.PROGRAM),
        "payee": open_("payee:employer:1", AccountKind.PAYEE),
    }


@pytest.fixture
def books(db: Any) -> tuple[User, dict[str, Account]]:
    actor = make_user("finance", "city_admin", "610900000000")
    accounts = _accounts(actor)
    services.post(
        actor=actor,
        entries=[Entry(accounts["fund"], 1_000_000), Entry(accounts["budget"], -1_000_000)],
        memo="下达就业资金 1 万元",
        region_code=COUNTY,
    )
    return actor, accounts


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(amounts=st.lists(st.integers(-500_000, 500_000).filter(bool), min_size=1, max_size=6))
def test_every_posted_journal_balances_and_balances_are_sums(amounts: list[int]) -> None:
    actor = make_user(f"h{abs(hash(tuple(amounts))) % 10**9}", "city_admin", "610900000000")
    a = {
        k: Account.objects.create(code=f"{k}:{actor.pk}", name=k, kind=kind, region_code=COUNTY)
        for k, kind in (("x", AccountKind.PROGRAM), ("y", AccountKind.PAYEE), ("z", AccountKind.BANK))
    }
    entries = [Entry(a["x"] if i % 2 else a["y"], amount) for i, amount in enumerate(amounts)]
    entries.append(Entry(a["z"], -sum(amounts))) if sum(amounts) else None
    refusal = services.entries_errors(entries)
    if refusal:
        with pytest.raises(Refused):
            services.post(actor=actor, entries=entries, memo="性质测试", region_code=COUNTY)
        return
    journal = services.post(actor=actor, entries=entries, memo="性质测试", region_code=COUNTY)
    assert sum(journal.lines.values_list("amount", flat=True)) == 0
    for key, account in a.items():
        assert services.balance(account) == sum(e.amount for e in entries if e.account == account), key


def test_what_is_not_integer_fen_or_does_not_balance_is_refused(books: tuple[User, dict[str, Account]]) -> None:
    actor, a = books
    before = Line.objects.count()
    for entries, reason in (
        ([Entry(a["program"], 100)], "至少两条"),
        ([Entry(a["program"], 100), Entry(a["fund"], -99)], "借贷不平衡"),
        ([Entry(a["program"], 100.0), Entry(a["fund"], -100)], "整数分"),  # type: ignore[arg-type]
        ([Entry(a["program"], Decimal("1.00")), Entry(a["fund"], -1)], "整数分"),  # type: ignore[arg-type]
        ([Entry(a["program"], True), Entry(a["fund"], -1)], "整数分"),
        ([Entry(a["program"], 0), Entry(a["fund"], 0)], "不能为零"),
    ):
        with pytest.raises(Refused, match=reason):
            services.post(actor=actor, entries=entries, memo="坏凭证", region_code=COUNTY)
    assert Line.objects.count() == before


def test_a_fund_never_goes_below_zero(books: tuple[User, dict[str, Account]]) -> None:
    actor, a = books
    services.post(
        actor=actor, entries=[Entry(a["payee"], 600_000), Entry(a["fund"], -600_000)], memo="支付", region_code=COUNTY
    )
    journals = Journal.objects.count()
    with pytest.raises(Refused, match="余额不足"):
        services.post(
            actor=actor,
            entries=[Entry(a["payee"], 400_001), Entry(a["fund"], -400_001)],
            memo="超支",
            region_code=COUNTY,
        )
    assert Journal.objects.count() == journals and services.balance(a["fund"]) == 400_000
    services.post(
        actor=actor, entries=[Entry(a["payee"], 400_000), Entry(a["fund"], -400_000)], memo="用尽", region_code=COUNTY
    )
    assert services.balance(a["fund"]) == 0


def test_posted_rows_never_change_and_a_reversal_restores_once(books: tuple[User, dict[str, Account]]) -> None:
    actor, a = books
    paid = services.post(
        actor=actor, entries=[Entry(a["payee"], 250_000), Entry(a["fund"], -250_000)], memo="支付", region_code=COUNTY
    )
    line = paid.lines.first()
    assert line is not None
    line.amount = 1
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        paid.delete()
    back = services.reverse(actor=actor, journal=paid, memo="错付冲回")
    assert services.balance(a["fund"]) == 1_000_000 and services.balance(a["payee"]) == 0
    assert services.reverse(actor=actor, journal=paid, memo="再次冲回") == back  # once only
    with pytest.raises(Refused, match="不能再被冲销"):
        services.reverse(actor=actor, journal=back, memo="冲销的冲销")
    assert Journal.objects.filter(reverses=paid).count() == 1


def test_a_key_used_for_another_payment_is_refused(books: tuple[User, dict[str, Account]]) -> None:
    actor, a = books
    services.post(
        actor=actor,
        entries=[Entry(a["payee"], 100), Entry(a["fund"], -100)],
        memo="支付",
        region_code=COUNTY,
        idempotency_key="pay:1",
    )
    with pytest.raises(Refused, match="幂等键"):
        services.post(
            actor=actor,
            entries=[Entry(a["payee"], 200), Entry(a["fund"], -200)],
            memo="支付",
            region_code=COUNTY,
            idempotency_key="pay:1",
        )
    assert services.balance(a["payee"]) == 100


def _race(database_url: str, tmp: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url, "JIUYE_VAR_DIR": str(tmp / "var")}
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("race.py"))], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(result: dict[str, Any]) -> None:
    assert result["failures"] == []
    assert (result["answers"], result["distinct"], result["journals"]) == (100, 1, 1)
    assert (result["fund"], result["payee"]) == (700_000, 300_000)


def test_the_same_payment_submitted_a_hundred_times_at_once_posts_once_on_sqlite(tmp_path: Path) -> None:
    """Twenty threads, each with its own connection, on one SQLite file (WAL, as deployed)."""
    _check(_race(f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path))


@pytest.mark.django_db  # so that it belongs to the PostgreSQL pass of CI (which leaves out what needs no database)
def test_the_same_payment_submitted_a_hundred_times_at_once_posts_once_on_postgresql(tmp_path: Path) -> None:
    """The same on PostgreSQL, in a database of its own made for the run (CI's PostgreSQL pass)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass of CI (DATABASE_URL names a PostgreSQL server)")
    import psycopg

    name = f"ledger_race_{os.getpid()}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _check(_race(f"{base}/{name}", tmp_path))
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
