"""Keep measurements current: a change of records marks the months it touches as stale, and a
background task recomputes them once the change is committed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from jiuye.core.signals import records_changed


@receiver(records_changed)
def on_records_changed(sender: Any, *, since: date, **kwargs: Any) -> None:
    from jiuye.indicators import services, tasks

    services.mark_stale(since=since)
    # Once per transaction: on_commit callbacks of one atomic block run in order, the task
    # recomputes all stale months at once, and a second enqueue finds nothing left to do.
    transaction.on_commit(tasks.enqueue_recompute)
