"""The annual report's routes in the access matrix."""

from __future__ import annotations

from jiuye.core.permissions import Perm
from jiuye.core.tests.matrix import Route

ROUTES = [
    Route("reports:annual", perm=Perm.VIEW_STATISTICS, fuzz_query=("year", "region")),
    Route("reports:annual_docx", perm=Perm.VIEW_STATISTICS, query="year=2019"),
    Route("reports:annual_pdf", perm=Perm.VIEW_STATISTICS, query="year=2019", ok=(200, 503)),
]
