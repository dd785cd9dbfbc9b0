from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiuye.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from jiuye.core import (
            actions,  # noqa: F401  (defines core's audit actions)
            nav,
        )
        from jiuye.core.permissions import Perm

        nav.register(
            nav.NavItem("audit:event_list", _("审计日志"), order=800, perm=Perm.READ_AUDIT),
            nav.NavItem("api-1.0.0:openapi-view", _("接口文档"), order=1000),
        )

        from django.db.backends.signals import connection_created

        from jiuye.core import durability

        connection_created.connect(durability.refuse_unsafe_connection, dispatch_uid="jiuye.durability")
