"""Accounts in the API: who am I, personal tokens, and user management."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer, SessionAuth

from jiuye.accounts import selectors, services
from jiuye.accounts.models import User
from jiuye.core.api import Pagination, api_view
from jiuye.core.permissions import Perm, Role, has_perm
from jiuye.regions.models import Region

router = Router(tags=["用户与令牌"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jy_…``; the token acts with its owner's role and scope.

    A token is not a cookie: a browser never sends it by itself to another site's form, so a
    request that carries one needs (and gets) no CSRF check."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The session cookie, with CSRF checked on unsafe methods.

    It stands aside when the request names a bearer token: the token alone decides (a wrong
    token is a 401, never a session's CSRF refusal, nor the session's user). Without this, the
    session's CSRF check ran first and refused every token's write with 403 "CSRF check Failed"."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        return super().__call__(request)


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    region_code: str
    region_name: str
    write_region_code: str | None
    permissions: list[str]


@router.get("/me", response=MeOut, summary="当前登录用户")
@api_view()
def me(request: HttpRequest) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "region_code": user.region_id,
        "region_name": user.region.name,
        "write_region_code": user.write_region_id,
        "permissions": [p.value for p in Perm if has_perm(user, p)],
    }


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    days: int = Field(90, ge=1, le=365)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


@router.get("/tokens", response=list[TokenOut], summary="我的访问令牌")
@api_view()
def token_list(request: HttpRequest) -> Any:
    return selectors.token_list(user=request.auth)  # type: ignore[attr-defined]


@router.post("/tokens", response={201: TokenCreated}, summary="新建访问令牌（只显示一次）")
@api_view()
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    token, raw = services.token_create(
        user=user, name=payload.name, expires_at=timezone.now() + timedelta(days=payload.days)
    )
    data = TokenOut.from_orm(token).dict()
    data["token"] = raw
    return 201, data


@router.delete("/tokens/{pk}", response={204: None}, summary="吊销访问令牌")
@api_view()
def token_revoke(request: HttpRequest, pk: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.token_revoke(user=user, token=selectors.token_get(user=user, pk=pk))
    return 204, None


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    region_code: str = Field(..., alias="region_id")
    write_region_code: str | None = Field(None, alias="write_region_id")
    is_active: bool
    sensitive_access: bool
    last_login: datetime | None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field("", max_length=50)
    role: Role
    region_code: str
    write_region_code: str | None = None
    password: str
    sensitive_access: bool = False


class UserPatch(Schema):
    full_name: str | None = Field(None, max_length=50)
    role: Role | None = None
    region_code: str | None = None
    write_region_code: str | None = None
    is_active: bool | None = None
    sensitive_access: bool | None = None


def _region(actor: Any, code: str | None, field: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.visible_to(actor).filter(code=code).first()
    if region is None:
        raise ValidationError({field: [_("区划代码不存在或不在您的管辖范围内。")]})
    return region


@router.get("/users", response=list[UserOut], summary="管辖范围内的用户（安全管理员）")
@paginate(Pagination)
@api_view(Perm.MANAGE_USERS)
def user_list(request: HttpRequest, role: str = "", q: str = "") -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    return selectors.user_list(user=actor, role=role, q=q)


@router.get("/users/{pk}", response=UserOut, summary="查看一个用户（安全管理员）")
@api_view(Perm.MANAGE_USERS)
def user_detail(request: HttpRequest, pk: int) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    return selectors.user_get(user=actor, pk=pk)


@router.post("/users", response={201: UserOut}, summary="新建用户（安全管理员）")
@api_view(Perm.MANAGE_USERS)
def user_create(request: HttpRequest, payload: UserIn) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    if User.objects.filter(username=payload.username).exists():
        raise ValidationError({"username": [_("用户名已存在。")]})
    region = _region(actor, payload.region_code, "region_code")
    if region is None:
        raise ValidationError({"region_code": [_("管辖区划不能为空。")]})
    user = services.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        role=payload.role,
        region=region,
        write_region=_region(actor, payload.write_region_code, "write_region_code"),
        password=payload.password,
        sensitive_access=payload.sensitive_access,
    )
    return 201, user


@router.patch("/users/{pk}", response=UserOut, summary="修改用户角色、管辖范围或状态（安全管理员）")
@api_view(Perm.MANAGE_USERS)
def user_update(request: HttpRequest, pk: int, payload: UserPatch) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    target = selectors.user_get(user=actor, pk=pk)
    if target.pk == actor.pk:
        raise ValidationError(_("不能修改自己的角色、区划或状态。"))
    fields = payload.dict(exclude_unset=True)
    region = _region(actor, fields["region_code"], "region_code") if "region_code" in fields else target.region
    if "write_region_code" in fields:
        write_region = _region(actor, fields["write_region_code"], "write_region_code")
    else:
        write_region = target.write_region
    return services.user_update(
        actor=actor,
        user=target,
        full_name=fields.get("full_name") or target.full_name,
        role=fields.get("role") or target.role,
        region=region or target.region,
        write_region=write_region,
        is_active=target.is_active if fields.get("is_active") is None else bool(fields["is_active"]),
        sensitive_access=fields.get("sensitive_access"),
    )
