"""Login, second factor, password, API tokens, home page and user management."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiuye.accounts import selectors, services
from jiuye.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenForm,
    TOTPForm,
    UserForm,
)
from jiuye.accounts.models import TOTPDevice, User
from jiuye.accounts.services import LoginOutcome
from jiuye.core.access import public_view, staff_view
from jiuye.core.forms import add_service_errors
from jiuye.core.home import agenda_for, tiles_for
from jiuye.core.middleware import client_ip
from jiuye.core.models import AuditEvent
from jiuye.core.permissions import Perm, Role, has_perm
from jiuye.regions import selectors as region_selectors

_PENDING = "jy_pending_user"
_PENDING_AT = "jy_pending_at"
_PENDING_TTL = 300  # seconds between the password and the second factor

MESSAGES = {
    LoginOutcome.INVALID: gettext_lazy("用户名或密码错误。"),
    LoginOutcome.LOCKED: gettext_lazy("登录失败次数过多，该账户已锁定 30 分钟。如需提前解锁，请联系安全管理员。"),
    LoginOutcome.THROTTLED: gettext_lazy("来自您所在地址的登录失败次数过多，请 10 分钟后再试。"),
}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@public_view
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    if request.session.pop("jy_expired", False):
        messages.info(request, _("会话已超时，请重新登录。"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_check(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            ip=client_ip(request),
        )
        if result.outcome == LoginOutcome.OK and result.user is not None:
            services.login_complete(request=request, user=result.user)
            return redirect(_next_url(request))
        if result.user is not None and result.outcome in (LoginOutcome.MFA_REQUIRED, LoginOutcome.MFA_SETUP_REQUIRED):
            request.session.cycle_key()
            request.session[_PENDING] = result.user.pk
            request.session[_PENDING_AT] = timezone.now().timestamp()
            request.session["jy_next"] = _next_url(request)
            if result.outcome == LoginOutcome.MFA_SETUP_REQUIRED:
                return redirect("accounts:totp_setup")
            return redirect("accounts:login_totp")
        form.add_error(None, MESSAGES[result.outcome])
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(_PENDING)
    started = request.session.get(_PENDING_AT, 0)
    if pk is None or timezone.now().timestamp() - started > _PENDING_TTL:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def _finish_pending(request: HttpRequest, user: User) -> HttpResponse:
    target = request.session.get("jy_next", "/")
    for key in (_PENDING, _PENDING_AT, "jy_next"):
        request.session.pop(key, None)
    services.login_complete(request=request, user=user)
    return redirect(target)


@public_view
def login_totp(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first() if user else None
    if user is None or device is None:
        messages.info(request, _("请重新登录。"))
        return redirect("accounts:login")
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_check(device=device, code=form.cleaned_data["code"]):
            return _finish_pending(request, user)
        form.add_error("code", _("动态口令错误或已使用过，请输入验证器上的最新口令。"))
    return render(request, "accounts/login_totp.html", {"form": form})


@public_view
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("请重新登录。"))
        return redirect("accounts:login")
    if TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return redirect("accounts:login_totp")
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None or request.method == "GET":
        device = services.totp_setup_begin(user=user)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_check(device=device, code=form.cleaned_data["code"]):
            return _finish_pending(request, user)
        form.add_error("code", _("动态口令错误，请核对手机时间后重试。"))
    uri = services.totp_uri(device=device)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "secret": device.secret, "qr_svg": qr_svg},
    )


@require_POST
@staff_view()
def logout_view(request: HttpRequest) -> HttpResponse:
    services.logout_complete(request=request)
    return redirect("accounts:login")


@staff_view()
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["current"]):
            form.add_error("current", _("当前密码不正确。"))
        else:
            try:
                services.user_set_password(actor=user, user=user, password=form.cleaned_data["new"])
            except ValidationError as exc:
                form.add_error("new", exc)
            else:
                # Changing the password ends every other session; keep this one.
                update_session_auth_hash(request, user)
                messages.success(request, _("密码已修改。"))
                return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "help_texts": password_validators_help_texts(),
            "expired": services.password_expired(user),
            "max_age": settings.JIUYE_PASSWORD_MAX_AGE_DAYS,
        },
    )


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context: dict[str, Any] = {"role_label": Role(user.role).label}
    scope = region_selectors.region_root(user=user)
    context["scope"] = scope
    context["breadcrumb"] = region_selectors.region_breadcrumb(user=user, region=scope)
    if has_perm(user, Perm.VIEW_REGIONS):
        context["counts"] = region_selectors.region_counts(user=user, region=scope)
    if has_perm(user, Perm.MANAGE_USERS):
        users = selectors.user_list(user=user)
        context["user_total"] = users.count()
        context["user_active"] = users.filter(is_active=True).count()
        context["user_locked"] = len(
            selectors.locked_usernames(usernames=list(users.values_list("username", flat=True)))
        )
    if has_perm(user, Perm.READ_AUDIT):
        events = AuditEvent.objects.visible_to(user)
        since = timezone.now() - timedelta(days=1)
        context["audit_day"] = events.filter(at__gte=since).count()
        context["audit_failures"] = events.filter(at__gte=since).exclude(outcome="success").count()
    context["work_tiles"] = tiles_for(user)  # what the apps have waiting for this user
    context["agenda"] = agenda_for(user)
    context["today"] = timezone.localdate()
    return render(request, "accounts/home.html", context)


# --- API tokens -------------------------------------------------------------------------------


@staff_view()
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        expires = timezone.now() + timedelta(days=form.cleaned_data["days"])
        _token, new_token = services.token_create(user=user, name=form.cleaned_data["name"], expires_at=expires)
        form = TokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": selectors.token_list(user=user), "new_token": new_token},
    )


@require_POST
@staff_view()
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    services.token_revoke(user=user, token=selectors.token_get(user=user, pk=pk))
    messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:token_list")


# --- user management (security admin) ---------------------------------------------------------


@staff_view(Perm.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    q = request.GET.get("q", "").strip()
    active = request.GET.get("active", "")
    users = selectors.user_list(user=request.user, role=role if role in Role.values else "", q=q, active=active)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = selectors.locked_usernames(usernames=[u.username for u in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "locked": locked,
            "roles": Role.choices,
            "role": role,
            "q": q,
            "active": active,
            "query": query.urlencode(),
        },
    )


def _save_user(request: HttpRequest, form: UserForm, instance: User | None) -> User | None:
    data = form.cleaned_data
    try:
        if instance is None:
            return services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                region=data["region"],
                write_region=data["write_region"],
                password=data["password"],
                sensitive_access=data["sensitive_access"],
            )
        return services.user_update(
            actor=request.user,
            user=instance,
            full_name=data["full_name"],
            role=data["role"],
            region=data["region"],
            write_region=data["write_region"],
            is_active=data["is_active"],
            sensitive_access=data["sensitive_access"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            add_service_errors(form, exc)
        else:
            form.add_error("password" if instance is None else None, exc)
        return None


@staff_view(Perm.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        if User.objects.filter(username=form.cleaned_data["username"]).exists():
            form.add_error("username", _("用户名已存在。"))
        else:
            user = _save_user(request, form, None)
            if user is not None:
                messages.success(request, _("已创建用户 %(name)s。") % {"name": user.username})
                return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@staff_view(Perm.MANAGE_USERS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    target = selectors.user_get(user=actor, pk=pk)
    initial = {
        "username": target.username,
        "full_name": target.full_name,
        "role": target.role,
        "region": target.region_id,
        "write_region": target.write_region_id or "",
        "is_active": target.is_active,
        "sensitive_access": target.sensitive_access,
    }
    form = UserForm(request.POST or None, actor=actor, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        if target.pk == actor.pk:
            form.add_error(None, _("不能修改自己的角色、区划或状态，请由另一位安全管理员操作。"))
        elif _save_user(request, form, target) is not None:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user_edit", pk=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "target": target,
            "locked": services.user_is_locked(username=target.username),
            "has_totp": TOTPDevice.objects.filter(user=target, confirmed_at__isnull=False).exists(),
            "reset_form": PasswordResetForm(),
        },
    )


@require_POST
@staff_view(Perm.MANAGE_USERS)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(user=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("已解除锁定。"))
    return redirect("accounts:user_edit", pk=target.pk)


@require_POST
@staff_view(Perm.MANAGE_USERS)
def user_totp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(user=request.user, pk=pk)
    services.totp_reset(actor=request.user, user=target)
    messages.success(request, _("已重置动态口令，用户下次登录时需重新绑定。"))
    return redirect("accounts:user_edit", pk=target.pk)


@require_POST
@staff_view(Perm.MANAGE_USERS)
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Any = request.user
    target = selectors.user_get(user=actor, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(actor=actor, user=target, password=form.cleaned_data["password"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已重置密码。"))
    return redirect("accounts:user_edit", pk=target.pk)
