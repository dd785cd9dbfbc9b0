"""Users with a role and a scope region; login security; TOTP devices; API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.permissions import ROLE_LEVELS, Role
from jiuye.core.scoping import ScopedModel, ScopedQuerySet, code_prefix


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Users are created through ``accounts.services.user_create`` only."""


class User(AbstractBaseUser, ScopedModel):
    """A staff account: one role, one scope region (and an optional narrower write region)."""

    scope_field: ClassVar[str] = "region__code"

    username = models.CharField(_("用户名"), max_length=150, unique=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("管辖区划"), on_delete=models.PROTECT, related_name="+")
    write_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("可编辑区划"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("留空则与管辖区划相同；只能比管辖区划更小。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # The security label (等保 访问控制 g): sensitive categories of personal information — the
    # key groups that tell poverty, disability or hardship, incomes, full birth dates — are shown
    # only to users the security admin has granted this, on top of a role that sees personal data.
    sensitive_access = models.BooleanField(
        _("可查看敏感信息"),
        default=False,
        help_text=_("脱贫人口、监测对象、残疾人、就业困难人员等敏感类别，收入和完整出生日期。"),
    )
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["role", "region"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.region_id:
            levels = ROLE_LEVELS.get(self.role, frozenset())
            level = getattr(self.region, "level", None)
            if level not in levels:
                errors["region"] = _("该角色的管辖区划层级不符。")
            if self.write_region_id and not self.write_region_id.startswith(code_prefix(self.region_id)):
                errors["write_region"] = _("可编辑区划必须在管辖区划之内。")
        if errors:
            raise ValidationError(errors)


class LoginFailure(models.Model):
    """A failed login, by username as typed (known or not) and client address."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """A username locked after repeated failures; unknown usernames lock the same way."""

    username = models.CharField(_("用户名"), max_length=150, unique=True)
    locked_until = models.DateTimeField(_("锁定至"))

    class Meta:
        verbose_name = _("账户锁定")
        verbose_name_plural = _("账户锁定")

    def __str__(self) -> str:
        return f"{self.username} → {self.locked_until:%Y-%m-%d %H:%M}"


class TOTPDevice(models.Model):
    """A TOTP authenticator (RFC 6238, 30-second steps); the secret is stored encrypted."""

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="totp")
    secret = EncryptedTextField(_("密钥"), purpose="accounts.totp")
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(_("最后使用的时间步"), default=0)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored. It acts with its owner's scope."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
