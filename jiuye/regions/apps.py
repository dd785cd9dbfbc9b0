from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "jiuye.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from jiuye.core import nav
        from jiuye.core.permissions import Perm
        from jiuye.regions import (
            actions,  # noqa: F401  (defines the regions' audit actions)
            importing,
        )

        nav.register(nav.NavItem("regions:browse", _("行政区划"), order=600, perm=Perm.VIEW_REGIONS))
        importing.register()
