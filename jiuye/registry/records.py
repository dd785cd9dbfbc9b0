"""How a drill-down lists the registry's records (``indicators.records``): persons and households,
fetched through ``visible_to``, masked as every list is."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.records import RecordSource, register
from jiuye.registry.models import Household, Person


def _persons(user: Any, ids: list[int]) -> Any:
    return Person.objects.visible_to(user).filter(pk__in=ids).select_related("region")


def _households(user: Any, ids: list[int]) -> Any:
    return Household.objects.visible_to(user).filter(pk__in=ids).select_related("region")


PERSONS = RecordSource(
    records="person",
    fetch=_persons,
    columns=(
        (_("姓名"), lambda p: p.name),
        (_("公民身份号码"), lambda p: p.id_masked),
        (_("村(社区)"), lambda p: p.region.name),
        (_("当前就业状态"), lambda p: p.get_status_display()),
    ),
    url=lambda p: reverse("registry:person_detail", args=[p.pk]),
)
HOUSEHOLDS = RecordSource(
    records="household",
    fetch=_households,
    columns=(
        (_("户编号"), lambda h: h.number),
        (_("村(社区)"), lambda h: h.region.name),
        (_("易地搬迁安置点"), lambda h: h.relocation_site),
    ),
    url=lambda h: reverse("registry:household_detail", args=[h.pk]),
)


def register_sources() -> None:
    """Called by the registry's ``AppConfig.ready``."""
    register(PERSONS)
    register(HOUSEHOLDS)
