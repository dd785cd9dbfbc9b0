"""Build jobs' rows for tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jiuye.employers.models import Employer
from jiuye.jobs import services
from jiuye.jobs.models import Posting


def posting(actor: Any, employer: Employer, **extra: Any) -> Posting:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "缝纫工",
        "occupation": "6-05",
        "headcount": 5,
        "wage_min": 300_000,
        "wage_max": 450_000,
        "valid_from": today - timedelta(days=10),
        "valid_until": today + timedelta(days=60),
        "skills": "缝纫",
    }
    values.update(extra)
    return services.posting_save(actor=actor, data=services.PostingInput(employer=employer.pk, **values))
