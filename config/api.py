"""The API at /api/v1: one NinjaAPI composed from each app's router."""

from __future__ import annotations

from ninja import NinjaAPI

from jiuye.accounts.api import BrowserSessionAuth, TokenAuth
from jiuye.accounts.api import router as accounts_router
from jiuye.core.access import staff_view
from jiuye.core.api import audit_router, install_error_handlers
from jiuye.employers.api import router as employers_router
from jiuye.exports.api import router as exports_router
from jiuye.indicators.api import router as indicators_router
from jiuye.jobs.api import router as jobs_router
from jiuye.programs.api import router as programs_router
from jiuye.regions.api import router as regions_router
from jiuye.registry.api import router as registry_router

# Machines: Bearer tokens (no CSRF: a token is never sent by a browser on its own). Browsers: the
# session cookie, with CSRF checked on unsafe methods; it stands aside when a token is named.
api = NinjaAPI(
    title="就业服务信息平台接口",
    version="1.0.0",
    description="所有数据按用户的管辖区划过滤；范围之外的对象返回 404。",
    auth=[TokenAuth(), BrowserSessionAuth(csrf=True)],
    docs_url="/docs",
    docs_decorator=staff_view(),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", regions_router)
api.add_router("", audit_router)
api.add_router("", registry_router)
api.add_router("", employers_router)
api.add_router("", jobs_router)
api.add_router("", programs_router)
api.add_router("", indicators_router)
api.add_router("", exports_router)
