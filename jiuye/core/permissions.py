"""Roles and the permission matrix: which role may call which function.

Row-level scope (which records) is decided by ``visible_to``; this module decides only the
function level (what kind of action). A role lacking a permission gets 403; a record outside
the user's region gets 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县区")
    TOWN = "town", _("镇街")
    VILLAGE = "village", _("村社区")


LEVEL_DEPTH = {Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3, Level.VILLAGE: 4}


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级业务管理员")
    COUNTY_OFFICER = "county_officer", _("县区经办人员")
    TOWN_OFFICER = "town_officer", _("镇街经办人员")
    VILLAGE_CLERK = "village_clerk", _("村社区协理员")
    LEADER = "leader", _("领导（只读）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The three separated duties of 等保 level 3.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# The region levels a role's scope may be set to.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset({Level.CITY}),
    Role.COUNTY_OFFICER: frozenset({Level.COUNTY}),
    Role.TOWN_OFFICER: frozenset({Level.TOWN}),
    Role.VILLAGE_CLERK: frozenset({Level.VILLAGE}),
    Role.LEADER: frozenset({Level.CITY, Level.COUNTY}),
    Role.SYSTEM_ADMIN: frozenset({Level.CITY}),
    Role.SECURITY_ADMIN: frozenset({Level.CITY, Level.COUNTY}),
    Role.AUDIT_ADMIN: frozenset({Level.CITY, Level.COUNTY}),
}


class Perm(StrEnum):
    VIEW_REGIONS = "view_regions"
    VIEW_PERSONAL_DATA = "view_personal_data"
    REVEAL_PERSONAL_DATA = "reveal_personal_data"
    EDIT_BUSINESS_DATA = "edit_business_data"
    MANAGE_ZONES = "manage_zones"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    VIEW_STATISTICS = "view_statistics"
    ENTER_STATISTICS = "enter_statistics"
    SET_TARGETS = "set_targets"
    MANAGE_STATISTICS = "manage_statistics"
    APPROVE_EXPORTS = "approve_exports"
    IMPORT_DATA = "import_data"


_BUSINESS = {Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.TOWN_OFFICER, Role.VILLAGE_CLERK}

MATRIX: dict[str, frozenset[str]] = {
    Perm.VIEW_REGIONS: frozenset(_BUSINESS | {Role.LEADER} | ADMIN_ROLES),
    Perm.VIEW_PERSONAL_DATA: frozenset(_BUSINESS | {Role.LEADER}),
    Perm.REVEAL_PERSONAL_DATA: frozenset(_BUSINESS),
    Perm.EDIT_BUSINESS_DATA: frozenset(_BUSINESS),
    Perm.MANAGE_ZONES: frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN}),
    Perm.MANAGE_USERS: frozenset({Role.SECURITY_ADMIN}),
    Perm.READ_AUDIT: frozenset({Role.AUDIT_ADMIN}),
    Perm.VIEW_STATISTICS: frozenset(_BUSINESS | {Role.LEADER}),
    # Figures from elsewhere (统计局) are entered at city and county level.
    Perm.ENTER_STATISTICS: frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER}),
    # Targets come from above: the city for counties, a county for its towns, a town for villages.
    Perm.SET_TARGETS: frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.TOWN_OFFICER}),
    # Definitions' parameters, period locks, map boundaries: city-wide settings.
    Perm.MANAGE_STATISTICS: frozenset({Role.CITY_ADMIN}),
    # Exports of personal data above the approval line: another officer at county or city level.
    Perm.APPROVE_EXPORTS: frozenset({Role.CITY_ADMIN, Role.COUNTY_OFFICER}),
    # The import page: business officers (ledgers, registrations, targets) and the system admin
    # (the region codes); each import kind also demands its own permission.
    Perm.IMPORT_DATA: frozenset(_BUSINESS | {Role.SYSTEM_ADMIN}),
}


_LABELS: dict[str, Any] = {}


def define_permission(code: str, label: Any, roles: frozenset[str]) -> str:
    """A right a module brings (``programs.approve_payments``), held by these roles: registered in
    its ``AppConfig.ready`` beside the core rights of ``Perm``, decided by the same ``has_perm``,
    declared by pages and operations the same way (``staff_view(code)``, ``api_view(code)``)."""
    if code in MATRIX and MATRIX[code] != roles:
        raise ValueError(f"permission {code} defined twice, differently")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"permission {code}: unknown roles {sorted(unknown)}")
    MATRIX[code] = frozenset(roles)
    _LABELS[code] = label
    return code


def permission_label(code: str) -> Any:
    return _LABELS.get(code, code)


class ScopedUser(Protocol):
    """What scoping needs to know of a user (accounts.User satisfies it)."""

    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def region_id(self) -> str | None: ...
    @property
    def write_region_id(self) -> str | None: ...


def has_perm(user: ScopedUser, perm: Perm | str) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return user.role in MATRIX[perm]


def can_view_sensitive(user: Any) -> bool:
    """The security label (等保 访问控制 g): sensitive categories of personal information are
    shown to a user whose role sees personal data and whom the security admin has granted them."""
    return has_perm(user, Perm.VIEW_PERSONAL_DATA) and bool(getattr(user, "sensitive_access", False))


def requires_mfa(role: str) -> bool:
    return role in set(settings.JIUYE_MFA_ROLES)


def is_admin_role(role: str) -> bool:
    return role in ADMIN_ROLES
