from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "jiuye.exports"
    label = "exports"
    verbose_name = _("数据导出")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        register_long_retention("export.")  # requests, approvals and downloads of exports

        from jiuye.core import home
        from jiuye.exports.selectors import home_tiles

        home.register("exports", home_tiles)
