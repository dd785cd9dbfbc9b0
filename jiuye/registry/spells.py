"""What a new employment status does to a person's status history — one rule, pure, used by the
forms, the API (``services.status_change``) and the ledger import (``importing.writing``).

A person has at most one open spell (the current status). A status reported from a day:

- before the open spell began, and saying something new: refused (history is not rewritten from
  the side);
- the same status with the same details changes nothing, whatever day it gives (the ledger
  restates it);
- with no day given (an import row without 就业开始日期): the same status with other details
  corrects the open spell in place (nothing says the job changed); another status begins on the
  import's as-of day;
- on the day the open spell began: a correction of that day — the open spell is replaced in
  place by what is reported;
- after it: the open spell ends the day before, and a new one opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from jiuye.registry.choices import STATUS_PLACE

_PLACE = {str(status): str(place) for status, place in STATUS_PLACE.items()}
# The details of a spell besides its status and place: a difference in any is a change of the spell.
DETAILS = ("location", "employer_name", "employer_credit_code", "monthly_income")


@dataclass(frozen=True)
class SpellFacts:
    """A status with its details. ``place`` (就业地点类别) is None when a report does not state it
    (a ledger row never does): it is then not compared, and a new spell takes the place its
    status implies."""

    status: str
    place: str | None = None
    location: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""
    monthly_income: int | None = None

    def same_details(self, report: SpellFacts) -> bool:
        """Whether ``report`` says nothing new about this spell's details."""
        if report.place is not None and report.place != self.place:
            return False
        return all(getattr(self, name) == getattr(report, name) for name in DETAILS)

    def written(self, *, kept_place: str | None = None) -> dict[str, object]:
        """The spell's columns as written: the place stated, else ``kept_place`` (an amended
        spell keeps its own), else the one the status implies."""
        place = self.place if self.place is not None else kept_place
        return {
            "status": self.status,
            "place": place if place is not None else _PLACE.get(self.status, ""),
            **{name: getattr(self, name) for name in DETAILS},
        }


class Step(StrEnum):
    NONE = "none"  # nothing changes
    AMEND = "amend"  # the open spell's details are corrected in place (same status, same start)
    REPLACE = "replace"  # the open spell is replaced in place by the report (a same-day correction)
    SUCCEED = "succeed"  # the open spell ends the day before ``start``; a new one opens from it


@dataclass(frozen=True)
class Plan:
    step: Step
    start: date  # the day the resulting open spell starts
    close_on: date | None = None  # the day the old open spell ends (SUCCEED with an open spell)


class SpellRefused(ValueError):
    """The report contradicts the history; the message is for the user, in Chinese."""


def plan(
    *, current: SpellFacts | None, since: date | None, report: SpellFacts, start: date | None, default: date
) -> Plan:
    """The step a reported status takes, given the open spell (``current`` from ``since``; None
    when the person has none). ``start`` is the reported day, None when not given (then ``default``,
    the import's as-of day, applies where a new spell is needed)."""
    if current is None or since is None:
        return Plan(Step.SUCCEED, start or default)
    same_status = current.status == report.status
    same = same_status and current.same_details(report)
    if same:  # the report restates the open spell, whatever day it gives
        return Plan(Step.NONE, since)
    if start is not None and start < since:
        raise SpellRefused(_("开始日期不能早于当前状态的开始日期（%(date)s）。") % {"date": since.isoformat()})
    if start is None:
        if same_status:
            return Plan(Step.AMEND, since)
        if default < since:
            raise SpellRefused(_("开始日期不能早于当前状态的开始日期（%(date)s）。") % {"date": since.isoformat()})
        start = default
    if start == since:
        return Plan(Step.AMEND if same_status else Step.REPLACE, since)
    return Plan(Step.SUCCEED, start, close_on=start - timedelta(days=1))
