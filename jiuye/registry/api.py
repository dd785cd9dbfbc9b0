"""The registry in the API: persons, status history, households, zero-employment cases."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core import ratelimit
from jiuye.core.api import Pagination, api_view
from jiuye.core.errors import api_error_body
from jiuye.core.permissions import Perm, can_view_sensitive
from jiuye.core.text import PHONE_PATTERN
from jiuye.registry import selectors, services
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
    Source,
    UnemploymentEnd,
    UnemploymentReason,
)
from jiuye.registry.models import EmploymentSpell, Person

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


@router.get("/registry/persons", response=list[PersonOut], summary="Persons in scope, filtered")
@paginate(Pagination)
@api_view(Perm.VIEW_PERSONAL_DATA)
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
    ratelimit.consume(user, ratelimit.SEARCH)
    filters = selectors.PersonFilters(
        region=region,
        status=status,
        group=group,
        ability=ability,
        willing=willing,
        age_band=age_band,
        name=name,
        state=selectors.state_filter(state),  # "all" for everyone, whatever the state
    )
    return selectors.person_list(user=user, filters=filters)


@router.post("/registry/persons/search", response=list[PersonOut], summary="Find by ID number or phone")
@api_view(Perm.VIEW_PERSONAL_DATA)
def person_search(request: HttpRequest, payload: PersonSearchIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    ratelimit.consume(user, ratelimit.SEARCH)
    if not (payload.id_number.strip() or payload.phone.strip()):
        raise ValidationError(_("请提供公民身份号码或联系电话。"))
    filters = selectors.PersonFilters(id_number=payload.id_number, phone=payload.phone, state="")
    return list(selectors.person_list(user=user, filters=filters)[:20])


@router.get("/registry/persons/{pk}", response=PersonDetailOut, summary="One person with the status history")
@api_view(Perm.VIEW_PERSONAL_DATA)
def person_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    services.sensitive_viewed(actor=user, person=person)
    return person


@router.post("/registry/persons/{pk}/status", response=PersonOut, summary="Change the employment status")
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_status(request: HttpRequest, pk: int, payload: StatusIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    services.status_change(
        actor=user,
        person=person,
        status=payload.status,
        start=payload.start,
        place=payload.place or "",
        location=payload.location,
        employer_name=payload.employer_name,
        monthly_income=payload.monthly_income,
        verified_at=payload.verified_at,
        source=Source.API,
    )
    return Person.objects.get(pk=person.pk)


def _conflict(request: HttpRequest, exc: services.StaleEdit) -> tuple[int, dict[str, Any]]:
    current = PersonOut.from_orm(exc.current, context={"request": request}).dict(by_alias=True)
    body = api_error_body(
        409,
        message=_("在您读取之后，此记录已被他人修改。请重新读取后再提交。"),
        details=[{"current": current}],
        request_id=getattr(request, "request_id", ""),
    )
    return 409, body


@router.patch(
    "/registry/persons/{pk}",
    response={200: PersonOut, 409: dict[str, Any]},
    summary="Edit a person (optimistic locking: 409 with the current record when the version is stale)",
)
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_update(request: HttpRequest, pk: int, payload: PersonPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    given = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in given.items() if k not in ("version", "groups", "effective") and v is not None}
    if given.get("education", "") is None:
        changes["education"] = ""
    try:
        return services.person_update(
            actor=user,
            person=person,
            version=payload.version,
            changes=changes,
            groups=payload.groups,
            effective=payload.effective,
            source=Source.API,
        )
    except services.StaleEdit as exc:
        return _conflict(request, exc)


@router.post(
    "/registry/persons/{pk}/id-number",
    response={200: PersonOut, 409: dict[str, Any]},
    summary="更正公民身份号码: gender and birth date follow the new number; audited with the reason",
)
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_correct_id(request: HttpRequest, pk: int, payload: IdCorrectionIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    try:
        return services.person_correct_id(
            actor=user, person=person, version=payload.version, id_number=payload.id_number, reason=payload.reason
        )
    except services.StaleEdit as exc:
        return _conflict(request, exc)


@router.post(
    "/registry/persons/{pk}/reveal",
    response=RevealOut,
    summary="The full ID number or phone, for a stated reason (audited; limited per day)",
)
@api_view(Perm.REVEAL_PERSONAL_DATA)
def person_reveal(request: HttpRequest, response: HttpResponse, pk: int, payload: RevealIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    value = services.person_reveal(actor=user, person=person, field=payload.field, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


@router.post("/registry/persons/{pk}/move", response=PersonOut, summary="Move to another household (new or not)")
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_move(request: HttpRequest, pk: int, payload: MoveIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    region = services.writable_village(actor=user, code=payload.village_code, field="village_code")
    return services.person_move_to(
        actor=user, person=person, region=region, household_number=payload.household_number, effective=payload.effective
    )


@router.post(
    "/registry/persons/{pk}/state",
    response=PersonOut,
    summary="Record a death, moving out or emigration (or a return to the registry)",
)
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_state(request: HttpRequest, pk: int, payload: StateIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    return services.person_set_state(actor=user, person=person, state=payload.state, on=payload.date)


@router.get("/registry/persons/{pk}/status-on", response=dict[str, str | None], summary="The status on a past date")
@api_view(Perm.VIEW_PERSONAL_DATA)
def status_on(request: HttpRequest, pk: int, day: date) -> Any:
    user = request.auth  # type: ignore[attr-defined]
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
@api_view(Perm.VIEW_PERSONAL_DATA)
def rule_get(request: HttpRequest) -> Any:
    return services.zero_rule().settings()


@router.put(
    "/registry/zero-employment/rule",
    response=RuleChangedOut,
    summary="Change the zero-employment rule (city); every household is judged again",
)
@api_view(Perm.MANAGE_STATISTICS)
def rule_update(request: HttpRequest, payload: RuleIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    result = services.zero_rule_update(actor=user, **payload.dict())
    return {**services.zero_rule().settings(), **{k: result[k] for k in ("flagged", "opened", "closed")}}


@router.get("/registry/zero-employment", response=list[CaseOut], summary="Zero-employment cases in scope")
@paginate(Pagination)
@api_view(Perm.VIEW_PERSONAL_DATA)
def case_list(request: HttpRequest, status: str = "open", overdue: bool = False, relocated: bool = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    ratelimit.consume(user, ratelimit.SEARCH)
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


@router.get("/registry/households/{pk}", response=HouseholdOut, summary="A household with its members")
@api_view(Perm.VIEW_PERSONAL_DATA)
def household_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return _household_out(selectors.household_get(user=user, pk=pk))


@router.patch("/registry/households/{pk}", response=HouseholdOut, summary="Set a household's relocation site")
@api_view(Perm.EDIT_BUSINESS_DATA)
def household_update(request: HttpRequest, pk: int, payload: HouseholdPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
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
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    region = services.writable_village(actor=user, code=payload.village_code, field="village_code")
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
        note=payload.note,
        place=payload.place or "",
        location=payload.location,
        employer_name=payload.employer_name,
        monthly_income=payload.monthly_income,
        verified_at=payload.verified_at,
        source=Source.API,
    )
    return 201, services.person_register(
        actor=user, region=region, household_number=payload.household_number, data=data
    )


@router.post(
    "/registry/persons/{pk}/registrations", response={201: RegistrationOut}, summary="就业登记, 失业登记 or its end"
)
@api_view(Perm.EDIT_BUSINESS_DATA)
def registration_create(request: HttpRequest, pk: int, payload: RegistrationIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
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


class AssignIn(Schema):
    officer_id: int | None = Field(..., description="null to leave the case without a responsible officer")


@router.post("/registry/zero-employment/{pk}/assign", response=CaseOut, summary="Make an officer responsible")
@api_view(Perm.EDIT_BUSINESS_DATA)
def case_assign(request: HttpRequest, pk: int, payload: AssignIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    case = selectors.case_get(user=user, pk=pk)
    officer = None
    if payload.officer_id is not None:
        officer = selectors.case_officers(user=user, case=case).filter(pk=payload.officer_id).first()
        if officer is None:
            raise ValidationError(
                {"officer_id": [_("所选人员不能负责此户（须为该户所在村、镇、县或市的在岗经办人员）。")]}
            )
    services.case_assign(actor=user, case=case, officer=officer)
    return case


@router.post("/registry/zero-employment/{pk}/measures", response={201: MeasureOut}, summary="Record a measure")
@api_view(Perm.EDIT_BUSINESS_DATA)
def measure_create(request: HttpRequest, pk: int, payload: MeasureIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    case = selectors.case_get(user=user, pk=pk)
    return 201, services.case_add_measure(actor=user, case=case, kind=payload.kind, day=payload.date, note=payload.note)
