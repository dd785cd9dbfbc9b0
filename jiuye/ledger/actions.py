"""The ledger's audit actions (kept long: money)."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

ACCOUNT_OPEN = define_action("ledger.account_open", _("开立资金账户"), keep_long=True)
JOURNAL_POST = define_action("ledger.journal_post", _("记账"), keep_long=True)
JOURNAL_REVERSE = define_action("ledger.journal_reverse", _("冲销凭证"), keep_long=True)
BATCH_CREATE = define_action("ledger.batch_create", _("生成支付批次"), keep_long=True)
BATCH_FILE = define_action("ledger.batch_file", _("生成银行支付文件"), keep_long=True)
BATCH_RECONCILE = define_action("ledger.batch_reconcile", _("银行回单对账"), keep_long=True)
