"""Claims, guaranteed loans, public-welfare posts and 认定 in the API (scoped as the pages are).
Amounts are integer 分."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core.api import Pagination, api_view
from jiuye.programs import loans, selectors, services
from jiuye.programs.choices import ClaimSource
from jiuye.programs.permissions import MAKE_CLAIMS, VIEW_PROGRAMS

router = Router(tags=["政策资金"])


class ClaimIn(Schema):
    program: str = Field(..., description="政策项目代码：refund、hiring、social_insurance、training 等")
    year: int = Field(..., description="享受年度")
    month: int | None = Field(None, description="享受月份（按月享受的项目）")
    id_number: str = Field("", description="人员的公民身份号码（个人项目或吸纳就业的人员）")
    credit_code: str = Field("", description="单位的统一社会信用代码（单位项目）")
    stated: dict[str, Any] = Field(default_factory=dict, description="申报事项：键为项目的申报字段，金额为整数分")
    bank_account: str = Field("", max_length=40, description="收款银行账号")
    evidence: str = Field("", max_length=2000, description="申请材料说明")


class ClaimOut(Schema):
    id: int
    number: str
    program: str
    period: str
    year: int
    payee_name: str
    payee_id_masked: str
    region_code: str
    amount: int = Field(..., description="金额（分）")
    status: str
    source: str
    reasons: list[str]
    created_at: datetime


@router.get("/claims", response=list[ClaimOut], summary="管辖范围内的政策享受申请")
@paginate(Pagination)
@api_view(VIEW_PROGRAMS)
def claim_list(request: HttpRequest, program: str = "", status: str = "", year: int | None = None) -> Any:
    return selectors.claim_list(user=request.auth, program=program[:40], status=status[:12], year=year)  # type: ignore[attr-defined]


@router.get("/claims/{pk}", response=ClaimOut, summary="政策享受申请详情（含认定理由）")
@api_view(VIEW_PROGRAMS)
def claim_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.claim_get(user=request.auth, pk=pk)  # type: ignore[attr-defined]


@router.post("/claims", response={201: ClaimOut}, summary="受理政策享受申请（不符合条件的返回 422 及理由）")
@api_view(MAKE_CLAIMS)
def claim_create(request: HttpRequest, payload: ClaimIn) -> Any:
    data = services.Application(**payload.dict(), source=ClaimSource.API)
    return 201, services.apply(actor=request.auth, data=data)  # type: ignore[attr-defined]


class LoanIn(Schema):
    kind: str = Field(..., description="借款人类别：individual、partnership（小微企业贷款请在页面受理）")
    id_number: str = Field(..., description="借款人的公民身份号码")
    partners: list[str] = Field(default_factory=list, description="合伙人的公民身份号码")
    business: str = Field(..., max_length=200, description="创业项目")
    amount: int = Field(..., description="申请金额（分）")
    term_months: int = Field(..., description="贷款期限（月）")


class LoanOut(Schema):
    id: int
    kind: str
    business: str
    region_code: str
    amount: int = Field(..., description="金额（分）")
    term_months: int
    status: str
    issued_on: date | None
    due_on: date | None
    reasons: list[str]


class PostOut(Schema):
    id: int
    name: str
    kind: str
    region: str = Field(..., alias="region_id")
    monthly_subsidy: int = Field(..., description="岗位补贴（分/月）")
    places: int
    open: int = Field(..., description="在岗人数")
    active: bool


class DifficultyOut(Schema):
    id: int
    region_code: str
    categories: list[str]
    applied_on: date
    status: str
    certified_on: date | None
    exited_on: date | None


@router.get("/loans", response=list[LoanOut], summary="管辖范围内的创业担保贷款")
@paginate(Pagination)
@api_view(VIEW_PROGRAMS)
def loan_list(request: HttpRequest) -> Any:
    return selectors.loans(user=request.auth)  # type: ignore[attr-defined]


@router.get("/loans/{pk}", response=LoanOut, summary="创业担保贷款详情（含认定理由）")
@api_view(VIEW_PROGRAMS)
def loan_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.loan_get(user=request.auth, pk=pk)  # type: ignore[attr-defined]


@router.post("/loans", response={201: LoanOut}, summary="受理个人或合伙创业担保贷款申请（不符合条件的返回 422 及理由）")
@api_view(MAKE_CLAIMS)
def loan_create(request: HttpRequest, payload: LoanIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if payload.kind not in ("individual", "partnership"):
        raise ValidationError({"kind": "接口受理个人和合伙创业贷款：individual 或 partnership。"})
    person = services.person_for(user, payload.id_number)
    partners = tuple(services.person_for(user, number) for number in payload.partners[:20])
    data = loans.LoanInput(
        kind=payload.kind,
        business=payload.business,
        amount=payload.amount,
        term_months=payload.term_months,
        person=person,
        partners=partners if payload.kind == "partnership" else (),
    )
    return 201, loans.apply(actor=user, data=data)


@router.get("/public-welfare-posts", response=list[PostOut], summary="管辖范围内的公益性岗位及在岗人数")
@paginate(Pagination)
@api_view(VIEW_PROGRAMS)
def post_list(request: HttpRequest) -> Any:
    return selectors.posts(user=request.auth)  # type: ignore[attr-defined]


@router.get("/difficulties", response=list[DifficultyOut], summary="管辖范围内的就业困难人员认定")
@paginate(Pagination)
@api_view(VIEW_PROGRAMS)
def difficulty_list(request: HttpRequest, status: str = "") -> Any:
    return selectors.difficulties(user=request.auth, status=status[:10])  # type: ignore[attr-defined]
