"""Signals between apps that must not import each other.

``records_changed`` is sent by any app whose records feed statistics (the registry now, later
programs, training …) after a change in the caller's transaction, with ``since``: the earliest
day whose figures the change can alter. The indicators app listens and marks those months for
a recompute; the sender knows nothing of indicators.
"""

from __future__ import annotations

from datetime import date

from django.dispatch import Signal

records_changed = Signal()


def notify_records_changed(sender: object, *, since: date) -> None:
    records_changed.send(sender=sender, since=since)
