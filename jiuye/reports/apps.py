from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jiuye.reports"
    label = "reports"
    verbose_name = _("工作报告")

    def ready(self) -> None:
        from jiuye.reports import actions  # noqa: F401  (defines the reports' audit actions)
