"""Choosing a region without typing its code: a cascade of drop-downs (county → town → village)
below the top of the user's scope, and a search by name, code or pinyin initials; the choice is
shown with its parents ("紫阳县 蒿坪镇"). The form receives the 12-digit code as before, in a
hidden input of the field's name, so every form keeps its own validation.

A form field uses ``RegionPicker(levels=…)`` as its widget and the view calls ``bind(form, user)``;
the drop-downs and the search answer through ``regions:picker`` (HTMX), which renders the same
template, so the page works the same after each step as when it was first drawn."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jiuye.core.permissions import LEVEL_DEPTH, Level
from jiuye.regions.models import Region, ancestor_codes
from jiuye.regions.selectors import region_search

SEARCH_LIMIT = 20
SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")  # a form field's name, echoed back


@dataclass
class Select:
    label: str  # the level it chooses, e.g. 镇街
    blank: str  # what leaving it blank means
    options: list[Region]
    parent: str  # the region whose children these are: what a blank choice falls back to
    selected: str = ""


@dataclass
class PickerState:
    name: str
    levels: tuple[str, ...]
    required: bool
    value: str = ""
    path: str = ""  # the chosen region with its parents
    selects: list[Select] = field(default_factory=list)
    error: str = ""

    @property
    def dom_id(self) -> str:
        return f"picker-{self.name}"

    @property
    def url(self) -> str:
        return reverse("regions:picker")

    @property
    def levels_param(self) -> str:
        return ",".join(self.levels)


def parse_levels(text: str) -> tuple[str, ...]:
    return tuple(level for level in text.split(",") if level in Level.values) or tuple(Level.values)


def _deepest(levels: tuple[str, ...]) -> int:
    return max(LEVEL_DEPTH[Level(level)] for level in levels)


def path_text(chain: list[Region]) -> str:
    """Names from the county down ("紫阳县 蒿坪镇 某村"); the city when it is the choice itself."""
    below_city = [r for r in chain if r.level != Level.CITY]
    return " ".join(r.name for r in (below_city or chain))


def paths(regions: list[Region]) -> dict[str, str]:
    """Each region's name with its parents', in one query. The parents are named even above the
    reader's scope, as the breadcrumb names them: region names are public."""
    above = {c for r in regions for c in ancestor_codes(r.code)}
    found = {r.code: r for r in Region.objects.filter(code__in=above)}
    return {r.code: path_text([*(found[c] for c in ancestor_codes(r.code) if c in found), r]) for r in regions}


def region_text(code: str) -> str:
    """ "紫阳县 蒿坪镇（610924101000）" for a code, whoever reads it (the code itself if unknown)."""
    region = Region.objects.filter(code=code).first()
    return f"{paths([region])[code]}（{code}）" if region is not None else code


def state(*, user: Any, name: str, value: str, levels: tuple[str, ...], required: bool) -> PickerState:
    """The widget as drawn: the drop-downs down to the chosen region and one more below it."""
    picker = PickerState(name=name, levels=levels, required=required)
    visible = Region.objects.visible_to(user)  # type: ignore[attr-defined]
    root = visible.filter(code=user.region_id).first()
    if root is None:
        return picker
    chosen = visible.filter(code=value).first() if value else None
    deepest = _deepest(levels)
    chain = [root]  # the root of the scope down to the choice
    if chosen is not None:
        below_root = [c for c in ancestor_codes(chosen.code) if c != root.code and c.startswith(root.prefix)]
        found = {r.code: r for r in visible.filter(code__in=below_root)}
        chain += [found[c] for c in below_root if c in found] + ([chosen] if chosen != root else [])
        if chosen.level in levels:
            picker.value = chosen.code
            picker.path = paths([chosen])[chosen.code]
        else:
            deepest_level = next(lv for lv in Level if LEVEL_DEPTH[lv] == deepest)
            picker.error = _("请选择到%(level)s。") % {"level": deepest_level.label}
    for depth, parent in enumerate(chain):
        if LEVEL_DEPTH[Level(parent.level)] >= deepest:
            break
        children = [r for r in visible.filter(parent=parent).order_by("code") if LEVEL_DEPTH[Level(r.level)] <= deepest]
        if not children:
            break
        below = chain[depth + 1] if depth + 1 < len(chain) else None
        level = Level(children[0].level)
        blank = (
            _("（%(name)s全部）") % {"name": parent.name}
            if parent.level in levels
            else _("请选择%(level)s") % {"level": level.label}
        )
        picker.selects.append(Select(str(level.label), str(blank), children, parent.code, below.code if below else ""))
        if below is None:
            break
    return picker


def search(*, user: Any, query: str, levels: tuple[str, ...]) -> list[tuple[Region, str]]:
    """The regions ``selectors.region_search`` finds, higher levels first, each with its path."""
    found = region_search(user=user, query=query, levels=list(levels), limit=10_000) if query.strip() else []
    found.sort(key=lambda r: (LEVEL_DEPTH[Level(r.level)], r.code))
    found = found[:SEARCH_LIMIT]
    named = paths(found)
    return [(region, named[region.code]) for region in found]


class RegionPicker(forms.Widget):
    """The cascade and the search in place of a code box; posts the code under the field's name."""

    def __init__(self, levels: tuple[str, ...] = tuple(Level.values), attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.levels = levels
        self.user: Any = None
        self.required = False

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if self.user is None:
            raise RuntimeError("RegionPicker needs regions.picker.bind(form, user) before it is drawn")
        code = str(value.code if isinstance(value, Region) else (value or ""))
        picker = state(user=self.user, name=name, value=code, levels=self.levels, required=self.required)
        return mark_safe(render_to_string("regions/_picker.html", {"picker": picker}))  # noqa: S308 (a template's output)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def describe_value(self, value: Any) -> str:
        """The value named for a reader (an export request's filters): names, then the code."""
        return region_text(str(value))


FormT = TypeVar("FormT", bound=forms.BaseForm)


def bind(form: FormT, user: Any) -> FormT:
    """Give the form's region pickers the user whose scope they offer."""
    for bound in form.fields.values():
        if isinstance(bound.widget, RegionPicker):
            bound.widget.user = user
            bound.widget.required = bound.required
    return form
