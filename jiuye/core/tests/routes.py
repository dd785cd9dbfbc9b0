"""Core's routes in the access matrix: the audit log (pages and API) and the API's documents."""

from __future__ import annotations

from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route

ROUTES = [
    Route("audit:event_list", perm=Perm.READ_AUDIT),
    Route("audit:verify", "POST", perm=Perm.READ_AUDIT),
    Route("api-1.0.0:openapi-view"),
    Route("api-1.0.0:openapi-json"),
    Route("api-1.0.0:audit_event_list", perm=Perm.READ_AUDIT, api=True),
]
