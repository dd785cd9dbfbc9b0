from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "jiuye.programs"
    label = "programs"
    verbose_name = _("政策资金")

    def ready(self) -> None:
        """What the module plugs into the platform: its rights, audit actions, programs, menu
        item, import kinds, snapshot frames and record sources. Its indicators are found in
        ``programs.indicators``."""
        from jiuye.core import home, nav
        from jiuye.programs import (
            actions,  # noqa: F401
            importing,
            records,
            rules,
            snapshot,
        )
        from jiuye.programs.permissions import VIEW_PROGRAMS
        from jiuye.programs.selectors import home_agenda

        rules.register_shipped()
        from jiuye.programs import facts, loans, posts

        facts.register_gather("public_welfare", posts.gather_payroll)
        facts.register_gather("loan_interest", loans.gather_interest)
        nav.register(nav.NavItem("programs:overview", _("政策资金"), order=260, perm=VIEW_PROGRAMS))
        importing.register()
        snapshot.register()
        records.register_sources()
        home.register_agenda("programs", home_agenda)
