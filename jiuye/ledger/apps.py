from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jiuye.ledger"
    label = "ledger"
    verbose_name = _("资金台账")

    def ready(self) -> None:
        from jiuye.ledger import actions  # noqa: F401  (defines the ledger's audit actions)
