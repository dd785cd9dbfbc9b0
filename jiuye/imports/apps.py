from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "jiuye.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from jiuye.core import home, nav
        from jiuye.core.permissions import Perm
        from jiuye.imports import actions  # noqa: F401  (defines the imports' audit actions)
        from jiuye.imports.services import home_agenda

        nav.register(nav.NavItem("imports:job_list", _("数据导入"), order=300, perm=Perm.IMPORT_DATA))
        home.register_agenda("imports", home_agenda)
