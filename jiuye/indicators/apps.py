from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jiuye.indicators"
    label = "indicators"
    verbose_name = _("统计指标")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        # Figures signed off, targets and entered values: the statistics' approvals.
        register_long_retention("indicators.period_", "indicators.target_set", "indicators.params_update")
        register_long_retention("indicators.entered_value_set")

        # Each app registers its own indicators in an ``indicators`` module (registry, later
        # programs, training …); the catalogue is the union, in the order of INSTALLED_APPS.
        autodiscover_modules("indicators")
        from jiuye.indicators import signals  # noqa: F401  (connects the change listener)
