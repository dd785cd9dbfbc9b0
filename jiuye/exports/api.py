"""Export requests in the API: the same workflow as the pages (security bar D-10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core.api import Pagination, api_view
from jiuye.core.permissions import Perm
from jiuye.exports import kinds, selectors, services
from jiuye.exports.models import ExportRequest
from jiuye.exports.views import xlsx_download

router = Router(tags=["导出审批"])


class ExportRequestOut(Schema):
    id: int
    kind: str
    params: str
    filters: list[list[str]]
    rows: int
    reason: str
    requested_by: str
    region_code: str
    created_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    valid_until: datetime | None
    expired: bool
    downloaded_at: datetime | None
    rows_written: int | None

    @staticmethod
    def resolve_requested_by(obj: ExportRequest) -> str:
        return obj.requested_by.get_username()

    @staticmethod
    def resolve_decided_by(obj: ExportRequest) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class ExportRequestIn(Schema):
    kind: str = Field(
        ..., max_length=32, description="导出类型：registry.person（劳动力台账）或 registry.case（零就业家庭）"
    )
    params: str = Field("", max_length=2000, description="列表的筛选条件（查询字符串），如 status=unemployed")
    reason: str = Field(..., max_length=500, description="用途：导出文件作何使用")


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500, description="审批意见；驳回时必填")


def _visible(request: HttpRequest, pk: int) -> ExportRequest:
    user = request.auth  # type: ignore[attr-defined]
    return get_object_or_404(selectors.requests_for(user).select_related("requested_by", "decided_by"), pk=pk)


@router.get("/exports/requests", response=list[ExportRequestOut], summary="我提出的或待我审批的导出申请")
@paginate(Pagination)
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_list(request: HttpRequest, waiting: bool = False) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    found = selectors.awaiting_decision(user) if waiting else selectors.requests_for(user)
    return found.select_related("requested_by", "decided_by")


@router.post("/exports/requests", response={201: ExportRequestOut}, summary="申请导出（超过审批行数时）")
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_create(request: HttpRequest, payload: ExportRequestIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    offered = {k.code: k for k in kinds.all_kinds()}
    if payload.kind not in offered:
        raise ValidationError({"kind": _("没有这种导出：%(kind)s") % {"kind": payload.kind[:32]}})
    req = services.request_export(
        actor=user, kind=offered[payload.kind], query=QueryDict(payload.params), reason=payload.reason
    )
    return 201, req


@router.get("/exports/requests/{pk}", response=ExportRequestOut, summary="查看一条导出申请")
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_detail(request: HttpRequest, pk: int) -> Any:
    return _visible(request, pk)


@router.post(
    "/exports/requests/{pk}/decision", response=ExportRequestOut, summary="批准或驳回（须由申请人以外的人员审批）"
)
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    req = _visible(request, pk)
    return services.decide(actor=request.auth, req=req, approve=payload.approve, note=payload.note)  # type: ignore[attr-defined]


@router.post("/exports/requests/{pk}/withdraw", response=ExportRequestOut, summary="撤回我的申请")
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_withdraw(request: HttpRequest, pk: int) -> Any:
    req = _visible(request, pk)
    return services.withdraw(actor=request.auth, req=req)  # type: ignore[attr-defined]


@router.post(
    "/exports/requests/{pk}/download",
    response={200: None},
    summary="下载已批准的导出文件（.xlsx），限申请人下载一次",
)
@api_view(Perm.VIEW_PERSONAL_DATA)
def request_download(request: HttpRequest, pk: int) -> Any:
    req = _visible(request, pk)
    return xlsx_download(
        kinds.get(req.kind).title,
        lambda path: services.download(actor=request.auth, req=req, path=path),  # type: ignore[attr-defined]
    )
