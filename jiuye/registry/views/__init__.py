"""The registry's pages: thin views (selector → form → one service → render), split by what they
show — ``persons`` (the list, a person's page and its forms), ``households`` and ``cases`` (the
zero-employment households and the rule)."""

from __future__ import annotations

from jiuye.registry.views.cases import case_detail, case_list, zero_rule_edit
from jiuye.registry.views.households import household_detail, household_edit
from jiuye.registry.views.persons import (
    person_correct_id,
    person_create,
    person_detail,
    person_edit,
    person_list,
    person_move,
    person_registration,
    person_reveal,
    person_state,
    person_status,
)

__all__ = [
    "case_detail",
    "case_list",
    "household_detail",
    "household_edit",
    "person_correct_id",
    "person_create",
    "person_detail",
    "person_edit",
    "person_list",
    "person_move",
    "person_registration",
    "person_reveal",
    "person_state",
    "person_status",
    "zero_rule_edit",
]
