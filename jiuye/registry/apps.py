from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuye.registry"
    label = "registry"
    verbose_name = _("劳动力台账")

    def ready(self) -> None:
        from jiuye.core import home, nav
        from jiuye.core.permissions import Perm
        from jiuye.exports import kinds
        from jiuye.registry import (
            actions,  # noqa: F401  (defines the registry's audit actions)
            records,
            snapshot,
        )
        from jiuye.registry.exports import CASE_EXPORT, PERSON_EXPORT
        from jiuye.registry.selectors import home_tiles

        nav.register(
            nav.NavItem("registry:person_list", _("劳动力台账"), order=100, perm=Perm.VIEW_PERSONAL_DATA),
            nav.NavItem("registry:case_list", _("零就业家庭"), order=200, perm=Perm.VIEW_PERSONAL_DATA),
        )
        snapshot.register()
        records.register_sources()
        kinds.register(PERSON_EXPORT)
        kinds.register(CASE_EXPORT)
        home.register("registry", home_tiles)
