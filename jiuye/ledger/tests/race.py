"""One payment submitted 100 times at once (20 threads × 5), against the database DATABASE_URL
names (a fresh one: migrated here). Prints one JSON line; run by ``test_ledger``."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from jiuye.ledger import services  # noqa: E402
from jiuye.ledger.models import Account, AccountKind, Journal  # noqa: E402
from jiuye.ledger.services import Entry  # noqa: E402

call_command("migrate", interactive=False, verbosity=0)
COUNTY = "610924000000"
fund = Account.objects.create(code="fund:race", name="fund", kind=AccountKind.FUND, region_code=COUNTY)
budget = Account.objects.create(
    code="appropriation:race", name="budget", kind=AccountKind.APPROPRIATION, region_code=COUNTY
)
payee = Account.objects.create(code="payee:race", name="payee", kind=AccountKind.PAYEE, region_code=COUNTY)
services.post(actor=None, entries=[Entry(fund, 1_000_000), Entry(budget, -1_000_000)], memo="下达", region_code=COUNTY)
connections.close_all()

start = threading.Barrier(20)
answers: list[int] = []
failures: list[str] = []
lock = threading.Lock()


def submit() -> None:
    try:
        start.wait()
        for _ in range(5):
            journal = services.post(
                actor=None,
                entries=[Entry(payee, 300_000), Entry(fund, -300_000)],
                memo="稳岗返还",
                region_code=COUNTY,
                idempotency_key="wage-refund:2026:employer:1",
            )
            with lock:
                answers.append(journal.pk)
    except Exception as exc:
        failures.append(repr(exc))
    finally:
        connections.close_all()


threads = [threading.Thread(target=submit) for _ in range(20)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(
    json.dumps(
        {
            "vendor": connection.vendor,
            "answers": len(answers),
            "distinct": len(set(answers)),
            "journals": Journal.objects.filter(idempotency_key="wage-refund:2026:employer:1").count(),
            "fund": services.balance(fund),
            "payee": services.balance(payee),
            "failures": failures[:3],
        }
    )
)
