"""Region scoping: the one door to data.

A region code is 12 digits; a region's *prefix* is the part that all its descendants share
(city 4 digits, county 6, town 9, village 12). "What may this user see" is the predicate
``<scope column> BETWEEN '<prefix>000…' AND '<prefix>999…'``: one indexed range, the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from jiuye.core.permissions import Perm, ScopedUser, has_perm

CODE_RE = re.compile(r"^[0-9]{12}$")

_M = TypeVar("_M", bound=models.Model)


def code_level(code: str) -> str | None:
    """The level a well-formed 12-digit code denotes, or None if the code is malformed."""
    if not CODE_RE.match(code):
        return None
    city, county, town, village = code[2:4], code[4:6], code[6:9], code[9:12]
    if city == "00":
        return None
    if county == "00":
        return "city" if town == "000" and village == "000" else None
    if town == "000":
        return "county" if village == "000" else None
    return "town" if village == "000" else "village"


def code_from_typed(text: str) -> str | None:
    """A region code as a clerk types it in a filter: 12 digits, or the leading digits of a
    city (4), county (6) or town (9), padded. None when it denotes no level."""
    code = text.strip()
    if code.isdigit() and len(code) in (4, 6, 9):
        code = code.ljust(12, "0")
    return code if code_level(code) else None


def code_prefix(code: str) -> str:
    """The prefix shared by a region and all its descendants."""
    level = code_level(code)
    if level is None:
        raise ValueError(f"malformed region code: {code!r}")
    return code[: {"city": 4, "county": 6, "town": 9, "village": 12}[level]]


def prefix_lookup(field: str, prefix: str) -> dict[str, Any]:
    """The filter for "``field`` lies under ``prefix``", as a range of 12-digit codes.

    ``BETWEEN '610924000000' AND '610924999999'`` is served by an ordinary B-tree index in
    PostgreSQL under any collation and in SQLite (``LIKE 'prefix%'`` needs a pattern index or
    a C collation), and an index on (code, …) then also yields rows in order.
    """
    if len(prefix) >= 12:
        return {field: prefix}
    return {f"{field}__range": (prefix.ljust(12, "0"), prefix.ljust(12, "9"))}


def read_prefix(user: ScopedUser) -> str | None:
    """The region prefix a user may read, or None for no access at all."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if not user.region_id:
        return None
    return code_prefix(user.region_id)


def write_prefix(user: ScopedUser) -> str | None:
    """The region prefix a user may change; always inside the read prefix (write ⊆ read)."""
    if not has_perm(user, Perm.EDIT_BUSINESS_DATA):
        return None
    read = read_prefix(user)
    if read is None:
        return None
    write = code_prefix(user.write_region_id) if user.write_region_id else read
    return write if write.startswith(read) else None


def can_write(user: ScopedUser, region_code: str) -> bool:
    """Whether the user may change records of this region (an edit button, a write service)."""
    prefix = write_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


def require_writable(user: Any, region_code: str) -> None:
    """A write outside the user's write scope: the same 404 as a record that does not exist (no
    oracle), whether a service or a view asks."""
    if not can_write(user, region_code):
        raise Http404


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset of every region-scoped model.

    The model declares ``scope_field`` (the column holding a region code) and
    ``personal_data`` (rows about persons, hidden from roles without that permission).
    """

    def _scoped(self, prefix: str | None, user: ScopedUser) -> Self:
        model: Any = self.model
        if prefix is None:
            return self.none()
        if getattr(model, "personal_data", False) and not has_perm(user, Perm.VIEW_PERSONAL_DATA):
            return self.none()
        return self.filter(**prefix_lookup(model.scope_field, prefix))

    def visible_to(self, user: ScopedUser) -> Self:
        return self._scoped(read_prefix(user), user)

    def editable_by(self, user: ScopedUser) -> Self:
        return self._scoped(write_prefix(user), user)


class ScopedModel(models.Model):
    """Abstract base declaring the scoping contract; subclasses set ``scope_field``."""

    scope_field: ClassVar[str] = "region__code"
    personal_data: ClassVar[bool] = False

    class Meta:
        abstract = True

    @property
    def scope_code(self) -> str:
        """The region code this row is scoped by (follows ``scope_field``)."""
        value: Any = self
        for part in self.scope_field.split("__"):
            value = getattr(value, part, None)
        return str(value or "")


def get_visible_or_404(queryset: ScopedQuerySet[_M], user: ScopedUser, **lookup: Any) -> _M:
    """Fetch one row the user may see; anything else (absent or out of scope) is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_editable_or_404(queryset: ScopedQuerySet[_M], user: ScopedUser, **lookup: Any) -> _M:
    """Fetch one row the user may change; out of the write scope is a 404 too."""
    try:
        return queryset.editable_by(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
