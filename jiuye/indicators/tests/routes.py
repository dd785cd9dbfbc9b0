"""The statistics' routes in the access matrix."""

from __future__ import annotations

from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route

ROUTES = [
    Route("indicators:home", perm=Perm.VIEW_STATISTICS, ok=(302,)),
    Route("indicators:catalogue", perm=Perm.VIEW_STATISTICS, fuzz_query=("q",)),
    Route(
        "indicators:params",
        perm=Perm.MANAGE_STATISTICS,
        query="code=urban_new_employment",
        fuzz_forms=True,
    ),
    Route(
        "indicators:entered", perm=Perm.VIEW_STATISTICS, fuzz_query=("period", "region", "indicator"), fuzz_forms=True
    ),
    Route("indicators:periods", perm=Perm.VIEW_STATISTICS, fuzz_query=("page",)),
    Route(
        "indicators:period_lock",
        "POST",
        perm=Perm.MANAGE_STATISTICS,
        data={"period": "2025-12", "action": "lock", "reason": "矩阵"},
        ok=(302,),
    ),
    Route("indicators:boundary_upload", perm=Perm.MANAGE_STATISTICS),
    Route("indicators:dashboard", perm=Perm.VIEW_STATISTICS, target="region", fuzz_query=("period", "focus")),
    Route("indicators:dashboard_export", perm=Perm.VIEW_STATISTICS, target="region", fuzz_query=("period", "focus")),
    Route(
        "indicators:drilldown",
        perm=Perm.VIEW_PERSONAL_DATA,
        target="region",
        query="indicator=labour_force",
        fuzz_query=("indicator", "period", "page"),
    ),
    Route("indicators:targets", perm=Perm.VIEW_STATISTICS, target="region", fuzz_query=("period", "year")),
    Route(
        "indicators:target_split",
        perm=Perm.SET_TARGETS,
        target="region",
        query="indicator=urban_new_employment&start_year=2026&end_year=2026",
        fuzz_query=("indicator", "year", "code"),
        fuzz_forms=True,
    ),
    Route("api-1.0.0:indicator_list", perm=Perm.VIEW_STATISTICS, api=True),
    Route("api-1.0.0:measurement_list", perm=Perm.VIEW_STATISTICS, api=True, query="indicator=labour_force"),
]
