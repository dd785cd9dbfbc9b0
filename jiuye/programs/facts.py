"""The facts already held for the programs that need no application (免申即享): the insurance
agency's contribution years (稳岗返还), the registry's employment spells and key groups
(一次性吸纳就业补贴, 一次性创业补贴). Each ``gather`` reads, set-wise, every candidate under a
region prefix for a year — or one subject — and returns its facts as plain values for the rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from jiuye.core.masking import mask_id_number
from jiuye.core.scoping import prefix_lookup
from jiuye.employers.models import Employer
from jiuye.programs.models import InsuranceFact
from jiuye.programs.rules.base import Payee, full_months
from jiuye.registry.choices import EmploymentStatus
from jiuye.registry.models import EmploymentSpell, Person, PersonGroup

WAGE_EMPLOYED = (EmploymentStatus.IN_COUNTY, EmploymentStatus.IN_PROVINCE, EmploymentStatus.OUT_OF_PROVINCE)


@dataclass
class Candidate:
    subject_key: str
    payee_kind: str
    payee_code: str
    payee_name: str
    payee_id_masked: str
    region_code: str
    facts: dict[str, Any]
    person_id: int | None = None
    bank_account: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def person_key(person_id: int) -> str:
    return f"P:{person_id}"


def employer_key(credit_code: str) -> str:
    return f"E:{credit_code}"


def groups_of(person_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = list(person_ids)
    for start in range(0, len(ids), 5000):
        for pid, group in PersonGroup.objects.filter(person_id__in=ids[start : start + 5000]).values_list(
            "person_id", "group"
        ):
            found[pid].append(group)
    return {pid: sorted(gs) for pid, gs in found.items()}


def gather_refund(
    *, year: int, prefix: str, as_of: date, subject: str | None = None, month: int | None = None
) -> list[Candidate]:
    rows = InsuranceFact.objects.filter(year=year, **prefix_lookup("region_code", prefix))
    if subject is not None:
        rows = rows.filter(credit_code=subject)
    return [
        Candidate(
            subject_key=employer_key(f.credit_code),
            payee_kind=Payee.EMPLOYER,
            payee_code=f.credit_code,
            payee_name=f.name,
            payee_id_masked=f.credit_code,
            region_code=f.region_code,
            facts={
                "year": year,
                "unit_type": f.unit_type,
                "months_paid": f.months_paid,
                "premiums": f.premiums,
                "avg_insured": f.avg_insured,
                "layoffs": f.layoffs,
            },
            bank_account=f.bank_account,
        )
        for f in rows.order_by("credit_code")
    ]


def gather_hiring(
    *, year: int, prefix: str, as_of: date, subject: str | None = None, month: int | None = None
) -> list[Candidate]:
    """Hires in the year: a wage-employment spell naming a credit code, started in the year, of a
    person of any key group (the rule checks which), placed at the employer's region (the
    employer is paid). One candidate per person: the first hire of the year."""
    spells = EmploymentSpell.objects.filter(
        status__in=WAGE_EMPLOYED,
        start__gte=date(year, 1, 1),
        start__lte=min(date(year, 12, 31), as_of),
        person__groups__isnull=False,
    ).exclude(employer_credit_code="")
    if subject is not None:
        spells = spells.filter(person_id=int(subject))
    rows = (
        spells.values_list("person_id", "employer_credit_code", "start", "end")
        .order_by("person_id", "start", "id")
        .distinct()
    )
    first: dict[int, tuple[str, date, date | None]] = {}
    for pid, code, start, end in rows:
        first.setdefault(pid, (code, start, end))
    employers = {
        e.credit_code: e
        for e in Employer.objects.filter(credit_code__in={c for c, _s, _e in first.values()}).only(
            "credit_code", "name", "kind", "region_id"
        )
    }
    groups = groups_of(first)
    found = []
    for pid, (code, start, end) in first.items():
        employer = employers.get(code)
        region = employer.region_id if employer else ""
        if not region.startswith(prefix):
            continue
        found.append(
            Candidate(
                subject_key=person_key(pid),
                payee_kind=Payee.EMPLOYER,
                payee_code=code,
                payee_name=employer.name if employer else code,
                payee_id_masked=code,
                region_code=region,
                person_id=pid,
                facts={
                    "groups": groups.get(pid, []),
                    "employer_kind": employer.kind if employer else "",
                    "hired_on": start.isoformat(),
                    "months_employed": full_months(start, min(end or as_of, as_of)),
                },
            )
        )
    return found


def gather_startup(
    *, year: int, prefix: str, as_of: date, subject: str | None = None, month: int | None = None
) -> list[Candidate]:
    """Businesses started by persons of a key group whose first year of running may end in this
    year: a 自主创业 spell started in the year before or in this one."""
    people = Person.objects.filter(**prefix_lookup("region__code", prefix), groups__isnull=False)
    if subject is not None:
        people = people.filter(pk=int(subject))
    spells = EmploymentSpell.objects.filter(
        status=EmploymentStatus.SELF_EMPLOYED,
        start__gte=date(year - 1, 1, 1),
        start__lte=min(date(year, 12, 31), as_of),
        person__in=people.values("pk"),
    )
    first: dict[int, tuple[date, date | None]] = {}
    for pid, start, end in spells.values_list("person_id", "start", "end").order_by("person_id", "start", "id"):
        first.setdefault(pid, (start, end))
    earlier = set(
        EmploymentSpell.objects.filter(status=EmploymentStatus.SELF_EMPLOYED, person_id__in=list(first))
        .filter(Q(start__lt=date(year - 1, 1, 1)))
        .values_list("person_id", flat=True)
    )
    persons = {p.pk: p for p in Person.objects.filter(pk__in=list(first)).only("name", "id_masked", "region_id")}
    groups = groups_of(first)
    found = []
    for pid, (start, end) in first.items():
        person = persons[pid]
        found.append(
            Candidate(
                subject_key=person_key(pid),
                payee_kind=Payee.PERSON,
                payee_code=person_key(pid),
                payee_name=person.name,
                payee_id_masked=person.id_masked or mask_id_number(""),
                region_code=person.region_id,
                person_id=pid,
                facts={
                    "groups": groups.get(pid, []),
                    "started_on": start.isoformat(),
                    "started_before": pid in earlier,
                    "months_running": full_months(start, min(end or as_of, as_of)),
                },
            )
        )
    return found


Gather = Callable[..., list[Candidate]]
GATHER: dict[str, Gather] = {"refund": gather_refund, "hiring": gather_hiring, "startup": gather_startup}


def register_gather(program_code: str, gather: Gather) -> None:
    """A module that holds a program's facts plugs its gatherer in (as the shipped three are)."""
    if program_code in GATHER and GATHER[program_code] is not gather:
        raise ValueError(f"facts for {program_code} registered twice")
    GATHER[program_code] = gather
