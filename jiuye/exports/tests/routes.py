"""The exports app's routes in the access matrix, and the export request they open."""

from __future__ import annotations

from typing import Any

from jiuye.accounts.models import User
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.tests.matrix import Route, World
from jiuye.exports.models import ExportRequest


def export(world: World, user: User, own: bool) -> dict[str, Any]:
    requester = user if own else world.neighbour
    request = ExportRequest.objects.create(
        kind="registry.person", rows=6000, reason="矩阵核对", requested_by=requester, region_code=requester.region_id
    )
    return {"pk": request.pk}


TARGETS = {"export": export}


def another_officers(answer: tuple[int, ...]) -> Any:
    """Another officer's request in scope: an approver opens it (with ``answer``), anyone else
    does not see it."""

    def expected(user: User) -> tuple[int, ...]:
        return answer if has_perm(user, Perm.APPROVE_EXPORTS) else (404,)

    return expected


ROUTES = [
    Route("exports:request_list", perm=Perm.VIEW_PERSONAL_DATA, fuzz_query=("page",)),
    Route(
        "exports:request_create",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        data={"kind": "registry.person", "params": "", "reason": "矩阵核对"},
        ok=(422,),  # a handful of persons in scope: below the approval line, the form says so
    ),
    Route("exports:request_detail", perm=Perm.VIEW_PERSONAL_DATA, target="export", neighbour=another_officers((200,))),
    # The user's own request is still pending: back to the request with a message. Another's
    # request is not the approver's to download.
    Route(
        "exports:request_download",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        target="export",
        ok=(302,),
        neighbour=another_officers((403,)),
    ),
    Route("api-1.0.0:request_list", perm=Perm.VIEW_PERSONAL_DATA, api=True),
    Route(
        "api-1.0.0:request_create",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        data={"kind": "registry.person", "params": "", "reason": "矩阵核对"},
        ok=(422,),  # a handful of persons in scope: below the approval line
    ),
    Route(
        "api-1.0.0:request_detail",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        target="export",
        neighbour=another_officers((200,)),
    ),
    # The user's own request: not his or hers to decide; withdrawn; not approved, so no file.
    Route(
        "api-1.0.0:request_decide",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        target="export",
        data={"approve": True},
        ok=(403,),
        neighbour=another_officers((200,)),  # the neighbour's request is the approver's to decide
    ),
    Route(
        "api-1.0.0:request_withdraw",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        target="export",
        neighbour=another_officers((403,)),
    ),
    Route(
        "api-1.0.0:request_download",
        "POST",
        perm=Perm.VIEW_PERSONAL_DATA,
        api=True,
        target="export",
        ok=(422,),
        neighbour=another_officers((403,)),
    ),
]
