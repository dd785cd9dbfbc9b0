"""Password policy (等保 身份鉴别 a; ASVS 6.2): length by role, character classes, common
passwords, similarity to the account. Messages are in Chinese through gettext."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiuye.core.permissions import is_admin_role

MIN_LENGTH = 8
MIN_LENGTH_ADMIN = 12
MAX_LENGTH = 256

# Passwords common in China that are not all in Django's 20,000-entry list.
_EXTRA_COMMON = frozenset(
    {
        "woaini1314",
        "woaini520",
        "5201314",
        "a5201314",
        "qq123456",
        "aa123456",
        "abc123456",
        "zhang123",
        "wang123456",
        "li123456",
        "password@123",
        "p@ssw0rd",
        "admin@123",
        "admin123456",
        "jiuye123",
        "jiuye@123",
        "rsj123456",
        "renshe123",
    }
)


class RoleLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        minimum = MIN_LENGTH_ADMIN if user is not None and is_admin_role(getattr(user, "role", "")) else MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(_("密码至少需要 %(n)d 个字符。") % {"n": minimum}, code="password_too_short")
        if len(password) > MAX_LENGTH:
            raise ValidationError(_("密码不能超过 %(n)d 个字符。") % {"n": MAX_LENGTH}, code="password_too_long")

    def get_help_text(self) -> str:
        return _("至少 8 个字符（管理员角色至少 12 个）。")


class CharacterClassValidator:
    _CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for pattern in self._CLASSES if re.search(pattern, password))
        if present < 3:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少三类。"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("包含小写字母、大写字母、数字、符号中的至少三类。")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower().strip()
        if lowered in self.passwords or lowered in _EXTRA_COMMON:
            raise ValidationError(_("该密码过于常见，请换一个。"), code="password_too_common")

    def get_help_text(self) -> str:
        return _("不能是常见密码。")


class UserSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def __init__(self) -> None:
        super().__init__(user_attributes=("username", "full_name"), max_similarity=0.7)

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for attribute in ("username", "full_name"):
            value = (getattr(user, attribute, "") or "").lower()
            shortest = 2 if not value.isascii() else 3  # two-character Chinese names are common
            if len(value) >= shortest and value in lowered:
                raise ValidationError(_("密码不能包含用户名或姓名。"), code="password_too_similar")
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(_("密码与用户名或姓名过于相似。"), code="password_too_similar") from exc

    def get_help_text(self) -> str:
        return _("不能与用户名或姓名相似。")
