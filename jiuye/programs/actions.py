"""The programs module's audit actions."""

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action

POLICY_SAVE = define_action("programs.policy_save", _("保存政策文件"))
PARAM_SET = define_action("programs.param_set", _("调整政策参数"))
CLAIM_CREATE = define_action("programs.claim_create", _("受理政策享受申请"))
PROACTIVE_RUN = define_action("programs.proactive_run", _("执行免申即享核查"))
CLAIM_REVIEW = define_action("programs.claim_review", _("县级审核通过"))
CLAIM_APPROVE = define_action("programs.claim_approve", _("市级审批通过"))
CLAIM_REJECT = define_action("programs.claim_reject", _("驳回政策享受申请"))
CLAIM_ACCOUNT = define_action("programs.claim_account", _("确认收款账户"))
NOTICE_PUBLISH = define_action("programs.notice_publish", _("发布公示"))
NOTICE_EXPORT = define_action("programs.notice_export", _("导出公示名单"))
PAYMENT_BATCH = define_action("programs.payment_batch", _("生成支付批次"))
BUDGET_SET = define_action("programs.budget_set", _("设置资金预算"))
FUNDS_ALLOCATE = define_action("programs.funds_allocate", _("拨入资金"))
FACTS_IMPORT = define_action("programs.facts_import", _("导入失业保险数据"))
POST_SAVE = define_action("programs.post_save", _("保存公益性岗位"))
PLACEMENT = define_action("programs.placement", _("公益性岗位安置"))
PLACEMENT_EXIT = define_action("programs.placement_exit", _("公益性岗位退出"))
DIFFICULTY_REGISTER = define_action("programs.difficulty_register", _("登记就业困难人员认定申请"))
DIFFICULTY_DECIDE = define_action("programs.difficulty_decide", _("认定就业困难人员"))
DIFFICULTY_EXIT = define_action("programs.difficulty_exit", _("就业困难人员退出"))
ASSIST_ASSIGN = define_action("programs.assist_assign", _("指定就业援助责任人"))
ASSIST_MEASURE = define_action("programs.assist_measure", _("记录就业援助措施"))
ASSIST_CLOSE = define_action("programs.assist_close", _("办结就业援助"))
