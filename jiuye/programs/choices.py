from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("国家")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class PolicyTheme(models.TextChoices):
    """What the report counts the measures by (the seed's 一(三))."""

    SME = "sme", _("支持中小企业发展")
    RETURN_TO_WORK = "return_to_work", _("农民工返岗复工")
    EMPLOYMENT = "employment", _("强化稳就业")
    ENTERPRISE = "enterprise", _("援企稳岗")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业扶持")
    OTHER = "other", _("其他")


class ClaimSource(models.TextChoices):
    PROACTIVE = "proactive", _("免申即享")
    APPLICATION = "application", _("窗口申请")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待县级审核")
    REVIEWED = "reviewed", _("待市级审批")
    APPROVED = "approved", _("待公示")
    NOTICED = "noticed", _("已公示")
    PAYING = "paying", _("已纳入支付")
    REJECTED = "rejected", _("已驳回")


class Stage(models.TextChoices):
    REVIEW = "review", _("县级审核")
    APPROVAL = "approval", _("市级审批")
    NOTICE = "notice", _("公示")


class PostKind(models.TextChoices):
    URBAN = "urban", _("城镇公益性岗位")
    RURAL = "rural", _("乡村公益性岗位")


class ExitReason(models.TextChoices):
    TERM_ENDED = "term_ended", _("期满退出")
    EMPLOYED = "employed", _("实现其他就业")
    RESIGNED = "resigned", _("本人辞职")
    DISMISSED = "dismissed", _("考核不合格解除")
    OTHER = "other", _("其他")
