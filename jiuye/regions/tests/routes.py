"""The regions app's routes in the access matrix."""

from __future__ import annotations

from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route

ROUTES = [
    Route("regions:browse", perm=Perm.VIEW_REGIONS, ok=(302,)),
    Route("regions:detail", perm=Perm.VIEW_REGIONS, target="region", fuzz_query=("q", "page")),
    Route("regions:children", perm=Perm.VIEW_REGIONS, target="region"),
    Route(
        "regions:picker",
        perm=Perm.VIEW_REGIONS,
        query="name=region&code=610924100001",
        fuzz_query=("q", "code", "levels"),
    ),
    Route("regions:picker", perm=Perm.VIEW_REGIONS, query="name=region&q=zy"),
    Route("regions:zone_create", perm=Perm.MANAGE_ZONES, target="parent", fuzz_forms=True),
    Route("api-1.0.0:region_list", perm=Perm.VIEW_REGIONS, api=True),
    Route("api-1.0.0:region_detail", perm=Perm.VIEW_REGIONS, api=True, target="region"),
    Route("api-1.0.0:region_children", perm=Perm.VIEW_REGIONS, api=True, target="region"),
    Route(
        "api-1.0.0:zone_create",
        "POST",
        perm=Perm.MANAGE_ZONES,
        api=True,
        target="parent",
        data={"name": "高新区"},
        ok=(201,),
    ),
]
