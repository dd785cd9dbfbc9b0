"""What the registry's writes share: keyed hashes of ID numbers and phones, the stale-edit error, the checks of scope, choices, dates and the security label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.crypto import blind_index, blind_index_many
from jiuye.core.permissions import can_view_sensitive
from jiuye.core.scoping import can_write
from jiuye.regions.models import Region
from jiuye.registry import idcard
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    KeyGroup,
    PersonState,
)
from jiuye.registry.models import (
    Person,
)

ID_PURPOSE = "registry.person.id_number"


PHONE_PURPOSE = "registry.person.phone"


def id_hash(number: str) -> str:
    return blind_index(idcard.normalize(number), purpose=ID_PURPOSE)


def phone_hash(phone: str) -> str:
    return blind_index(phone.strip(), purpose=PHONE_PURPOSE)


def id_hashes(numbers: Sequence[str]) -> list[str]:
    """``id_hash`` over a batch (the import), the key derived once."""
    return blind_index_many([idcard.normalize(n) for n in numbers], purpose=ID_PURPOSE)


def phone_hashes(phones: Sequence[str]) -> list[str]:
    return blind_index_many([p.strip() for p in phones], purpose=PHONE_PURPOSE)


class StaleEdit(Exception):
    """Someone else saved the record since it was read; carries what changed."""

    def __init__(self, current: Person, changed: dict[str, tuple[Any, Any]]) -> None:
        super().__init__("stale edit")
        self.current = current
        self.changed = changed


def writable_village(*, actor: Any, code: str, field: str) -> Region:
    """The village a form or payload names by code, if the actor may change records there; else a
    refusal on ``field``, the same for a code that does not exist and one outside the region."""
    region = Region.objects.visible_to(actor).filter(code=code, level="village").first()
    if region is None or not can_write(actor, region.code):
        raise ValidationError({field: _("区划代码不存在或不在您的管辖范围内。")})
    return region


def _on_record(person: Person, field: str, day: date) -> None:
    """Nothing is recorded for a person from the day he or she died or left the registry on (a
    correction of the time before stays possible)."""
    if person.state != PersonState.ACTIVE and person.state_date is not None and day >= person.state_date:
        raise ValidationError(
            {
                field: _("该人员自 %(date)s 起已%(state)s，此后的情况不再记录。")
                % {"date": person.state_date.isoformat(), "state": person.get_state_display()}
            }
        )


def _lock_person(person: Person) -> None:
    """Writes to one person are serialised: lock the row and read it again, so that the checks
    that follow (the open spell, the open registration, the registry state) see what a clerk who
    got there first has just committed, rather than race it into a duplicate or a 500."""
    person.refresh_from_db(from_queryset=Person.objects.select_for_update())


def _check_sensitive_groups(actor: Any, groups: Iterable[str]) -> None:
    """What a user may not see, he or she may not set either (the security label)."""
    barred = sorted(set(groups) & SENSITIVE_GROUPS)
    if barred and actor is not None and not can_view_sensitive(actor):
        labels = dict(KeyGroup.choices)
        raise ValidationError(
            {
                "groups": _("您没有查看敏感信息的授权，不能登记“%(value)s”。")
                % {"value": "、".join(str(labels[g]) for g in barred)}
            }
        )


def _check_choices(model: Any, **values: Any) -> None:
    """Every enumerated value a service is given is one of its field's choices (the forms, the
    API schemas and the import check them too; this is the last line, for every other caller)."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if value in (None, "") and field.blank:
            continue
        if value not in {choice for choice, _label in field.flatchoices}:
            errors[name] = _("“%(value)s”不是有效选项。") % {"value": value}
    if errors:
        raise ValidationError(errors)


def _not_after_today(field: str, day: date) -> None:
    """What has happened is recorded, not what is planned: a date after today is refused."""
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
