"""Employers in the API: list, read, create and change (scoped as the pages are)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core.api import Pagination, api_view
from jiuye.core.permissions import Perm
from jiuye.employers import selectors, services
from jiuye.employers.permissions import VIEW_EMPLOYERS

router = Router(tags=["用工主体"])


class EmployerIn(Schema):
    credit_code: str = Field(..., description="统一社会信用代码（18位，GB 32100 校验）")
    name: str = Field(..., max_length=200, description="单位名称")
    kind: str = Field(..., description="主体类型代码：enterprise、individual、community_factory 等")
    region: str = Field(..., description="所在区划代码（12位，县、镇或村级）")
    industry: str = Field("", description="行业：GB/T 4754-2017 两位大类代码")
    size: str = Field("", description="企业规模：large、medium、small、micro")
    address: str = Field("", max_length=200, description="地址")
    longitude: float | None = Field(None, description="经度")
    latitude: float | None = Field(None, description="纬度")
    contact_name: str = Field("", max_length=30, description="联系人")
    contact_phone: str = Field("", max_length=20, description="联系电话")
    factory_category: str = Field("", description="新社区工厂类别")
    relocation_site: str = Field("", max_length=100, description="服务的易地搬迁安置点")
    certified_on: date | None = Field(None, description="新社区工厂认定日期")
    internship_base: bool = Field(False, description="是否就业见习基地")
    note: str = Field("", max_length=2000, description="备注")


class EmployerOut(Schema):
    id: int
    credit_code: str
    name: str
    kind: str
    industry: str
    size: str
    region: str = Field(..., alias="region_id")
    address: str
    longitude: float | None
    latitude: float | None
    factory_category: str
    relocation_site: str
    certified_on: date | None
    internship_base: bool


class EmployerDetailOut(EmployerOut):
    workers_now: int = Field(..., description="台账中当前在该单位就业的人数（按统一社会信用代码）")


@router.get("/employers", response=list[EmployerOut], summary="管辖范围内的用工主体")
@paginate(Pagination)
@api_view(VIEW_EMPLOYERS)
def employer_list(request: HttpRequest, q: str = "", kind: str = "") -> Any:
    return selectors.employer_list(user=request.auth, q=q[:60], kind=kind[:24])  # type: ignore[attr-defined]


@router.get("/employers/{pk}", response=EmployerDetailOut, summary="用工主体详情及台账吸纳就业人数")
@api_view(VIEW_EMPLOYERS)
def employer_detail(request: HttpRequest, pk: int) -> Any:
    employer = selectors.employer_get(user=request.auth, pk=pk)  # type: ignore[attr-defined]
    employer.workers_now = selectors.worker_count(employer)  # type: ignore[attr-defined]
    return employer


@router.post("/employers", response={201: EmployerOut}, summary="登记用工主体")
@api_view(Perm.EDIT_BUSINESS_DATA)
def employer_create(request: HttpRequest, payload: EmployerIn) -> Any:
    saved = services.employer_save(actor=request.auth, data=services.EmployerInput(**payload.dict()))  # type: ignore[attr-defined]
    return 201, saved


@router.put("/employers/{pk}", response=EmployerOut, summary="修改用工主体")
@api_view(Perm.EDIT_BUSINESS_DATA)
def employer_update(request: HttpRequest, pk: int, payload: EmployerIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    employer = selectors.employer_get(user=user, pk=pk)
    return services.employer_save(actor=user, data=services.EmployerInput(**payload.dict()), employer=employer)
