from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuye.registry"
    label = "registry"
    verbose_name = _("劳动力台账")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        # Disclosures of personal data (exports, reveals, sensitive views) and the rule's changes.
        register_long_retention("registry.export", "registry.case_export", "registry.reveal")
        register_long_retention("registry.sensitive_view", "registry.zero_rule_update")

        from jiuye.exports import kinds
        from jiuye.registry.exports import CASE_EXPORT, PERSON_EXPORT

        kinds.register(PERSON_EXPORT)
        kinds.register(CASE_EXPORT)

        from jiuye.core import home
        from jiuye.registry.selectors import home_tiles

        home.register("registry", home_tiles)
