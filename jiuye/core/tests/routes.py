"""Core's routes in the access matrix: the audit log (pages and API) and the API's documents."""

from __future__ import annotations

from typing import Any

from jiuye.accounts.models import User
from jiuye.core import actions
from jiuye.core.audit import audit_record
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World


def audit_event(world: World, user: User, own: bool) -> dict[str, Any]:
    """An event of a region in the user's scope, or of county B."""
    event = audit_record(
        action=actions.RATE_LIMITED, actor=world.writer, region_code=world.region(user, own=own), after={"kind": "x"}
    )
    return {"seq": event.seq}


TARGETS = {"audit_event": audit_event}

ROUTES = [
    Route("audit:event_list", perm=Perm.READ_AUDIT),
    Route("audit:event_list", perm=Perm.READ_AUDIT, query="action=auth.login&since=2026-01-01"),
    Route("audit:detail", perm=Perm.READ_AUDIT, target="audit_event"),
    Route("audit:export", perm=Perm.READ_AUDIT),
    Route("audit:verify", "POST", perm=Perm.READ_AUDIT),
    Route("api-1.0.0:openapi-view"),
    Route("api-1.0.0:openapi-json"),
    Route("api-1.0.0:audit_event_list", perm=Perm.READ_AUDIT, api=True),
]
