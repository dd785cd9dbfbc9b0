"""The exports an app offers, registered by the app (``AppConfig.ready``): how to count the rows
a query string selects, how to write them, and how to describe the filters to an approver.

Each function takes the user and the query string of the list page, and raises
``ValidationError`` for filters the user may not use; all of them apply the user's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from jiuye.core.permissions import Perm


@dataclass(frozen=True)
class ExportKind:
    code: str  # "registry.person"
    title: Any  # the file's and the page's name, e.g. 劳动力台账
    list_url: str  # URL name of the list the export comes from
    perm: Perm  # the function-level permission the export needs
    count: Callable[[Any, QueryDict], int]
    write: Callable[[Any, QueryDict, Path], int]
    describe: Callable[[Any, QueryDict], list[tuple[str, str]]]


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"export kind {kind.code} registered twice")
    _KINDS[kind.code] = kind


def get(code: str) -> ExportKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise Http404 from None


def all_kinds() -> list[ExportKind]:
    return list(_KINDS.values())


def describe_form(form: forms.Form) -> list[tuple[str, str]]:
    """The filters a bound, cleaned form holds, as (label, shown value), for an approver to read."""
    shown: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if value is True:
            text = str(_("是"))
        elif callable(describe := getattr(field.widget, "describe_value", None)):
            text = str(describe(value))  # a widget that names its value (a region by its names)
        else:
            choices = dict(getattr(field, "choices", ()) or ())
            text = str(choices.get(value, value))
        shown.append((str(field.label), text))
    return shown
