from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jiuye.jobs"
    label = "jobs"
    verbose_name = _("招聘服务")

    def ready(self) -> None:
        """What the module plugs into the platform: its right, audit actions, menu items, import
        kind, snapshot frames, panels on the registry's and the employers' pages, home agenda.
        Its indicators are found in ``jobs.indicators``."""
        from jiuye.core import home, nav, panels
        from jiuye.jobs import (
            actions,  # noqa: F401
            importing,
            records,
            snapshot,
        )
        from jiuye.jobs import panels as job_panels
        from jiuye.jobs.permissions import VIEW_JOBS
        from jiuye.jobs.selectors import home_agenda

        # One item: events, referrals and 见习 are tabs of its page.
        nav.register(nav.NavItem("jobs:posting_list", _("招聘服务"), order=240, perm=VIEW_JOBS))
        importing.register()
        snapshot.register()
        records.register_sources()
        panels.register("registry.person", "jobs", job_panels.person_panel)
        panels.register("registry.case", "jobs", job_panels.case_panel)
        panels.register("employers.employer", "jobs", job_panels.employer_panel)
        home.register_agenda("jobs", home_agenda)
