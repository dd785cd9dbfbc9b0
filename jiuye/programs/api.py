"""Claims in the API: list, read, and apply (scoped as the pages are). Amounts are integer 分."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core.api import Pagination, api_view
from jiuye.programs import selectors, services
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
