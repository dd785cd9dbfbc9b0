"""Reads on the registry, always from ``visible_to(user)``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jiuye.accounts.models import User
from jiuye.core.permissions import can_view_sensitive
from jiuye.core.scoping import (
    code_from_typed,
    code_level,
    code_prefix,
    get_editable_or_404,
    get_visible_or_404,
    prefix_lookup,
)
from jiuye.regions.models import ancestor_codes
from jiuye.registry import idcard, services
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    CaseStatus,
    Fact,
    KeyGroup,
    LaborAbility,
    PersonState,
    Relation,
)
from jiuye.registry.models import (
    EmploymentSpell,
    Household,
    Person,
    PersonChange,
    PersonGroup,
    Registration,
    ZeroEmploymentCase,
)

AGE_BANDS = {
    "0-15": (0, 15),
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-60": (45, 60),
    "61+": (61, 150),
}


@dataclass
class PersonFilters:
    region: str = ""
    status: str = ""
    group: str = ""
    ability: str = ""
    willing: str = ""
    age_band: str = ""
    name: str = ""
    state: str = PersonState.ACTIVE
    # Searched by POST only, never in a URL (security bar D-6).
    id_number: str = ""
    phone: str = ""


ALL_STATES = "all"
REGION_FILTER_ERROR = _lazy("区划代码应为 12 位统计用区划代码（县区可填前 6 位，乡镇可填前 9 位）。")


def state_filter(value: str) -> str:
    """在册状态 as a list asks for it: nothing said means those in the registry (a link that filters
    by status alone must not bring back the dead); ``all`` means everyone."""
    return "" if value == ALL_STATES else (value or PersonState.ACTIVE)


def _birth_range(band: str, on: date) -> tuple[date, date] | None:
    limits = AGE_BANDS.get(band)
    if limits is None:
        return None
    low, high = limits
    latest = date(on.year - low, on.month, min(on.day, 28))
    earliest = date(on.year - high - 1, on.month, min(on.day, 28))
    return earliest, latest


def person_list(*, user: Any, filters: PersonFilters) -> QuerySet[Person]:
    qs = Person.objects.visible_to(user).select_related("household", "region")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.region.strip():
        # As a clerk types it (a county's 6 digits, a town's 9): a code that names no region is
        # refused, never ignored, so that a list or an export never widens silently.
        code = code_from_typed(filters.region)
        if code is None:
            raise ValidationError({"region": [str(REGION_FILTER_ERROR)]})
        qs = qs.filter(**prefix_lookup("region__code", code_prefix(code)))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.group:
        if filters.group in SENSITIVE_GROUPS and not can_view_sensitive(user):
            # A list filtered by 残疾人 says who has it: the security label is needed for that too.
            raise PermissionDenied(_("按敏感类别查询需要敏感信息授权。"))
        qs = qs.filter(pk__in=PersonGroup.objects.filter(group=filters.group).values("person_id"))
    if filters.ability:
        qs = qs.filter(labor_ability=filters.ability)
    if filters.willing in ("1", "0"):
        qs = qs.filter(willing=filters.willing == "1")
    birth = _birth_range(filters.age_band, timezone.localdate())
    if birth:
        qs = qs.filter(birth_date__gt=birth[0], birth_date__lte=birth[1])
    name = filters.name.strip()
    if name:
        if re.fullmatch(r"[A-Za-z ]+", name):
            qs = qs.filter(name_pinyin__contains=name.replace(" ", "").lower())
        else:
            qs = qs.filter(name__contains=name)
    if filters.id_number.strip():
        qs = qs.filter(id_hash=services.id_hash(idcard.normalize(filters.id_number)))
    if filters.phone.strip():
        qs = qs.filter(phone_hash=services.phone_hash(filters.phone.strip()))
    return qs.order_by("region_id", "household_id", "id")


def person_writable_by_id(*, user: Any, id_number: str) -> Person:
    """The person of an ID number the user may change; a ValidationError on ``id_number`` says why
    not (an invalid number, or none in the user's area: the same answer for one out of scope)."""
    normalized = idcard.normalize(id_number or "")
    if not idcard.is_valid(normalized):
        raise ValidationError({"id_number": _("公民身份号码无效。")})
    person = Person.objects.editable_by(user).filter(id_hash=services.id_hash(normalized)).first()
    if person is None:
        raise ValidationError({"id_number": _("劳动力台账中没有您辖区内的这个人员。")})
    return person


def person_get(*, user: Any, pk: int) -> Person:
    return get_visible_or_404(Person.objects.select_related("household", "region"), user, pk=pk)


def person_timeline(*, person: Person) -> list[EmploymentSpell]:
    return list(EmploymentSpell.objects.filter(person=person).select_related("recorded_by").order_by("-start", "-id"))


@dataclass(frozen=True)
class ChangeShown:
    effective: date
    fact: Any
    before: str
    after: str
    source: Any
    recorded_by: Any


def person_changes(*, user: Any, person: Person) -> list[ChangeShown]:
    """The person's dated history as a page shows it: labels, 是/否, household numbers; a change of a
    sensitive key group only to a user holding the security label."""
    sensitive = can_view_sensitive(user)
    changes = list(
        PersonChange.objects.filter(person=person).select_related("recorded_by").order_by("-effective", "-id")
    )
    # Households by their number, those of the user's region only (a household the person left in
    # another county is shown as "—", as on a stale edit).
    named = [int(v) for c in changes if c.fact == Fact.HOUSEHOLD for v in (c.before, c.after) if v.isdigit()]
    households = dict(Household.objects.visible_to(user).filter(pk__in=named).values_list("pk", "number"))
    labels: dict[str, dict[str, Any]] = {
        Fact.LABOR_ABILITY: dict(LaborAbility.choices),
        Fact.RELATION: dict(Relation.choices),
        Fact.GROUP: dict(KeyGroup.choices),
        Fact.WILLING: {"1": _("是"), "0": _("否")},
        Fact.HOUSEHOLD: {str(k): v for k, v in households.items()},
    }
    shown = []
    for change in changes:
        if change.fact == Fact.GROUP and not sensitive and {change.before, change.after} & SENSITIVE_GROUPS:
            continue
        names = labels.get(change.fact, {})
        shown.append(
            ChangeShown(
                effective=change.effective,
                fact=change.get_fact_display(),
                before=_shown(names, change.fact, change.before),
                after=_shown(names, change.fact, change.after),
                source=change.get_source_display(),
                recorded_by=change.recorded_by,
            )
        )
    return shown


def _shown(names: dict[str, Any], fact: str, value: str) -> str:
    if not value or (fact == Fact.HOUSEHOLD and value not in names):
        return "—"
    return str(names.get(value, value))


def person_registrations(*, person: Person) -> list[Registration]:
    return list(Registration.objects.filter(person=person).order_by("-date", "-id"))


def relocation_sites(*, user: Any, county: str, limit: int = 200) -> list[str]:
    """The relocation sites already recorded in a county (as far as the user sees)."""
    return list(
        Household.objects.visible_to(user)
        .filter(**prefix_lookup("region__code", county), relocation_site__gt="")
        .values_list("relocation_site", flat=True)
        .distinct()
        .order_by("relocation_site")[:limit]
    )


def household_get(*, user: Any, pk: int) -> Household:
    return get_visible_or_404(
        Household.objects.select_related("region").prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("relation", "birth_date"))
        ),
        user,
        pk=pk,
    )


def case_list(
    *, user: Any, status: str = CaseStatus.OPEN, overdue: bool = False, relocated: bool = False, region: str = ""
) -> QuerySet[ZeroEmploymentCase]:
    qs = ZeroEmploymentCase.objects.visible_to(user).select_related(
        "household", "household__region", "household__region__parent", "assigned_to"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=CaseStatus.OPEN, deadline__lt=timezone.localdate())
    if relocated:
        qs = qs.filter(
            Q(household__relocation_site__gt="") | Q(household__members__groups__group="relocated")
        ).distinct()
    if region and code_level(region):
        qs = qs.filter(**prefix_lookup("region_code", code_prefix(region)))
    return qs.order_by("deadline", "id")


AGENDA_DAYS = 14  # cases due within this many days (or overdue) are on the home page's agenda


def home_agenda(user: Any) -> list[Any]:
    """The open zero-employment cases due soonest (overdue first), for the home page."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jiuye.core.home import AGENDA_SHOWN, AgendaItem
    from jiuye.core.masking import mask_name
    from jiuye.core.permissions import Perm, has_perm

    if not has_perm(user, Perm.VIEW_PERSONAL_DATA):
        return []
    today = timezone.localdate()
    cases = list(
        ZeroEmploymentCase.objects.visible_to(user)
        .filter(status=CaseStatus.OPEN, deadline__lte=today + timedelta(days=AGENDA_DAYS))
        .select_related("household__region__parent", "assigned_to")
        .order_by("deadline", "pk")[:AGENDA_SHOWN]
    )
    heads = household_heads(user=user, household_ids=[c.household_id for c in cases])
    items = []
    for case in cases:
        village = case.household.region
        where = f"{village.parent.name if village.parent else ''} {village.name}".strip()
        who = str(case.assigned_to) if case.assigned_to else _("未指定责任人")
        items.append(
            AgendaItem(
                title=_("零就业家庭清零：%(where)s %(number)s 号户")
                % {"where": where, "number": case.household.number},
                url=reverse("registry:case_detail", args=[case.pk]),
                detail=_("户主 %(head)s · %(who)s")
                % {"head": mask_name(heads.get(case.household_id, "")) or "—", "who": who},
                due=case.deadline,
                warn=case.deadline < today,
            )
        )
    return items


def household_heads(*, user: Any, household_ids: Iterable[int]) -> dict[int, str]:
    """The name of each household's head (户主), as far as the user can see; for a list to mask."""
    return dict(
        Person.objects.visible_to(user)
        .filter(household_id__in=list(household_ids), relation=Relation.HEAD, state=PersonState.ACTIVE)
        .values_list("household_id", "name")
    )


def case_get(*, user: Any, pk: int, for_change: bool = False) -> ZeroEmploymentCase:
    """A case the user may see (or, ``for_change``, change); anything else is a 404."""
    fetch = get_editable_or_404 if for_change else get_visible_or_404
    return fetch(
        ZeroEmploymentCase.objects.select_related("household", "household__region", "assigned_to"), user, pk=pk
    )


# The roles that work cases (not leaders or the system, security and audit administrators).
CASE_ROLES = ("city_admin", "county_officer", "town_officer", "village_clerk")


def case_officers(*, user: Any, case: ZeroEmploymentCase) -> QuerySet[Any]:
    """Who may be made responsible for a case: active business officers of the household's
    village or of a region above it, as far as the user can see."""
    village = case.household.region_id
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=CASE_ROLES, region__code__in=[*ancestor_codes(village), village])
        .order_by("region__code", "username")
    )


def case_counts_by_county(*, user: Any) -> list[dict[str, Any]]:
    """Open and overdue cases per county of the user's scope."""
    from django.db.models.functions import Substr

    today = timezone.localdate()
    rows = (
        ZeroEmploymentCase.objects.visible_to(user)
        .filter(status=CaseStatus.OPEN)
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
        .order_by("county")
    )
    return [dict(row) for row in rows]


def home_tiles(user: Any) -> list[Any]:
    """Zero-employment cases open and overdue in the user's region, for the home page."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from jiuye.core.home import Tile
    from jiuye.core.permissions import Perm, has_perm

    if not has_perm(user, Perm.VIEW_PERSONAL_DATA):
        return []
    cases = ZeroEmploymentCase.objects.visible_to(user).filter(status=CaseStatus.OPEN)
    overdue = cases.filter(deadline__lt=timezone.localdate()).count()
    url = reverse("registry:case_list")
    return [
        Tile(cases.count(), _("待清零的零就业家庭"), f"{url}?status=open"),
        Tile(overdue, _("超期未清零"), f"{url}?status=open&overdue=on", warn=overdue > 0),
    ]
