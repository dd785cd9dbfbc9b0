"""The accounts app's audit actions: sign-in, second factor, passwords, users and tokens. Grants
of rights (users, tokens, unlocks, second-factor resets) are kept three years."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action
from jiuye.core.audit_text import define_field_labels

LOGIN = define_action("auth.login", _("登录"))
LOGIN_FAILED = define_action("auth.login_failed", _("登录失败"))
LOGIN_LOCKED = define_action("auth.login_locked", _("锁定期间尝试登录"))
LOGIN_THROTTLED = define_action("auth.login_throttled", _("登录尝试过于频繁"))
LOCKOUT = define_action("auth.lockout", _("账户锁定"))
LOGOUT = define_action("auth.logout", _("退出登录"))
SESSION_EXPIRED = define_action("auth.session_expired", _("会话超时"))
MFA_ENROLL = define_action("auth.mfa_enroll", _("绑定动态口令"))
MFA_FAILED = define_action("auth.mfa_failed", _("动态口令错误"))
MFA_RESET = define_action("auth.mfa_reset", _("重置动态口令"), keep_long=True)
UNLOCK = define_action("auth.unlock", _("解除账户锁定"), keep_long=True)
PASSWORD_CHANGE = define_action("auth.password_change", _("修改密码"))
PASSWORD_RESET = define_action("user.password_reset", _("重置用户密码"), keep_long=True)
USER_CREATE = define_action("user.create", _("创建用户"), keep_long=True)
USER_UPDATE = define_action("user.update", _("修改用户"), keep_long=True)
USER_DISABLE_DORMANT = define_action("user.disable_dormant", _("停用长期未登录账户"), keep_long=True)
TOKEN_CREATE = define_action("token.create", _("创建访问令牌"), keep_long=True)
TOKEN_REVOKE = define_action("token.revoke", _("撤销访问令牌"), keep_long=True)

define_field_labels({"days": _("天数")})
