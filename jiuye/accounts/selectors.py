"""Reads on accounts, always from ``visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jiuye.accounts.models import ApiToken, LoginLock, User
from jiuye.core.scoping import get_visible_or_404


def user_list(*, user: Any, role: str = "", q: str = "", active: str = "") -> QuerySet[User]:
    qs = User.objects.visible_to(user).select_related("region", "write_region").order_by("region_id", "username")
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(username__contains=q) | qs.filter(full_name__contains=q)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs


def user_get(*, user: Any, pk: int) -> User:
    return get_visible_or_404(User.objects.select_related("region", "write_region"), user, pk=pk)


def locked_usernames(*, usernames: list[str]) -> set[str]:
    return set(
        LoginLock.objects.filter(username__in=usernames, locked_until__gt=timezone.now()).values_list(
            "username", flat=True
        )
    )


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(*, user: Any, pk: int) -> ApiToken:
    """A user's own token; anybody else's is a 404."""
    return get_object_or_404(ApiToken, user=user, pk=pk)
