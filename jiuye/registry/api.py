"""The registry in the API: persons, status history, households, zero-employment cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jiuye.core.api import require_perm
from jiuye.core.permissions import Perm
from jiuye.registry import selectors, services
from jiuye.registry.choices import EmploymentStatus, Source
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


@router.get("/registry/zero-employment", response=list[CaseOut], summary="Zero-employment cases in scope")
@paginate(LimitOffsetPagination)
def case_list(request: HttpRequest, status: str = "open", overdue: bool = False, relocated: bool = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    require_perm(user, Perm.VIEW_PERSONAL_DATA)
    return selectors.case_list(user=user, status=status, overdue=overdue, relocated=relocated)
