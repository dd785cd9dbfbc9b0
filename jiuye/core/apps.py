from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiuye.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        register_long_retention("audit.")  # the purges themselves

        from django.db.backends.signals import connection_created

        from jiuye.core import durability

        connection_created.connect(durability.refuse_unsafe_connection, dispatch_uid="jiuye.durability")
