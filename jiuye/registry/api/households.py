"""Households, registrations, zero-employment cases and the rule, in the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.pagination import paginate

from jiuye.core import ratelimit
from jiuye.core.api import Pagination, api_view
from jiuye.core.permissions import Perm
from jiuye.registry import selectors, services
from jiuye.registry.api.schemas import (
    AssignIn,
    CaseOut,
    HouseholdOut,
    HouseholdPatch,
    MeasureIn,
    MeasureOut,
    RegistrationIn,
    RegistrationOut,
    RuleChangedOut,
    RuleIn,
    router,
)


@router.get("/registry/zero-employment/rule", response=RuleIn, summary="现行零就业家庭认定参数")
@api_view(Perm.VIEW_PERSONAL_DATA)
def rule_get(request: HttpRequest) -> Any:
    return services.zero_rule().settings()


@router.put(
    "/registry/zero-employment/rule",
    response=RuleChangedOut,
    summary="修改零就业家庭认定参数（市级）；全部家庭按新口径重新认定",
)
@api_view(Perm.MANAGE_STATISTICS)
def rule_update(request: HttpRequest, payload: RuleIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    result = services.zero_rule_update(actor=user, **payload.dict())
    return {**services.zero_rule().settings(), **{k: result[k] for k in ("flagged", "opened", "closed")}}


@router.get("/registry/zero-employment", response=list[CaseOut], summary="管辖范围内的零就业家庭")
@paginate(Pagination)
@api_view(Perm.VIEW_PERSONAL_DATA)
def case_list(request: HttpRequest, status: str = "open", overdue: bool = False, relocated: bool = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    ratelimit.consume(user, ratelimit.SEARCH)
    return selectors.case_list(user=user, status=status, overdue=overdue, relocated=relocated)


@router.get("/registry/households/{pk}", response=HouseholdOut, summary="家庭户及其成员")
@api_view(Perm.VIEW_PERSONAL_DATA)
def household_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return _household_out(selectors.household_get(user=user, pk=pk))


@router.patch("/registry/households/{pk}", response=HouseholdOut, summary="设置家庭户的易地搬迁安置点")
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


@router.post(
    "/registry/persons/{pk}/registrations", response={201: RegistrationOut}, summary="办理就业登记、失业登记或注销登记"
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


@router.post("/registry/zero-employment/{pk}/assign", response=CaseOut, summary="指定责任人")
@api_view(Perm.EDIT_BUSINESS_DATA)
def case_assign(request: HttpRequest, pk: int, payload: AssignIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    case = selectors.case_get(user=user, pk=pk, for_change=True)
    officer = None
    if payload.officer_id is not None:
        officer = selectors.case_officers(user=user, case=case).filter(pk=payload.officer_id).first()
        if officer is None:
            raise ValidationError(
                {"officer_id": [_("所选人员不能负责此户（须为该户所在村、镇、县或市的在岗经办人员）。")]}
            )
    services.case_assign(actor=user, case=case, officer=officer)
    return case


@router.post("/registry/zero-employment/{pk}/measures", response={201: MeasureOut}, summary="记录帮扶措施")
@api_view(Perm.EDIT_BUSINESS_DATA)
def measure_create(request: HttpRequest, pk: int, payload: MeasureIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    case = selectors.case_get(user=user, pk=pk, for_change=True)
    return 201, services.case_add_measure(actor=user, case=case, kind=payload.kind, day=payload.date, note=payload.note)
