"""What the apps plug into core: the menu and the audit-action catalogue. Core names no app; the
apps register in ``AppConfig.ready``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from jiuye.accounts.models import User
from jiuye.conftest import ROOT, login
from jiuye.core import nav
from jiuye.core.audit import AuditAction, all_actions, audit_record, long_kept_codes
from jiuye.core.models import AuditEvent
from jiuye.exports.models import ExportRequest


def _menu(user: User) -> list[tuple[str, str]]:
    response = login(Client(), user).get("/")
    return [(str(item["label"]), str(item.get("badge", ""))) for item in response.context["nav_items"]]


@pytest.mark.django_db
def test_the_menu_is_what_the_apps_registered_for_the_users_rights(personas: dict[str, User]) -> None:
    officer = [label for label, _badge in _menu(personas["county_a"])]
    assert officer[:9] == [
        "首页",
        "劳动力台账",
        "零就业家庭",
        "用工主体",
        "招聘服务",
        "政策资金",
        "数据导入",
        "导出审批",
        "统计分析",
    ]
    assert "用户管理" not in officer and "审计日志" not in officer
    system = [label for label, _badge in _menu(personas["system_admin"])]
    assert "劳动力台账" not in system and "行政区划" in system
    assert [label for label, _badge in _menu(personas["audit_admin"])].count("审计日志") == 1


@pytest.mark.django_db
def test_the_approvers_badge_counts_the_requests_waiting(personas: dict[str, User]) -> None:
    requester = personas["town_a"]
    ExportRequest.objects.create(
        kind="registry.person", rows=6000, reason="报送", requested_by=requester, region_code=requester.region_id
    )
    assert ("导出审批", "1") in _menu(personas["county_a"])
    assert ("导出审批", "") in _menu(personas["county_b"])  # another county's request


def test_every_menu_item_names_a_route_and_a_place() -> None:
    from django.urls import reverse

    items = nav.all_items()
    assert len({i.order for i in items}) == len(items)  # no two items claim the same place
    for item in items:
        assert reverse(item.url_name)


def test_every_action_has_a_chinese_name() -> None:
    with translation.override("zh-hans"):
        for action in all_actions():
            label = str(action.label)
            assert label and label != action.code and any("\u4e00" <= c <= "\u9fff" for c in label), action.code


def test_approvals_disclosures_and_grants_are_kept_three_years() -> None:
    kept = set(long_kept_codes())
    assert {"export.approve", "registry.reveal", "registry.export", "user.create", "token.create"} <= kept
    assert {"auth.login", "registry.person_update", "imports.run"}.isdisjoint(kept)


@pytest.mark.django_db
def test_an_action_outside_the_catalogue_is_refused() -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="catalogue"), transaction.atomic():
        audit_record(action=AuditAction("made.up", "随便"))
    assert AuditEvent.objects.count() == before


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_app_above_it() -> None:
    """Core is the base every app stands on: it registers what the apps bring, never names them."""
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "jiuye" / "core").rglob("*.py")
        if "tests" not in path.parts
        for module in _imports(path)
        if module.startswith("jiuye.") and not module.startswith("jiuye.core")
    )
    assert offenders == []


def test_every_app_depends_only_on_the_apps_before_it() -> None:
    """INSTALLED_APPS lists the project's apps in layers (see ``config/settings.py``): an app may
    use only the apps listed before it, so a module plugs into the platform and nothing below it
    ever names it."""
    from django.apps import apps

    order = [c.label for c in apps.get_app_configs() if c.name.startswith("jiuye.")]
    offenders = []
    for position, app in enumerate(order):
        for path in (ROOT / "jiuye" / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for module in _imports(path):
                used = module.split(".")[1] if module.startswith("jiuye.") else ""
                if used in order and order.index(used) > position:
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_a_module_brings_its_own_rights() -> None:
    from jiuye.core.permissions import MATRIX, Role, define_permission, has_perm, permission_label

    code = define_permission("testing.approve_things", "审批测试事项", frozenset({Role.CITY_ADMIN}))
    try:

        class Officer:
            is_authenticated = is_active = True
            role = Role.CITY_ADMIN

        class Clerk(Officer):
            role = Role.VILLAGE_CLERK

        assert has_perm(Officer(), code) and not has_perm(Clerk(), code)  # type: ignore[arg-type]
        assert permission_label(code) == "审批测试事项"
        with pytest.raises(ValueError, match="unknown roles"):
            define_permission("testing.other", "其他", frozenset({"mayor"}))
    finally:
        MATRIX.pop(code)
