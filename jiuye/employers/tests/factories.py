"""Build employers' rows for tests (the only way other apps' tests should make them)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from jiuye.core.credit_code import CHARSET, check_character
from jiuye.employers import services
from jiuye.employers.choices import EmployerKind, FactoryCategory, OrgKind
from jiuye.employers.models import Employer, ServiceOrg

_sequence = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (registration authority 9, kind 1, region 610900, a serial)."""
    n = next(_sequence) if n is None else n
    serial = ""
    for _ in range(9):
        serial = CHARSET[n % 31] + serial
        n //= 31
    first17 = "91610900" + serial
    return first17 + check_character(first17)


def employer(
    actor: Any,
    *,
    region: str = "610924100001",
    kind: str = EmployerKind.ENTERPRISE,
    name: str | None = None,
    **extra: Any,
) -> Employer:
    if kind in (EmployerKind.COMMUNITY_FACTORY, EmployerKind.HOME_WORKSHOP):
        extra.setdefault("factory_category", FactoryCategory.GARMENTS)
        extra.setdefault("certified_on", date(2025, 3, 1))
    data = services.EmployerInput(
        credit_code=extra.pop("credit_code", None) or credit_code(),
        name=name or f"测试单位{next(_sequence)}",
        kind=kind,
        region=region,
        **extra,
    )
    return services.employer_save(actor=actor, data=data)


def org(actor: Any, *, region: str = "610924100001", kind: str = OrgKind.SERVICE_CENTRE, **extra: Any) -> ServiceOrg:
    data = services.OrgInput(kind=kind, name=extra.pop("name", f"服务机构{next(_sequence)}"), region=region, **extra)
    return services.org_save(actor=actor, data=data)
