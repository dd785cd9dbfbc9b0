"""Policy programs and their money: policy documents, the programs' dated parameters, the facts
other systems send (unemployment-insurance contributions and benefits), claims (an application or
a 免申即享 proposal) with their county review, city approval and public notice, and budgets.

A claim's money moves through the ledger: the public notice ends, a payment batch is made, the
bank's return file posts each paid payment's journal. A claim is paid when its payment is."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.cases import CaseMeasureBase, DeadlineCase
from jiuye.core.crypto import EncryptedTextField
from jiuye.core.scoping import ScopedModel, ScopedQuerySet, prefix_lookup, read_prefix
from jiuye.programs import actions
from jiuye.programs.choices import (
    AssistanceKind,
    BorrowerKind,
    ClaimSource,
    ClaimStatus,
    DifficultyExit,
    DifficultyStatus,
    ExitReason,
    LoanStatus,
    PolicyLevel,
    PolicyTheme,
    PostKind,
    Stage,
)
from jiuye.regions.models import ancestor_codes


class PolicyQuerySet(ScopedQuerySet["PolicyDocument"]):
    def visible_to(self, user: Any) -> PolicyQuerySet:
        """A document of one's own area and those issued above it (a county officer reads the
        city's documents); a neighbour's are not listed."""
        prefix = read_prefix(user)
        if prefix is None:
            return self.none()
        above = ancestor_codes(user.region_id)
        return self.filter(Q(region_code__in=above) | Q(**prefix_lookup("region_code", prefix)))


class PolicyDocument(ScopedModel):
    """A policy document (政策文件) and the measures it contains."""

    scope_field: ClassVar[str] = "region_code"

    title = models.CharField(_("文件标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("印发日期"))
    level = models.CharField(_("层级"), max_length=12, choices=PolicyLevel.choices)
    theme = models.CharField(_("政策类别"), max_length=20, choices=PolicyTheme.choices)
    measures = models.PositiveIntegerField(_("措施条数"))
    programs = models.JSONField(_("设立的政策项目"), default=list, blank=True)
    region_code = models.CharField(_("发文区划"), max_length=12)
    note = models.TextField(_("摘要"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        indexes = [models.Index(fields=["region_code", "issued_on"], name="policy_region_date")]

    def __str__(self) -> str:
        return self.title


class Parameter(models.Model):
    """One dated value of a program's parameter for a region and everything below it. The value in
    force for a region on a day is the one of the nearest region above it (its own first) with the
    latest ``effective_from`` on or before that day; none: the program's shipped default. Rows are
    added, never changed: the history is the table."""

    program = models.CharField(_("政策项目"), max_length=40)
    key = models.CharField(_("参数"), max_length=40)
    region_code = models.CharField(_("适用区划"), max_length=12)
    effective_from = models.DateField(_("生效日期"))
    value = models.JSONField(_("取值"))
    reason = models.CharField(_("调整理由"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["program", "key", "region_code", "-effective_from", "-id"]
        indexes = [models.Index(fields=["program", "key", "effective_from"], name="param_program_key")]

    def __str__(self) -> str:
        return f"{self.program}.{self.key}@{self.region_code} {self.effective_from}"


class InsuranceFact(ScopedModel):
    """An insured unit's unemployment-insurance year (from the insurance agency; read and counted,
    never re-computed here): what 稳岗返还 is decided on."""

    scope_field: ClassVar[str] = "region_code"

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("单位名称"), max_length=200)
    unit_type = models.CharField(_("单位类型"), max_length=20)
    region_code = models.CharField(_("参保地区划"), max_length=12)
    year = models.PositiveSmallIntegerField(_("缴费年度"))
    months_paid = models.PositiveSmallIntegerField(_("实缴月数"))
    premiums = models.BigIntegerField(_("实缴失业保险费（分）"))
    avg_insured = models.PositiveIntegerField(_("年平均参保人数"))
    layoffs = models.PositiveIntegerField(_("新领取失业保险金人数（裁员）"))
    bank_account = EncryptedTextField(_("单位银行账号"), purpose="programs.insurance.bank_account", blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("失业保险缴费情况")
        verbose_name_plural = _("失业保险缴费情况")
        constraints = [models.UniqueConstraint(fields=["credit_code", "year"], name="insurance_fact_once")]
        indexes = [models.Index(fields=["year", "region_code"], name="insurance_fact_year")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class BenefitFact(ScopedModel):
    """A person's unemployment-insurance benefit (失业保险金) as the agency paid it: who, from
    when to when, how much. Counted for 落实失业保险待遇; never re-computed here."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    id_hash = models.CharField(_("身份号码索引"), max_length=64)
    id_masked = models.CharField(_("公民身份号码（脱敏）"), max_length=18)
    name = models.CharField(_("姓名"), max_length=30)
    region_code = models.CharField(_("参保地区划"), max_length=12)
    starts_on = models.DateField(_("待遇起始日期"))
    ends_on = models.DateField(_("待遇终止日期"))
    monthly = models.BigIntegerField(_("月发放标准（分）"))
    paid = models.BigIntegerField(_("累计发放（分）"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("失业保险待遇")
        verbose_name_plural = _("失业保险待遇")
        constraints = [
            models.UniqueConstraint(fields=["id_hash", "starts_on"], name="benefit_fact_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="benefit_ends_after_start"),
        ]
        indexes = [models.Index(fields=["region_code", "starts_on"], name="benefit_region_start")]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class Notice(ScopedModel):
    """A public notice (公示) of approved claims: published for a period of working days; the
    claims are paid after it ends without objection."""

    scope_field: ClassVar[str] = "region_code"

    number = models.CharField(_("公示编号"), max_length=40)
    title = models.CharField(_("公示标题"), max_length=200)
    region_code = models.CharField(_("公示区划"), max_length=12)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        constraints = [models.UniqueConstraint(fields=["number"], name="notice_number_unique")]

    def __str__(self) -> str:
        return self.title


class Run(ScopedModel):
    """One 免申即享 run: what it checked, what it proposed, and why the rest were not."""

    scope_field: ClassVar[str] = "region_code"

    program = models.CharField(_("政策项目"), max_length=40)
    period = models.CharField(_("期间"), max_length=20)
    region_code = models.CharField(_("范围"), max_length=12)
    checked = models.PositiveIntegerField(_("核查对象数"), default=0)
    proposed = models.PositiveIntegerField(_("拟享受数"), default=0)
    already = models.PositiveIntegerField(_("已有申请或已享受"), default=0)
    refused = models.JSONField(_("不符合条件的原因"), default=dict)
    amount = models.BigIntegerField(_("拟发放金额（分）"), default=0)
    seconds = models.PositiveIntegerField(_("用时（秒）"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执行人"), on_delete=models.PROTECT, related_name="+"
    )
    run_at = models.DateTimeField(_("执行时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("免申即享核查")
        verbose_name_plural = _("免申即享核查")

    def __str__(self) -> str:
        return f"{self.program} {self.period}"


class Claim(ScopedModel):
    """A claim on a program (享受申请): made by an application or proposed by 免申即享; decided
    by the rule over its facts; reviewed by the county, approved by the city, put on public
    notice, paid through the ledger. One live claim per program, period and subject: nobody is
    paid twice for the same program and period."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    number = models.CharField(_("申请编号"), max_length=40)
    program = models.CharField(_("政策项目"), max_length=40)
    period = models.CharField(_("享受期间"), max_length=80)
    year = models.PositiveSmallIntegerField(_("年度"))
    # Whom the claim is about (the person hired, the unit refunded): unique with program and period.
    subject_key = models.CharField(_("享受对象标识"), max_length=80)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee_kind = models.CharField(_("收款方类别"), max_length=10)
    payee_code = models.CharField(_("收款方标识"), max_length=80)
    payee_name = models.CharField(_("收款方"), max_length=200)
    payee_id_masked = models.CharField(_("证件号码（脱敏）"), max_length=20)
    region_code = models.CharField(_("所属区划"), max_length=12)
    amount = models.BigIntegerField(_("金额（分）"))
    facts = models.JSONField(_("认定事实"))
    params = models.JSONField(_("适用参数"))
    reasons = models.JSONField(_("认定理由"))
    source = models.CharField(_("来源"), max_length=12, choices=ClaimSource.choices)
    run = models.ForeignKey(
        Run, verbose_name=_("免申即享核查"), on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    evidence = models.TextField(_("申请材料说明"), blank=True)
    bank_account = EncryptedTextField(_("收款银行账号"), purpose="programs.claim.bank_account", blank=True)
    bank_account_masked = models.CharField(_("收款银行账号（脱敏）"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ClaimStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("县级审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("市级审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("驳回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("驳回时间"), null=True, blank=True)
    rejected_stage = models.CharField(_("驳回环节"), max_length=12, choices=Stage.choices, blank=True)
    rejection_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)
    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    payment = models.OneToOneField(
        "ledger.Payment",
        verbose_name=_("支付明细"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策享受申请")
        verbose_name_plural = _("政策享受申请")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="claim_number_unique"),
            models.UniqueConstraint(
                fields=["program", "period", "subject_key"],
                condition=~Q(status=ClaimStatus.REJECTED),
                name="claim_once_per_period",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["region_code", "status"], name="claim_region_status"),
            models.Index(fields=["program", "year"], name="claim_program_year"),
        ]

    def __str__(self) -> str:
        return self.number


class Budget(ScopedModel):
    """A county's budget for a program and year (预算), in 分, against which spending is shown."""

    scope_field: ClassVar[str] = "region_code"

    year = models.PositiveSmallIntegerField(_("年度"))
    region_code = models.CharField(_("区划"), max_length=12)
    program = models.CharField(_("政策项目"), max_length=40)
    amount = models.BigIntegerField(_("预算金额（分）"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金预算")
        verbose_name_plural = _("资金预算")
        constraints = [
            models.UniqueConstraint(fields=["year", "region_code", "program"], name="budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code} {self.program}"


class Post(ScopedModel):
    """A public-welfare post (公益性岗位): at an employer or a village, with its monthly subsidy
    and places; persons are placed on it for a term."""

    scope_field: ClassVar[str] = "region__code"

    name = models.CharField(_("岗位名称"), max_length=100)
    kind = models.CharField(_("岗位类别"), max_length=8, choices=PostKind.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("岗位所在区划"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    monthly_subsidy = models.BigIntegerField(_("岗位补贴（分/月）"))
    places = models.PositiveSmallIntegerField(_("岗位数"))
    duties = models.CharField(_("工作内容"), max_length=200, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        indexes = [models.Index(fields=["region", "kind"], name="post_region_kind")]
        constraints = [models.CheckConstraint(condition=Q(monthly_subsidy__gt=0), name="post_subsidy_positive")]

    def __str__(self) -> str:
        return self.name


class Placement(ScopedModel):
    """A person placed on a public-welfare post for a term; its start and exit open and close the
    person's employment spell through the registry."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    post = models.ForeignKey(Post, verbose_name=_("公益性岗位"), on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    region_code = models.CharField(_("岗位所在区划"), max_length=12)
    starts_on = models.DateField(_("上岗日期"))
    term_ends_on = models.DateField(_("协议期满日期"))
    ended_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=12, choices=ExitReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位安置")
        verbose_name_plural = _("公益性岗位安置")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_placement"),
            models.CheckConstraint(
                condition=Q(term_ends_on__gte=models.F("starts_on")), name="placement_term_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "starts_on"], name="placement_person"),
            models.Index(fields=["region_code", "ended_on"], name="placement_region_open"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.person_id}"


class Difficulty(ScopedModel):
    """就业困难人员认定: a person's categories with evidence, certified by a county officer other
    than the one who registered it; certified persons hold the registry's 就业困难人员 group until
    they exit (on employment or otherwise)."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    person = models.ForeignKey("registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("所属区划"), max_length=12)
    categories = models.JSONField(_("认定类别"))
    applied_on = models.DateField(_("申请日期"))
    evidence = models.TextField(_("认定材料"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DifficultyStatus.choices, default=DifficultyStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decision_note = models.CharField(_("认定意见"), max_length=500, blank=True)
    certified_on = models.DateField(_("认定日期"), null=True, blank=True)
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=10, choices=DifficultyExit.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业困难人员认定")
        verbose_name_plural = _("就业困难人员认定")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["pending", "certified"]),
                name="one_live_difficulty",
            )
        ]
        indexes = [models.Index(fields=["region_code", "status"], name="difficulty_region_status")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


class AssistanceCase(DeadlineCase):
    """就业援助: assistance to a certified person, due within the set days of the certification;
    closed when assistance is delivered (a referral, training, a public-welfare post, a subsidy)."""

    personal_data: ClassVar[bool] = True
    warn_days: ClassVar[int] = 7
    assign_action = actions.ASSIST_ASSIGN
    measure_action = actions.ASSIST_MEASURE
    close_action = actions.ASSIST_CLOSE

    difficulty = models.OneToOneField(
        Difficulty, verbose_name=_("就业困难人员认定"), on_delete=models.PROTECT, related_name="case"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业援助")
        verbose_name_plural = _("就业援助")
        indexes = [models.Index(fields=["region_code", "status", "deadline"], name="assist_region_status")]

    def __str__(self) -> str:
        return f"{self.difficulty_id} {self.status}"


class AssistanceMeasure(CaseMeasureBase):
    case = models.ForeignKey(
        AssistanceCase, verbose_name=_("就业援助"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("援助措施"), max_length=16, choices=AssistanceKind.choices)

    class Meta:
        verbose_name = _("援助措施")
        verbose_name_plural = _("援助措施")
        ordering = ["case", "date", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.date}"


class Loan(ScopedModel):
    """创业担保贷款: an individual's, a partnership's or a small or micro enterprise's guaranteed
    start-up loan, from application (eligibility with reasons) through county review, the bank's
    contract and issue, repayments, and — when overdue — compensation by the guarantee fund; the
    business and the jobs it created are followed up."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    kind = models.CharField(_("借款人类别"), max_length=12, choices=BorrowerKind.choices)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("借款人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name=_("借款企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partners = models.ManyToManyField("registry.Person", verbose_name=_("合伙人"), blank=True, related_name="+")
    region_code = models.CharField(_("所属区划"), max_length=12)
    business = models.CharField(_("创业项目"), max_length=200)
    amount = models.BigIntegerField(_("申请金额（分）"))
    term_months = models.PositiveSmallIntegerField(_("贷款期限（月）"))
    staff = models.PositiveIntegerField(_("企业在职职工人数"), null=True, blank=True)
    new_hires = models.PositiveIntegerField(_("当年新招用符合条件人员数"), null=True, blank=True)
    facts = models.JSONField(_("认定事实"))
    reasons = models.JSONField(_("认定理由"))
    status = models.CharField(_("状态"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    bank = models.CharField(_("贷款银行"), max_length=100, blank=True)
    guarantee_fund = models.CharField(_("担保基金"), max_length=100, blank=True)
    contract = models.CharField(_("借款合同号"), max_length=60, blank=True)
    contract_rate_bp = models.PositiveIntegerField(_("合同年利率（万分之一）"), null=True, blank=True)
    lpr_bp = models.PositiveIntegerField(_("放款时一年期LPR（万分之一）"), null=True, blank=True)
    issued_on = models.DateField(_("放款日期"), null=True, blank=True)
    due_on = models.DateField(_("到期日期"), null=True, blank=True)
    compensated = models.BigIntegerField(_("代偿金额（分）"), null=True, blank=True)
    compensated_on = models.DateField(_("代偿日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("创业担保贷款")
        verbose_name_plural = _("创业担保贷款")
        indexes = [models.Index(fields=["region_code", "status"], name="loan_region_status")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive")]

    def __str__(self) -> str:
        return f"{self.business} {self.amount}"


class Repayment(models.Model):
    loan = models.ForeignKey(Loan, verbose_name=_("创业担保贷款"), on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("还款日期"))
    principal = models.BigIntegerField(_("归还本金（分）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        ordering = ["loan", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(principal__gt=0), name="repayment_positive")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.principal}"


class FollowUp(models.Model):
    """The business a loan supported, followed up: running or not, and the jobs it created."""

    loan = models.ForeignKey(Loan, verbose_name=_("创业担保贷款"), on_delete=models.PROTECT, related_name="follow_ups")
    day = models.DateField(_("回访日期"))
    running = models.BooleanField(_("正常经营"))
    jobs = models.PositiveIntegerField(_("带动就业人数"))
    note = models.CharField(_("回访情况"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("贷款回访")
        verbose_name_plural = _("贷款回访")
        ordering = ["loan", "day", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.day}"
