"""The registry API's router and its schemas: what each operation takes and answers (the sensitive fields null without the security label)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import ConfigDict

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

router = Router(tags=["劳动力台账"])


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
    birth_date: date | None = Field(None, description="无“可查看敏感信息”授权时为 null")
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
    monthly_income: int | None = Field(None, description="月收入，单位：分；无敏感信息授权时为 null")
    start: date
    end: date | None
    source: str

    @staticmethod
    def resolve_monthly_income(obj: Any, context: Any) -> int | None:
        return obj.monthly_income if _sensitive(context) else None


class PersonDetailOut(PersonOut):
    groups: list[str] = Field(..., description="无敏感信息授权时，只列非敏感的人员类别")
    spells: list[SpellOut]

    @staticmethod
    def resolve_groups(obj: Any, context: Any) -> list[str]:
        groups = list(obj.groups.values_list("group", flat=True))
        return groups if _sensitive(context) else [g for g in groups if g not in SENSITIVE_GROUPS]

    @staticmethod
    def resolve_spells(obj: Any) -> list[EmploymentSpell]:
        return list(EmploymentSpell.objects.filter(person=obj).order_by("start", "id"))


# Exact lookup by ID number or phone: in the body, never in the URL.
class PersonSearchIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"description": "按公民身份号码或手机号精确查找（放在请求体中，不放在网址里）。"}
    )

    id_number: str = ""
    phone: str = ""


class StatusIn(Schema):
    status: EmploymentStatus
    start: date
    place: Place | None = Field(None, description="就业地点类别；默认按就业状态推定")
    location: str = Field("", max_length=100)
    employer_name: str = Field("", max_length=200)
    employer_credit_code: str = Field("", max_length=18, description="就业单位的统一社会信用代码（GB 32100）")
    monthly_income: int | None = Field(None, ge=0, description="月收入，单位：分")
    verified_at: date | None = None


# The fields of 编辑人员信息; absent fields are left as they are. ``version`` is the one read: an
# edit over someone else's newer save is refused with 409 and the record as it is now.
class PersonPatch(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": "编辑人员信息：未给出的字段保持不变。version 为读取时的版本号；"
            "他人已先保存新版本时返回 409 及当前记录。"
        }
    )

    version: int
    name: str | None = Field(None, min_length=1, max_length=30)
    relation: Relation | None = None
    phone: str | None = Field(None, pattern=f"^(|{PHONE_PATTERN})$", description="留空即删除")
    education: Education | None = None
    labor_ability: LaborAbility | None = None
    willing: bool | None = None
    note: str | None = None
    groups: list[KeyGroup] | None = None
    effective: date | None = Field(
        None,
        description="生效日期：劳动能力、就业意愿、与户主关系和人员类别自该日起变更（默认今天）",
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
    effective: date | None = Field(None, description="迁户日期，默认今天")


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
    assigned_to_id: int | None = Field(None, description="责任人的用户 ID")

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return str(obj.household.region_id)


class RuleIn(Schema):
    model_config = ConfigDict(json_schema_extra={"description": "零就业家庭认定参数。"})

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
    relocation_site: str = Field(..., max_length=100, description="易地搬迁安置点；留空即清除")


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
    employer_credit_code: str = Field("", max_length=18, description="就业单位的统一社会信用代码（GB 32100）")
    monthly_income: int | None = Field(None, ge=0, description="月收入，单位：分")
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
    officer_id: int | None = Field(..., description="为 null 时取消责任人")
