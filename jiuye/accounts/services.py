"""Writes on accounts: users, logins, second factors, API tokens. Each one is audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from jiuye.accounts import actions
from jiuye.accounts.models import ApiToken, LoginFailure, LoginLock, TOTPDevice, User
from jiuye.core.audit import AuditAction, audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.models import AuditOutcome
from jiuye.core.permissions import requires_mfa
from jiuye.regions.models import Region

_USER_FIELDS = ("username", "full_name", "role", "region_id", "write_region_id", "is_active", "sensitive_access")


def _snapshot(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _USER_FIELDS}


# --- users ------------------------------------------------------------------------------------


@retrying_atomic
def user_create(
    *,
    actor: Any,
    username: str,
    role: str,
    region: Region,
    password: str,
    full_name: str = "",
    write_region: Region | None = None,
    sensitive_access: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        region=region,
        write_region=write_region,
        sensitive_access=sensitive_access,
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user=user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_record(action=actions.USER_CREATE, actor=actor, obj=user, after=_snapshot(user))
    return user


@retrying_atomic
def user_update(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Region,
    full_name: str,
    is_active: bool,
    write_region: Region | None = None,
    sensitive_access: bool | None = None,
) -> User:
    before = _snapshot(user)
    user.role, user.region, user.write_region = role, region, write_region
    user.full_name, user.is_active = full_name, is_active
    if sensitive_access is not None:
        user.sensitive_access = sensitive_access
    user.full_clean(exclude=["password"])
    user.save()
    after = _snapshot(user)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit_record(
            action=actions.USER_UPDATE,
            actor=actor,
            obj=user,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return user


@retrying_atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    validate_password(password, user=user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    action = actions.PASSWORD_CHANGE if actor is not None and actor.pk == user.pk else actions.PASSWORD_RESET
    audit_record(action=action, actor=actor, obj=user)


def password_expired(user: Any) -> bool:
    """The password is older than ``JIUYE_PASSWORD_MAX_AGE_DAYS`` (or its age is unknown): the
    user may do nothing but change it (security bar A-2)."""
    days = settings.JIUYE_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    changed = user.password_changed_at
    return changed is None or timezone.now() - changed > timedelta(days=days)


@retrying_atomic
def disable_dormant(*, days: int | None = None) -> list[str]:
    """Disable every active account not used for ``days`` (default ``JIUYE_DORMANT_DAYS``): last
    login, or creation for an account never used, that long ago (security bar A-8). Each one is
    audited; a disabled user's sessions and tokens stop at once. Returns the usernames."""
    days = settings.JIUYE_DORMANT_DAYS if days is None else days
    if days <= 0:
        return []
    cutoff = timezone.now() - timedelta(days=days)
    dormant = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    names = []
    for user in dormant.select_for_update().order_by("username"):
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action=actions.USER_DISABLE_DORMANT,
            actor=None,
            obj=user,
            before={"is_active": True},
            after={
                "is_active": False,
                "last_login": user.last_login.isoformat() if user.last_login else "",
                "days": days,
            },
        )
        names.append(user.username)
    return names


@retrying_atomic
def user_unlock(*, actor: Any, user: User) -> bool:
    deleted, _ = LoginLock.objects.filter(username=user.username).delete()
    LoginFailure.objects.filter(username=user.username).delete()
    if deleted:
        audit_record(action=actions.UNLOCK, actor=actor, obj=user)
    return bool(deleted)


def user_is_locked(*, username: str) -> bool:
    return LoginLock.objects.filter(username=username, locked_until__gt=timezone.now()).exists()


# --- logins -----------------------------------------------------------------------------------


class LoginOutcome(StrEnum):
    OK = "ok"
    MFA_REQUIRED = "mfa_required"
    MFA_SETUP_REQUIRED = "mfa_setup_required"
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def login_check(*, request: HttpRequest, username: str, password: str, ip: str | None) -> LoginResult:
    """Check a username and password under the lockout rules; does not log in."""
    now = timezone.now()
    username = username.strip()[:150]
    if ip:
        recent = LoginFailure.objects.filter(ip=ip, at__gte=now - timedelta(seconds=settings.JIUYE_IP_WINDOW))
        if recent.count() >= settings.JIUYE_IP_FAILURES:
            audit_record(action=actions.LOGIN_THROTTLED, username=username, outcome=AuditOutcome.DENIED)
            return LoginResult(LoginOutcome.THROTTLED)
    if LoginLock.objects.filter(username=username, locked_until__gt=now).exists():
        audit_record(action=actions.LOGIN_LOCKED, username=username, outcome=AuditOutcome.DENIED)
        return LoginResult(LoginOutcome.LOCKED)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _login_failed(username=username, ip=ip, now=now)
    user = cast(User, user)
    LoginFailure.objects.filter(username=username).delete()
    if requires_mfa(user.role):
        device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        return LoginResult(LoginOutcome.MFA_REQUIRED if device else LoginOutcome.MFA_SETUP_REQUIRED, user)
    return LoginResult(LoginOutcome.OK, user)


@retrying_atomic
def _login_failed(*, username: str, ip: str | None, now: datetime) -> LoginResult:
    LoginFailure.objects.create(username=username, ip=ip, at=now)
    audit_record(action=actions.LOGIN_FAILED, username=username, outcome=AuditOutcome.FAILURE)
    window = now - timedelta(seconds=settings.JIUYE_LOCKOUT_WINDOW)
    failures = LoginFailure.objects.filter(username=username, at__gte=window).count()
    if failures >= settings.JIUYE_LOCKOUT_FAILURES:
        until = now + timedelta(seconds=settings.JIUYE_LOCKOUT_DURATION)
        LoginLock.objects.update_or_create(username=username, defaults={"locked_until": until})
        LoginFailure.objects.filter(username=username).delete()
        user = User.objects.filter(username=username).first()
        audit_record(
            action=actions.LOCKOUT,
            username=username,
            obj=user,
            outcome=AuditOutcome.DENIED,
            after={"locked_until": until.isoformat()},
        )
        return LoginResult(LoginOutcome.LOCKED)
    return LoginResult(LoginOutcome.INVALID)


@retrying_atomic
def login_complete(*, request: HttpRequest, user: User) -> None:
    """Log the user in: a new session id, the session clocks started, the event audited."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    stamp = timezone.now().timestamp()
    request.session["jy_login_at"] = stamp
    request.session["jy_seen_at"] = stamp
    audit_record(action=actions.LOGIN, actor=user, obj=user)


@retrying_atomic
def logout_complete(*, request: HttpRequest, reason: AuditAction = actions.LOGOUT) -> None:
    user: Any = request.user
    if user.is_authenticated:
        audit_record(action=reason, actor=user, obj=user)
    logout(request)


# --- second factor (TOTP, RFC 6238) ----------------------------------------------------------


def totp_setup_begin(*, user: User) -> TOTPDevice:
    """A fresh secret for an account that has no confirmed device yet."""
    TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    return TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())


def totp_uri(*, device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name="Jiuye")


@retrying_atomic
def totp_check(*, device: TOTPDevice, code: str) -> bool:
    """Accept a code of the current step ±1, each step once only (no replay)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    totp = pyotp.TOTP(device.secret)
    now_step = totp.timecode(timezone.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            device.last_step = step
            fields = ["last_step"]
            if device.confirmed_at is None:
                device.confirmed_at = timezone.now()
                fields.append("confirmed_at")
                audit_record(action=actions.MFA_ENROLL, actor=device.user, obj=device.user)
            device.save(update_fields=fields)
            return True
    audit_record(
        action=actions.MFA_FAILED,
        actor=None,
        username=device.user.username,
        obj=device.user,
        outcome=AuditOutcome.FAILURE,
    )
    return False


@retrying_atomic
def totp_reset(*, actor: Any, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(action=actions.MFA_RESET, actor=actor, obj=user)


# --- API tokens -------------------------------------------------------------------------------

TOKEN_PREFIX = "jy_"  # noqa: S105 (a marker, not a secret)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@retrying_atomic
def token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "token", prefix=raw[:10], key_hash=_token_hash(raw), expires_at=expires_at
    )
    audit_record(action=actions.TOKEN_CREATE, actor=user, obj=user, after={"token": token.prefix, "name": token.name})
    return token, raw


@retrying_atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=actions.TOKEN_REVOKE, actor=user, obj=user, after={"name": token.name})


def token_authenticate(*, raw: str) -> User | None:
    """The active owner of an active token, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
