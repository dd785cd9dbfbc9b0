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


class DifficultyCategory(models.TextChoices):
    """《陕西省就业援助办法》's nine categories (domain-rules §1.6; a province's list: the bureau
    confirms the current one)."""

    ZERO_EMPLOYMENT_FAMILY = "zero_family", _("城镇零就业家庭成员")
    NEAR_RETIREMENT = "near_retirement", _("距法定退休年龄不足10年的登记失业人员")
    LONG_UNEMPLOYED = "long_unemployed", _("连续失业一年以上的登记失业人员")
    GRADUATE_6M = "graduate", _("毕业半年以上未就业的大中专毕业生")
    LAND_LOST = "land_lost", _("被征地农民")
    DISABLED = "disabled", _("失业的残疾人")
    VETERAN_FAMILY = "veteran_family", _("失业的城镇退役军人、军烈属")
    SINGLE_PARENT = "single_parent", _("抚养未成年子女的单亲家庭失业人员")
    OTHER = "other", _("省政府规定的其他人员")


class DifficultyStatus(models.TextChoices):
    PENDING = "pending", _("待认定")
    CERTIFIED = "certified", _("已认定")
    REJECTED = "rejected", _("不予认定")
    EXITED = "exited", _("已退出")


class AssistanceKind(models.TextChoices):
    REFERRAL = "referral", _("岗位推荐")
    TRAINING = "training", _("技能培训")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位安置")
    SUBSIDY = "subsidy", _("政策补贴")
    GUIDANCE = "guidance", _("职业指导")
    OTHER = "other", _("其他帮扶")


# The measures that count as assistance delivered (援助): the case closes with the first of them.
DELIVERED = (AssistanceKind.REFERRAL, AssistanceKind.TRAINING, AssistanceKind.PUBLIC_WELFARE, AssistanceKind.SUBSIDY)


class DifficultyExit(models.TextChoices):
    EMPLOYED = "employed", _("实现就业")
    RETIRED = "retired", _("达到退休年龄")
    MOVED = "moved", _("迁出")
    OTHER = "other", _("其他")


class BorrowerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人")
    PARTNERSHIP = "partnership", _("合伙创业")
    ENTERPRISE = "enterprise", _("小微企业")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    APPROVED = "approved", _("已审核待放款")
    REJECTED = "rejected", _("不予担保")
    ISSUED = "issued", _("已放款")
    REPAID = "repaid", _("已结清")
    COMPENSATED = "compensated", _("担保基金已代偿")
