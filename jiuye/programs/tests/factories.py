"""Build the programs module's rows for tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from jiuye.employers.tests.factories import credit_code
from jiuye.programs import funds, services
from jiuye.programs.models import Claim, InsuranceFact, Notice

_sequence = itertools.count(1)


def insurance_fact(*, region: str = "610924100000", year: int = 2025, **extra: Any) -> InsuranceFact:
    values = {
        "credit_code": extra.pop("credit_code", None) or credit_code(),
        "name": f"参保单位{next(_sequence)}",
        "unit_type": "enterprise",
        "region_code": region,
        "year": year,
        "months_paid": 12,
        "premiums": 3_840_000,
        "avg_insured": 40,
        "layoffs": 0,
        "bank_account": "6217000123456789012",
    }
    values.update(extra)
    return InsuranceFact.objects.create(**values)


def through_notice(claims: list[Claim], *, reviewer: Any, approver: Any, days_ago: int = 30) -> Notice:
    """Claims taken through county review, city approval and a notice that has ended."""
    ids = [c.pk for c in claims]
    assert not services.review(actor=reviewer, ids=ids).refused
    assert not services.approve(actor=approver, ids=ids).refused
    return services.publish(
        actor=approver,
        ids=ids,
        title="测试公示",
        starts_on=date.today() - timedelta(days=days_ago),
        region_code="610900000000",
    )


def fill_fund(actor: Any, *, source: str = "ui", county: str = "610924000000", yuan: int = 1_000_000) -> None:
    """This year's money for a county's fund (payments are made from the year they are made in)."""
    year = date.today().year
    funds.allocate(actor=actor, source=source, county=county, year=year, amount=yuan * 100, memo="测试拨入")
