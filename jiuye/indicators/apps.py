from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jiuye.indicators"
    label = "indicators"
    verbose_name = _("统计指标")

    def ready(self) -> None:
        from jiuye.core import nav
        from jiuye.core.permissions import Perm
        from jiuye.indicators import actions  # noqa: F401  (defines the statistics' audit actions)

        nav.register(nav.NavItem("indicators:home", _("统计分析"), order=500, perm=Perm.VIEW_STATISTICS))

        # Each app registers its own indicators in an ``indicators`` module (registry, later
        # programs, training …); the catalogue is the union, in the order of INSTALLED_APPS.
        autodiscover_modules("indicators")
        from jiuye.indicators import (
            importing,
            signals,  # noqa: F401  (connects the change listener)
        )

        importing.register()  # the targets' template offers every indicator's code
