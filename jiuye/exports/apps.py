from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "jiuye.exports"
    label = "exports"
    verbose_name = _("数据导出")

    def ready(self) -> None:
        from jiuye.core import home, nav
        from jiuye.core.permissions import Perm
        from jiuye.exports import actions  # noqa: F401  (defines the exports' audit actions)
        from jiuye.exports.selectors import home_agenda, home_tiles, waiting_count

        # The badge: requests waiting for this officer's decision.
        nav.register(
            nav.NavItem(
                "exports:request_list", _("导出审批"), order=400, perm=Perm.VIEW_PERSONAL_DATA, badge=waiting_count
            )
        )
        home.register("exports", home_tiles)
        home.register_agenda("exports", home_agenda)
