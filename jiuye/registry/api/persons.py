"""Persons in the API: the filtered list, search by ID number or phone, a person with the status history, and every operation of the person's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.pagination import paginate

from jiuye.core import ratelimit
from jiuye.core.api import Pagination, api_view
from jiuye.core.errors import api_error_body
from jiuye.core.permissions import Perm
from jiuye.registry import selectors, services
from jiuye.registry.api.schemas import (
    IdCorrectionIn,
    MoveIn,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSearchIn,
    RevealIn,
    RevealOut,
    StateIn,
    StatusIn,
    router,
)
from jiuye.registry.choices import (
    Source,
)
from jiuye.registry.models import Person


@router.get("/registry/persons", response=list[PersonOut], summary="管辖范围内的人员（可筛选）")
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


@router.post("/registry/persons/search", response=list[PersonOut], summary="按公民身份号码或手机号查找")
@api_view(Perm.VIEW_PERSONAL_DATA)
def person_search(request: HttpRequest, payload: PersonSearchIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    ratelimit.consume(user, ratelimit.SEARCH)
    if not (payload.id_number.strip() or payload.phone.strip()):
        raise ValidationError(_("请提供公民身份号码或联系电话。"))
    filters = selectors.PersonFilters(id_number=payload.id_number, phone=payload.phone, state="")
    return list(selectors.person_list(user=user, filters=filters)[:20])


@router.get("/registry/persons/{pk}", response=PersonDetailOut, summary="人员详情及就业状态历史")
@api_view(Perm.VIEW_PERSONAL_DATA)
def person_detail(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    services.sensitive_viewed(actor=user, person=person)
    return person


@router.post("/registry/persons/{pk}/status", response=PersonOut, summary="变更就业状态")
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
        employer_credit_code=payload.employer_credit_code.strip().upper(),
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
    summary="修改人员信息（乐观锁：版本已过期时返回 409 及当前记录）",
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
    summary="更正公民身份号码：性别和出生日期随新号码更正；连同原因记入审计",
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
    summary="查看完整身份号码或手机号（须说明原因；记入审计；每日限次）",
)
@api_view(Perm.REVEAL_PERSONAL_DATA)
def person_reveal(request: HttpRequest, response: HttpResponse, pk: int, payload: RevealIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    value = services.person_reveal(actor=user, person=person, field=payload.field, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return {"field": payload.field, "value": value}


@router.post("/registry/persons/{pk}/move", response=PersonOut, summary="迁入另一家庭户（新户或已有户）")
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
    summary="登记死亡、迁出或出国（境）定居（或恢复在册）",
)
@api_view(Perm.EDIT_BUSINESS_DATA)
def person_state(request: HttpRequest, pk: int, payload: StateIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = selectors.person_get(user=user, pk=pk)
    return services.person_set_state(actor=user, person=person, state=payload.state, on=payload.date)


@router.get("/registry/persons/{pk}/status-on", response=dict[str, str | None], summary="某一日期的就业状态")
@api_view(Perm.VIEW_PERSONAL_DATA)
def status_on(request: HttpRequest, pk: int, day: date) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    found = selectors.person_get(user=user, pk=pk)
    return {"date": day.isoformat(), "status": services.status_on(person=found, day=day)}


@router.post("/registry/persons", response={201: PersonOut}, summary="在家庭户中新增人员")
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
        employer_credit_code=payload.employer_credit_code.strip().upper(),
        monthly_income=payload.monthly_income,
        verified_at=payload.verified_at,
        source=Source.API,
    )
    return 201, services.person_register(
        actor=user, region=region, household_number=payload.household_number, data=data
    )
