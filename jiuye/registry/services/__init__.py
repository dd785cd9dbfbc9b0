"""Writes on the registry, split by concern. Each is atomic and audited, and keeps the derived
state in step: the person's current status (from the spells), the dated facts (``registry.history``)
and the household's zero-employment verdict and case.

- ``common``: keyed hashes, scope and choice checks shared by the others;
- ``households``: households and their relocation site;
- ``persons``: registering, editing, moving persons, their groups and registry state;
- ``status``: the employment status (``registry.spells``' one rule);
- ``registrations``: 就业登记, 失业登记 and 注销 (``registry.registrations``' one rule);
- ``zero_employment``: the rule's parameters, the verdict (one household, some, all) and the cases;
- ``disclosure``: reveals of full numbers and views of sensitive categories."""

from __future__ import annotations

from jiuye.registry.services.common import (
    ID_PURPOSE,
    PHONE_PURPOSE,
    StaleEdit,
    id_hash,
    id_hashes,
    phone_hash,
    phone_hashes,
    writable_village,
)
from jiuye.registry.services.disclosure import person_reveal, sensitive_viewed
from jiuye.registry.services.households import household_get_or_create, household_set_relocation_site
from jiuye.registry.services.persons import (
    PersonInput,
    person_correct_id,
    person_create,
    person_move,
    person_move_to,
    person_register,
    person_set_groups,
    person_set_state,
    person_snapshot,
    person_update,
)
from jiuye.registry.services.registrations import (
    held_registrations,
    registration_employment,
    registration_end,
    registration_record,
    registration_unemployment,
)
from jiuye.registry.services.status import spell_facts, status_change, status_on
from jiuye.registry.services.zero_employment import (
    _recompute_households,
    _years_before,
    case_add_measure,
    case_assign,
    household_refresh,
    households_recompute_all,
    households_refresh,
    zero_rule,
    zero_rule_update,
)

__all__ = [
    "ID_PURPOSE",
    "PHONE_PURPOSE",
    "PersonInput",
    "StaleEdit",
    "_recompute_households",
    "_years_before",
    "case_add_measure",
    "case_assign",
    "held_registrations",
    "household_get_or_create",
    "household_refresh",
    "household_set_relocation_site",
    "households_recompute_all",
    "households_refresh",
    "id_hash",
    "id_hashes",
    "person_correct_id",
    "person_create",
    "person_move",
    "person_move_to",
    "person_register",
    "person_reveal",
    "person_set_groups",
    "person_set_state",
    "person_snapshot",
    "person_update",
    "phone_hash",
    "phone_hashes",
    "registration_employment",
    "registration_end",
    "registration_record",
    "registration_unemployment",
    "sensitive_viewed",
    "spell_facts",
    "status_change",
    "status_on",
    "writable_village",
    "zero_rule",
    "zero_rule_update",
]
