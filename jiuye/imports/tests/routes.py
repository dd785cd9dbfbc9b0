"""The imports app's routes in the access matrix, and the import job they open."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World
from jiuye.imports import kinds
from jiuye.imports.models import ImportJob


def job(world: World, user: User, own: bool) -> dict[str, Any]:
    """A finished job of a kind the user may import (a ledger; the region codes for the system
    admin), in the user's region or in county B."""
    allowed = kinds.kinds_for(user)
    done = ImportJob.objects.create(
        kind=allowed[0].code if allowed else "registry.persons",
        original_name="台账.xlsx",
        stored_path="",
        sha256="0" * 64,
        uploaded_by=world.writer,
        region_code=user.region_id if own else "610902001003",
        as_of=date(2026, 10, 31),
        status="done",
    )
    return {"pk": done.pk}


TARGETS = {"job": job}

ROUTES = [
    Route("imports:job_list", perm=Perm.IMPORT_DATA, fuzz_query=("page",), fuzz_forms=True),
    Route("imports:template", perm=Perm.EDIT_BUSINESS_DATA, query="kind=registry.persons"),
    Route("imports:job_detail", perm=Perm.IMPORT_DATA, target="job"),
    Route("imports:job_errors", perm=Perm.IMPORT_DATA, target="job"),
    # A finished import is no preview: the owner is sent back to it with a message.
    Route("imports:job_confirm", method="POST", perm=Perm.IMPORT_DATA, target="job", ok=(302,)),
]
