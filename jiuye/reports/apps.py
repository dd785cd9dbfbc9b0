from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jiuye.reports"
    label = "reports"
    verbose_name = _("工作报告")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        register_long_retention("reports.annual_export")  # a bulk disclosure
