from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuye.registry"
    label = "registry"
    verbose_name = _("劳动力台账")

    def ready(self) -> None:
        """What the registry plugs into the platform: its audit actions (imported, they define
        themselves), menu items, import kinds, export kinds, snapshot frames, drill-down records,
        home tiles. Its indicators are found by the statistics in ``registry.indicators``."""
        from jiuye.core import home, nav
        from jiuye.core.permissions import Perm
        from jiuye.exports import kinds as export_kinds
        from jiuye.registry import (
            actions,  # noqa: F401
            importing,
            records,
            snapshot,
        )
        from jiuye.registry.exports import CASE_EXPORT, PERSON_EXPORT
        from jiuye.registry.selectors import home_agenda, home_tiles

        nav.register(
            nav.NavItem("registry:person_list", _("劳动力台账"), order=100, perm=Perm.VIEW_PERSONAL_DATA),
            nav.NavItem("registry:case_list", _("零就业家庭"), order=200, perm=Perm.VIEW_PERSONAL_DATA),
        )
        importing.register()
        export_kinds.register(PERSON_EXPORT)
        export_kinds.register(CASE_EXPORT)
        snapshot.register()
        records.register_sources()
        home.register("registry", home_tiles)
        home.register_agenda("registry", home_agenda)
