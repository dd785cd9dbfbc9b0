"""Every route of the URL configuration is in some app's route table, and the tables agree with
the views' declared access."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from jiuye.core.tests.matrix import all_routes, all_targets

# Routes open to anonymous visitors, and framework routes checked elsewhere.
PUBLIC = {
    "accounts:login",
    "accounts:login_totp",
    "accounts:totp_setup",
    "set_language",
    "favicon",
    "api-1.0.0:api-root",
    "jobs:board",  # the public job board (jobs/tests/test_board.py)
    "jobs:board_detail",
}


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_route_is_in_a_route_table() -> None:
    assert _url_names() - PUBLIC == {r.name for r in all_routes()}


def test_every_target_a_route_opens_has_a_builder() -> None:
    from jiuye.core.tests.matrix import BUILT_IN

    known = {*BUILT_IN, *all_targets()}
    assert {r.target for r in all_routes() if r.target} <= known


def _operations() -> list[tuple[str, str, object]]:
    from config.api import api

    found = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found.append((",".join(operation.methods), path, operation.view_func))
    return found


def _declared(func: object) -> object:
    """The access an operation declares, through the decorators wrapped around it (pagination)."""
    while func is not None:
        access = getattr(func, "jiuye_access", None)
        if access is not None:
            return access
        func = getattr(func, "__wrapped__", None)
    return None


def test_every_api_operation_declares_its_access() -> None:
    """As ``staff_view`` for pages: ``api_view(*perms)`` on every operation, checked before it runs."""
    operations = _operations()
    assert len(operations) > 30
    undeclared = [f"{methods} {path}" for methods, path, func in operations if _declared(func) is None]
    assert undeclared == []
