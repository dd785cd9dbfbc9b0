from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "jiuye.employers"
    label = "employers"
    verbose_name = _("用工主体")

    def ready(self) -> None:
        """What the module plugs into the platform: its right, audit actions, menu items, import
        kinds, snapshot frames and home agenda. Its indicators are found in ``employers.indicators``."""
        from jiuye.core import home, nav
        from jiuye.employers import (
            actions,  # noqa: F401
            importing,
            records,
            snapshot,
        )
        from jiuye.employers.permissions import VIEW_EMPLOYERS
        from jiuye.employers.selectors import home_agenda

        # One item: the market entities and the HR service organisations are tabs of its page.
        nav.register(nav.NavItem("employers:employer_list", _("用工主体"), order=220, perm=VIEW_EMPLOYERS))
        importing.register()
        snapshot.register()
        records.register_sources()
        home.register_agenda("employers", home_agenda)
