"""Navigation for the app shell: the menu the apps register (``core.nav``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jiuye.core import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": nav.menu(request)}
