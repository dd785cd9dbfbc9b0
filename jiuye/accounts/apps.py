from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiuye.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from jiuye.core.retention import register_long_retention

        # Accounts, roles and tokens granted or changed are approvals of access: kept three years.
        register_long_retention("user.", "token.", "auth.mfa_reset", "auth.unlock")
