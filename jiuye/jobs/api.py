"""Jobs in the API: postings (list, read, create), a person's recommendations and a posting's
candidates with their reasons, referrals and their follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from jiuye.core import ratelimit
from jiuye.core.api import Pagination, api_view
from jiuye.core.permissions import Perm
from jiuye.core.scoping import can_write
from jiuye.jobs import selectors, services
from jiuye.jobs.choices import PostingSource
from jiuye.jobs.models import Posting
from jiuye.jobs.permissions import VIEW_JOBS
from jiuye.registry import selectors as registry_selectors

router = Router(tags=["招聘服务"])


class PostingIn(Schema):
    employer: int = Field(..., description="招聘单位编号（用工主体）")
    title: str = Field(..., max_length=100, description="岗位名称")
    occupation: str = Field(..., description="职业：2022年版职业分类大典中类代码，如 6-05")
    headcount: int = Field(..., description="招聘人数")
    wage_min: int = Field(..., description="月薪下限（分）")
    wage_max: int = Field(..., description="月薪上限（分）")
    valid_from: date = Field(..., description="有效期起")
    valid_until: date = Field(..., description="有效期止")
    region: str = Field("", description="工作地点区划代码；不填为招聘单位所在地")
    work_time: str = Field("full", description="用工形式：full 全职，part 兼职/零工")
    address: str = Field("", max_length=200, description="工作地址")
    longitude: float | None = Field(None, description="经度")
    latitude: float | None = Field(None, description="纬度")
    min_age: int | None = Field(None, description="年龄下限")
    max_age: int | None = Field(None, description="年龄上限")
    education: str = Field("", description="最低学历代码")
    skills: str = Field("", max_length=200, description="技能要求，以顿号分隔")
    certificate: str = Field("", max_length=60, description="证书要求")
    description: str = Field("", max_length=4000, description="岗位描述")
    published: bool = Field(True, description="是否在公共招聘栏发布")


class PostingOut(Schema):
    id: int
    employer: int = Field(..., alias="employer_id")
    employer_name: str = Field(..., alias="employer.name")
    title: str
    occupation: str
    headcount: int
    wage_min: int
    wage_max: int
    work_time: str
    region: str = Field(..., alias="region_id")
    address: str
    min_age: int | None
    max_age: int | None
    education: str
    skills: str
    certificate: str
    valid_from: date
    valid_until: date
    published: bool


class MatchOut(Schema):
    posting: PostingOut
    score: float = Field(..., description="匹配度（0–1）")
    reasons: list[str] = Field(..., description="推荐理由")


class CandidateOut(Schema):
    person: int
    name: str
    region: str
    score: float
    reasons: list[str]


class ReferralIn(Schema):
    person: int = Field(..., description="人员编号")
    posting: int = Field(..., description="岗位编号")


class StageIn(Schema):
    stage: str = Field(..., description="进展：interview、intention、hired、declined")
    date: date
    note: str = Field("", max_length=200)
    monthly_income: int | None = Field(None, description="月收入（分），录用时填写")


class ReferralOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    posting: int = Field(..., alias="posting_id")
    stage: str
    referred_on: date
    hired_on: date | None
    reasons: list[str]


@router.get("/jobs/postings", response=list[PostingOut], summary="管辖范围内的招聘岗位")
@paginate(Pagination)
@api_view(VIEW_JOBS)
def posting_list(request: HttpRequest, q: str = "", occupation: str = "", open_only: bool = True) -> Any:
    return selectors.posting_list(user=request.auth, q=q[:60], occupation=occupation[:8], open_only=open_only)  # type: ignore[attr-defined]


@router.get("/jobs/postings/{pk}", response=PostingOut, summary="招聘岗位详情")
@api_view(VIEW_JOBS)
def posting_detail(request: HttpRequest, pk: int) -> Any:
    return selectors.posting_get(user=request.auth, pk=pk)  # type: ignore[attr-defined]


@router.post("/jobs/postings", response={201: PostingOut}, summary="发布招聘岗位")
@api_view(Perm.EDIT_BUSINESS_DATA)
def posting_create(request: HttpRequest, payload: PostingIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    saved = services.posting_save(actor=user, data=services.PostingInput(**payload.dict()), source=PostingSource.API)
    return 201, Posting.objects.select_related("employer").get(pk=saved.pk)


@router.get("/jobs/postings/{pk}/candidates", response=list[CandidateOut], summary="适合该岗位的求职人员及理由")
@api_view(VIEW_JOBS, Perm.VIEW_PERSONAL_DATA)
def posting_candidates(request: HttpRequest, pk: int, k: int = 20) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    ratelimit.consume(user, ratelimit.SEARCH)
    posting = selectors.posting_get(user=user, pk=pk)
    found = selectors.candidates(user=user, posting=posting, k=max(1, min(k, 100)))
    return [
        {"person": p.pk, "name": p.name, "region": p.region_id, "score": round(m.score, 4), "reasons": list(m.reasons)}
        for p, m in found
    ]


@router.get("/jobs/persons/{pk}/recommendations", response=list[MatchOut], summary="为人员推荐的岗位及理由")
@api_view(VIEW_JOBS, Perm.VIEW_PERSONAL_DATA)
def person_recommendations(request: HttpRequest, pk: int, k: int = 10) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = registry_selectors.person_get(user=user, pk=pk)
    found = selectors.recommendations(person, k=max(1, min(k, 50)))
    return [{"posting": p, "score": round(m.score, 4), "reasons": list(m.reasons)} for p, m in found]


@router.post("/jobs/referrals", response={201: ReferralOut}, summary="推荐人员到岗位")
@api_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    person = registry_selectors.person_get(user=user, pk=payload.person)
    if not can_write(user, person.region_id):
        raise Http404
    posting = Posting.objects.filter(pk=payload.posting).first()
    if posting is None or not services.referable(posting, user, timezone.localdate()):
        raise Http404
    return 201, services.referral_create(actor=user, person=person, posting=posting)


@router.post("/jobs/referrals/{pk}/stage", response=ReferralOut, summary="记录推荐进展（录用即记入劳动力台账）")
@api_view(Perm.EDIT_BUSINESS_DATA, Perm.VIEW_PERSONAL_DATA)
def referral_stage(request: HttpRequest, pk: int, payload: StageIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    referral = selectors.referral_list(user=user).filter(pk=pk).first()
    if referral is None or not can_write(user, referral.region_code):
        raise Http404
    return services.referral_advance(
        actor=user,
        referral=referral,
        stage=payload.stage,
        day=payload.date,
        note=payload.note,
        monthly_income=payload.monthly_income,
    )
