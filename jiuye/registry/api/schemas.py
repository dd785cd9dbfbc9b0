"""The registry API's router and its schemas: what each operation takes and answers (the sensitive fields null without the security label)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema

from jiuye.core.permissions import can_view_sensitive
from jiuye.core.text import PHONE_PATTERN
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    Education,
    EmploymentForm,
    EmploymentStatus,
    KeyGroup,
    LaborAbility,
    MeasureKind,
    PersonState,
    Place,
    Relation,
    UnemploymentEnd,
    UnemploymentReason,
)
from jiuye.registry.models import EmploymentSpell

router = Router(tags=["registry"])


def _sensitive(context: Any) -> bool:
    """Whether the caller holds the security label; no request in the context (fail closed): no."""
    request = (context or {}).get("request")
    return request is not None and can_view_sensitive(getattr(request, "auth", None) or request.user)


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    gender: str
    birth_date: date | None = Field(None, description="null without the security label (可查看敏感信息)")
    age: int
    region_code: str = Field(..., alias="region_id")
    household_id: int
    relation: str
    education: str
    labor_ability: str
    willing: bool
    status: str
    status_since: date
    state: str
    version: int

    @staticmethod
    def resolve_birth_date(obj: Any, context: Any) -> date | None:
        return obj.birth_date if _sensitive(context) else None

    @staticmethod
    def resolve_age(obj: Any) -> int:
        return int(obj.age_on(timezone.localdate()))


class SpellOut(Schema):
    status: str
    place: str
    location: str
    employer_name: str
    monthly_income: int | None = Field(None, description="分 (fen); null without the security label")
    start: date
    end: date | None
    source: str

    @staticmethod
    def resolve_monthly_income(obj: Any, context: Any) -> int | None:
        return obj.monthly_income if _sensitive(context) else None


class PersonDetailOut(PersonOut):
    groups: list[str] = Field(..., description="without the security label, only the groups that are not sensitive")
    spells: list[SpellOut]

    @staticmethod
    def resolve_groups(obj: Any, context: Any) -> list[str]:
        groups = list(obj.groups.values_list("group", flat=True))
        return groups if _sensitive(context) else [g for g in groups if g not in SENSITIVE_GROUPS]

    @staticmethod
    def resolve_spells(obj: Any) -> list[EmploymentSpell]:
        return list(EmploymentSpell.objects.filter(person=obj).order_by("start", "id"))


class PersonSearchIn(Schema):
    """Exact lookup by ID number or phone: in the body, never in the URL."""

    id_number: str = ""
    phone: str = ""


class StatusIn(Schema):
    status: EmploymentStatus
    start: date
    place: Place | None = Field(None, description="就业地点类别; by default the one the status implies")
    location: str = Field("", max_length=100)
    employer_name: str = Field("", max_length=200)
    monthly_income: int | None = Field(None, ge=0, description="分 (fen)")
    verified_at: date | None = None


class PersonPatch(Schema):
    """The fields of 编辑人员信息; absent fields are left as they are. ``version`` is the one read:
    an edit over someone else's newer save is refused with 409 and the record as it is now."""

    version: int
    name: str | None = Field(None, min_length=1, max_length=30)
    relation: Relation | None = None
    phone: str | None = Field(None, pattern=f"^(|{PHONE_PATTERN})$", description="empty to delete")
    education: Education | None = None
    labor_ability: LaborAbility | None = None
    willing: bool | None = None
    note: str | None = None
    groups: list[KeyGroup] | None = None
    effective: date | None = Field(
        None,
        description="生效日期: labour ability, willingness, relation and groups change from this day (default today)",
    )


class IdCorrectionIn(Schema):
    version: int
    id_number: str
    reason: str = Field(..., min_length=4, max_length=200)


class RevealIn(Schema):
    field: str = Field(..., pattern="^(id_number|phone)$")
    reason: str = Field(..., min_length=4, max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class MoveIn(Schema):
    village_code: str = Field(..., pattern=r"^[0-9]{12}$")
    household_number: str = Field(..., min_length=1, max_length=40)
    effective: date | None = Field(None, description="迁户日期, default today")


class StateIn(Schema):
    state: PersonState
    date: dt.date


class CaseOut(Schema):
    id: int
    household_id: int
    region_code: str
    status: str
    opened_on: date
    deadline: date
    closed_on: date | None
    assigned_to_id: int | None = Field(None, description="the responsible officer's user id")

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return str(obj.household.region_id)


class RuleIn(Schema):
    """The rule's parameters, named as the service takes them."""

    min_age: int
    max_age: int
    employed: list[str]
    clear_days: int


class RuleChangedOut(RuleIn):
    flagged: int
    opened: int
    closed: int


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str
    relation: str
    labor_ability: str
    willing: bool
    status: str
    state: str


class HouseholdOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    number: str
    relocation_site: str
    zero_employment: bool
    has_labor: bool
    members: list[MemberOut]


class HouseholdPatch(Schema):
    relocation_site: str = Field(..., max_length=100, description="易地搬迁安置点; empty to clear")


class PersonIn(Schema):
    village_code: str
    household_number: str
    name: str = Field(..., min_length=1, max_length=30)
    id_number: str
    relation: Relation
    labor_ability: LaborAbility
    willing: bool
    status: EmploymentStatus
    status_since: date
    phone: str = ""
    education: Education | None = None
    groups: list[KeyGroup] = []
    note: str = ""
    place: Place | None = None
    location: str = Field("", max_length=100)
    employer_name: str = Field("", max_length=200)
    monthly_income: int | None = Field(None, ge=0, description="分 (fen)")
    verified_at: date | None = None


class RegistrationIn(Schema):
    kind: str = Field(..., pattern="^(employment|unemployment|end)$")
    date: dt.date
    form: EmploymentForm | None = None
    reason: UnemploymentReason | None = None
    end_reason: UnemploymentEnd | None = None
    employer_name: str = ""


class RegistrationOut(Schema):
    id: int
    kind: str
    date: dt.date
    urban: bool
    form: str
    reason: str
    ended_on: dt.date | None
    end_reason: str


class MeasureIn(Schema):
    kind: MeasureKind
    date: dt.date
    note: str = Field("", max_length=500)


class MeasureOut(Schema):
    id: int
    kind: str
    date: dt.date
    note: str


class AssignIn(Schema):
    officer_id: int | None = Field(..., description="null to leave the case without a responsible officer")
