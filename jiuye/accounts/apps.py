from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiuye.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from jiuye.accounts import actions  # noqa: F401  (defines the accounts' audit actions)
        from jiuye.core import nav
        from jiuye.core.permissions import Perm

        nav.register(
            nav.NavItem("home", _("首页"), order=0),
            nav.NavItem("accounts:user_list", _("用户管理"), order=700, perm=Perm.MANAGE_USERS),
            nav.NavItem("accounts:token_list", _("访问令牌"), order=900),
        )
