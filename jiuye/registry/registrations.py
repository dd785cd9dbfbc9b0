"""就业登记, 失业登记 and 失业登记注销 — one rule, pure, used by the forms and the API
(``services.registration_*``) and by the registrations import (``importing.registrations``).

A person holds at most one open 失业登记. An act:

- 就业登记: recorded; it ends an open 失业登记 that began on or before its day (reason 已就业);
- 失业登记: refused while one is open; else recorded, open;
- 注销: refused without an open one, or dated before it began; else ends it with its reason.

The same act twice (same person, kind and day; for 注销 the same day and reason) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from jiuye.registry.choices import RegistrationKind, UnemploymentEnd

END = "end"  # 失业登记注销: not a registration of its own, the end of one


class Effect(StrEnum):
    NONE = "none"  # the act is already recorded
    CREATE = "create"  # a new registration (with, for 就业登记, the open 失业登记 ended)
    END = "end"  # the open 失业登记 ends


@dataclass
class Held:
    """A person's registrations as the rule reads them. ``open_on``: the day the open 失业登记
    began (None when there is none); ``open_ref``: the caller's handle on it (an id, or a pending
    row of an import batch)."""

    acts: set[tuple[str, date]] = field(default_factory=set)
    ended: set[tuple[date, str]] = field(default_factory=set)  # (day, reason) of ended 失业登记
    open_on: date | None = None
    open_ref: object = None


@dataclass(frozen=True)
class Act:
    kind: str  # RegistrationKind.EMPLOYMENT, RegistrationKind.UNEMPLOYMENT or END
    day: date
    end_reason: str = ""


@dataclass(frozen=True)
class Outcome:
    effect: Effect
    ends_open: bool = False  # the open 失业登记 ends on the act's day (its handle: ``Held.open_ref``)
    end_reason: str = ""


class ActRefused(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def apply(held: Held, act: Act) -> Outcome:
    """What the act does given what the person holds; ``held`` is updated to include it.
    Raises ``ActRefused`` with the field and the reason."""
    if act.kind == RegistrationKind.EMPLOYMENT:
        if (act.kind, act.day) in held.acts:
            return Outcome(Effect.NONE)
        held.acts.add((act.kind, act.day))
        ends = held.open_on is not None and held.open_on <= act.day
        if ends:
            held.ended.add((act.day, UnemploymentEnd.EMPLOYED))
            held.open_on = None
        return Outcome(Effect.CREATE, ends_open=ends, end_reason=UnemploymentEnd.EMPLOYED if ends else "")
    if act.kind == RegistrationKind.UNEMPLOYMENT:
        if (act.kind, act.day) in held.acts:
            return Outcome(Effect.NONE)
        if held.open_on is not None:
            raise ActRefused("kind", _("此人已有未注销的失业登记，不能重复登记。"))
        held.acts.add((act.kind, act.day))
        held.open_on = act.day
        return Outcome(Effect.CREATE)
    if held.open_on is None:
        if (act.day, act.end_reason) in held.ended:
            return Outcome(Effect.NONE)
        raise ActRefused("kind", _("此人没有未注销的失业登记。"))
    if act.day < held.open_on:
        raise ActRefused("date", _("注销日期不能早于失业登记日期。"))
    held.ended.add((act.day, act.end_reason))
    held.open_on = None
    return Outcome(Effect.END, ends_open=True, end_reason=act.end_reason)
