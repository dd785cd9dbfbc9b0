from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from jiuye.accounts import views as account_views
from jiuye.core import views as core_views
from jiuye.core.access import public_view

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("jiuye.accounts.urls")),
    path("regions/", include("jiuye.regions.urls")),
    path("audit/", include("jiuye.core.urls")),
    path("registry/", include("jiuye.registry.urls")),
    path("employers/", include("jiuye.employers.urls")),
    path("jobs/", include("jiuye.jobs.urls")),
    path("programs/", include("jiuye.programs.urls")),
    path("imports/", include("jiuye.imports.urls")),
    path("exports/", include("jiuye.exports.urls")),
    path("stats/", include("jiuye.indicators.urls")),
    path("reports/", include("jiuye.reports.urls")),
    # Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path(
        "favicon.ico",
        core_views.favicon,
        name="favicon",
    ),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("api/v1/", api.urls),
]

handler403 = "jiuye.core.views.permission_denied"
handler404 = "jiuye.core.views.page_not_found"
handler500 = "jiuye.core.views.server_error"
