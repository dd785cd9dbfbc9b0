"""Panels one app adds to another app's page, so that the page's app needs to know none of them:
the jobs module shows recommended postings on a person's page and a zero-employment case's page,
its postings on an employer's page.

A page names its *anchor* (``registry.person``, ``registry.case``, ``employers.employer``) and
passes its object; each provider registered for that anchor returns the panel's HTML for this
request (or "" when it has nothing to show, or the user may not see it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[HttpRequest, Any], str]

_PANELS: dict[str, dict[str, Provider]] = {}


def register(anchor: str, name: str, provider: Provider) -> None:
    _PANELS.setdefault(anchor, {})[name] = provider


def render(request: HttpRequest, anchor: str, obj: Any) -> list[SafeString]:
    """The panels for the page, in the order their apps registered them."""
    shown = []
    for provider in _PANELS.get(anchor, {}).values():
        html = provider(request, obj)
        if html:
            shown.append(mark_safe(html))  # noqa: S308 (a template's output)
    return shown
