"""The registry in the API: persons, status history, households, zero-employment cases."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jiuye.core.api import require_perm
from jiuye.core.permissions import Perm
from jiuye.regions.models import Region
from jiuye.registry import selectors, services
from jiuye.registry.choices import (
    Education,
    EmploymentForm,
    EmploymentStatus,
    KeyGroup,
    LaborAbility,
    MeasureKind,
    Relation,
    Source,
    UnemploymentEnd,
    UnemploymentReason,
)
from jiuye.registry.models import EmploymentSpell, Person

router = Router(tags=["registry"])


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    gender: str
    birth_date: date
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


class SpellOut(Schema):
    status: str
    place: str
    location: str
    employer_name: str
    monthly_income: int | None
    start: date
    end: date | None
    source: str


class PersonDetailOut(PersonOut):
    groups: list[str]
    spells: list[SpellOut]


class PersonSearchIn(Schema):
    """Exact lookup by ID number or phone: in the body, never in the URL."""

    id_number: str = ""
    phone: str = ""


class StatusIn(Schema):
    status: EmploymentStatus
    start: date
    location: str = ""
    employer_name: str = ""
    monthly_income: int | None = Field(None, ge=0, description="分 (fen)")


class CaseOut(Schema):
    id: int
    household_id: int
    region_code: str
    status: str
    opened_on: date
    deadline: date
    closed_on: date | None

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return str(obj.household.region_id)


@router.get("/registry/persons", response=list[PersonOut], summary="Persons in scope, filtered")
@paginate(LimitOffsetPagination)
def person_list(
    request: HttpRequest,
    region: str = "",
    status: str = "",
    group: str = "",
    ability: str = "",
    willing: str = "",
    age_band: str = "",
    name: str = "",
    state: str = "active",
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    filters = selectors.PersonFilters(
        region=region,
        status=status,
        group=group,
        ability=ability,
        willing=willing,
        age_band=age_band,
        name=name,
        state=state,
    )
    return selectors.person_list(user=user, filters=filters)


@router.post("/registry/persons/search", response=list[PersonOut], summary="Find by ID number or phone")
def person_search(request: HttpRequest, payload: PersonSearchIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    if not (payload.id_number.strip() or payload.phone.strip()):
        raise ValidationError(_("请提供公民身份号码或联系电话。"))
    filters = selectors.PersonFilters(id_number=payload.id_number, phone=payload.phone, state="")
    return list(selectors.person_list(user=user, filters=filters)[:20])


@router.get("/registry/persons/{pk}", response=PersonDetailOut, summary="One person with the status history")
def person_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    person = selectors.person_get(user=user, pk=pk)
    data = PersonOut.from_orm(person).dict(by_alias=True)
    data["groups"] = list(person.groups.values_list("group", flat=True))
    data["spells"] = list(EmploymentSpell.objects.filter(person=person).order_by("start", "id"))
    return data


@router.post("/registry/persons/{pk}/status", response=PersonOut, summary="Change the employment status")
def person_status(request: HttpRequest, pk: int, payload: StatusIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.EDIT_BUSINESS_DATA)
    person = selectors.person_get(user=user, pk=pk)
    services.status_change(
        actor=user,
        person=person,
        status=payload.status,
        start=payload.start,
        location=payload.location,
        employer_name=payload.employer_name,
        monthly_income=payload.monthly_income,
        source=Source.API,
    )
    return Person.objects.get(pk=person.pk)


@router.get("/registry/persons/{pk}/status-on", response=dict[str, str | None], summary="The status on a past date")
def status_on(request: HttpRequest, pk: int, day: date) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    found = selectors.person_get(user=user, pk=pk)
    return {"date": day.isoformat(), "status": services.status_on(person=found, day=day)}


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


@router.get("/registry/zero-employment/rule", response=RuleIn, summary="The zero-employment rule in force")
def rule_get(request: HttpRequest) -> Any:
    require_perm(request.auth, Perm.VIEW_PERSONAL_DATA)  # type: ignore[attr-defined]
    return services.zero_rule().settings()


@router.put(
    "/registry/zero-employment/rule",
    response=RuleChangedOut,
    summary="Change the zero-employment rule (city); every household is judged again",
)
def rule_update(request: HttpRequest, payload: RuleIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.MANAGE_STATISTICS)
    result = services.zero_rule_update(actor=user, **payload.dict())
    return {**services.zero_rule().settings(), **{k: result[k] for k in ("flagged", "opened", "closed")}}


@router.get("/registry/zero-employment", response=list[CaseOut], summary="Zero-employment cases in scope")
@paginate(LimitOffsetPagination)
def case_list(request: HttpRequest, status: str = "open", overdue: bool = False, relocated: bool = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    return selectors.case_list(user=user, status=status, overdue=overdue, relocated=relocated)


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


@router.get("/registry/households/{pk}", response=HouseholdOut, summary="A household with its members")
def household_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    return _household_out(selectors.household_get(user=user, pk=pk))


@router.patch("/registry/households/{pk}", response=HouseholdOut, summary="Set a household's relocation site")
def household_update(request: HttpRequest, pk: int, payload: HouseholdPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.EDIT_BUSINESS_DATA)
    household = selectors.household_get(user=user, pk=pk)
    services.household_set_relocation_site(actor=user, household=household, relocation_site=payload.relocation_site)
    return _household_out(selectors.household_get(user=user, pk=pk))


def _household_out(household: Any) -> dict[str, Any]:
    return {
        "id": household.pk,
        "region_id": household.region_id,
        "number": household.number,
        "relocation_site": household.relocation_site,
        "zero_employment": household.zero_employment,
        "has_labor": household.has_labor,
        "members": list(household.members.all()),
    }


@router.post("/registry/persons", response={201: PersonOut}, summary="Register a person in a household")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.EDIT_BUSINESS_DATA)
    region = Region.objects.visible_to(user).filter(code=payload.village_code, level="village").first()
    if region is None:
        raise ValidationError({"village_code": [_("区划代码不存在或不在您的管辖范围内。")]})
    household = services.household_get_or_create(actor=user, region=region, number=payload.household_number)
    data = services.PersonInput(
        name=payload.name,
        id_number=payload.id_number,
        relation=payload.relation,
        labor_ability=payload.labor_ability,
        willing=payload.willing,
        status=payload.status,
        status_since=payload.status_since,
        phone=payload.phone,
        education=payload.education or "",
        groups=tuple(payload.groups),
        source=Source.API,
    )
    return 201, services.person_create(actor=user, household=household, data=data)


@router.post(
    "/registry/persons/{pk}/registrations", response={201: RegistrationOut}, summary="就业登记, 失业登记 or its end"
)
def registration_create(request: HttpRequest, pk: int, payload: RegistrationIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.EDIT_BUSINESS_DATA)
    person = selectors.person_get(user=user, pk=pk)
    registration = services.registration_record(
        actor=user,
        person=person,
        kind=payload.kind,
        day=payload.date,
        form=payload.form or "",
        reason=payload.reason or "",
        end_reason=payload.end_reason or "",
        employer_name=payload.employer_name,
    )
    return 201, registration


@router.post("/registry/zero-employment/{pk}/measures", response={201: MeasureOut}, summary="Record a measure")
def measure_create(request: HttpRequest, pk: int, payload: MeasureIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.EDIT_BUSINESS_DATA)
    case = selectors.case_get(user=user, pk=pk)
    return 201, services.case_add_measure(actor=user, case=case, kind=payload.kind, day=payload.date, note=payload.note)
