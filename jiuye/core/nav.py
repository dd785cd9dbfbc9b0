"""The main menu: each app registers its items in ``AppConfig.ready``; core names none of them.

An item is shown to the users holding its permission, in the order of ``order`` (the apps leave
gaps between theirs, so that a new module can place its item where a clerk would look for it);
``badge`` counts what waits for this user (requests to decide), shown beside the label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from jiuye.core.permissions import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    order: int
    perm: Perm | str | None = None  # a core right or one a module defines
    badge: Callable[[Any], int] | None = None


_ITEMS: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        if item.url_name in _ITEMS and _ITEMS[item.url_name] != item:
            raise ValueError(f"menu item {item.url_name} registered twice")
        _ITEMS[item.url_name] = item


def all_items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.order, i.url_name))


def menu(request: HttpRequest) -> list[dict[str, Any]]:
    """The items the request's user may open, with their badges, the current one marked active."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in all_items():
        if item.perm is not None and not has_perm(user, item.perm):
            continue
        entry: dict[str, Any] = {"url": reverse(item.url_name), "label": item.label, "active": False}
        entry["name"] = item.url_name
        badge = item.badge(user) if item.badge is not None else 0
        if badge:
            entry["badge"] = badge
        items.append(entry)
    # The longest URL that the current path starts with is the active item.
    path = request.path
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
