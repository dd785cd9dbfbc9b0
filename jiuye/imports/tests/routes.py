"""The imports app's routes in the access matrix, and the import job they open."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route, World
from jiuye.imports.models import ImportJob


def job(world: World, user: User, own: bool) -> dict[str, Any]:
    done = ImportJob.objects.create(
        kind="registry",
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
    Route("imports:job_list", perm=Perm.EDIT_BUSINESS_DATA, fuzz_query=("page",), fuzz_forms=True),
    Route("imports:template", perm=Perm.EDIT_BUSINESS_DATA),
    Route("imports:job_detail", perm=Perm.EDIT_BUSINESS_DATA, target="job"),
    Route("imports:job_errors", perm=Perm.EDIT_BUSINESS_DATA, target="job"),
]
