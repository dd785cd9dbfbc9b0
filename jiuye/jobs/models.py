"""Jobs: postings, seekers' intentions, recruitment events, referrals and 见习 (graduate
internships). A hire is recorded in the registry through its services (the employment spell and
the 就业登记), so that the figures and the zero-employment verdict follow by themselves."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import ScopedModel, ScopedQuerySet
from jiuye.jobs.choices import EventKind, PostingSource, Stage, WishedTime, WorkTime
from jiuye.registry.choices import Education


class Posting(ScopedModel):
    """A job on offer (招聘岗位), scoped by the place of work."""

    employer = models.ForeignKey(
        "employers.Employer", verbose_name=_("招聘单位"), on_delete=models.PROTECT, related_name="postings"
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    occupation = models.CharField(_("职业（2022年版职业分类大典中类）"), max_length=8)
    headcount = models.PositiveIntegerField(_("招聘人数"))
    wage_min = models.BigIntegerField(_("月薪下限（分）"))
    wage_max = models.BigIntegerField(_("月薪上限（分）"))
    work_time = models.CharField(_("用工形式"), max_length=8, choices=WorkTime.choices, default=WorkTime.FULL)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("工作地点"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    address = models.CharField(_("工作地址"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("年龄下限"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("年龄上限"), null=True, blank=True)
    education = models.CharField(_("最低学历"), max_length=16, choices=Education.choices, blank=True)
    skills = models.CharField(_("技能要求"), max_length=200, blank=True)
    certificate = models.CharField(_("证书要求"), max_length=60, blank=True)
    description = models.TextField(_("岗位描述"), blank=True)
    # Title, employer's name and skills, lower-cased: what the public board's search box reads
    # (one column, no join, the same ``LIKE`` on both databases). Kept by ``save``.
    search_text = models.CharField(_("检索文本"), max_length=600, blank=True, editable=False)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    published = models.BooleanField(_("对外发布"), default=True)
    source = models.CharField(_("来源"), max_length=8, choices=PostingSource.choices, default=PostingSource.FORM)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        constraints = [
            models.CheckConstraint(condition=Q(wage_min__lte=models.F("wage_max")), name="posting_wage_range"),
            models.CheckConstraint(condition=Q(valid_from__lte=models.F("valid_until")), name="posting_validity"),
        ]
        indexes = [
            # The public board and the matcher read open postings by their end of validity.
            models.Index(fields=["published", "valid_until", "id"], name="posting_open"),
            # The public board lists the newest first: read in this index's order, no sort.
            models.Index(fields=["-valid_from", "-id"], condition=Q(published=True), name="posting_board"),
            models.Index(fields=["region", "valid_until"], name="posting_region_valid"),
            models.Index(fields=["employer"], name="posting_employer"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def search_text_of(title: str, employer_name: str, skills: str) -> str:
        return f"{title} {employer_name} {skills}".lower()[:600]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.search_text_of(self.title, self.employer.name, self.skills)
        super().save(*args, **kwargs)


class SeekerProfile(ScopedModel):
    """A registry person's wish for work (求职意向)."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    person = models.OneToOneField(
        "registry.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="seeker"
    )
    region_code = models.CharField(_("所在区划"), max_length=12)  # the person's village, kept in step
    occupations = models.JSONField(_("意向职业"), default=list)
    place = models.CharField(_("意向工作地"), max_length=100, blank=True)
    wage_floor = models.BigIntegerField(_("期望月薪下限（分）"), default=0)
    work_time = models.CharField(_("用工形式"), max_length=8, choices=WishedTime.choices, default=WishedTime.ANY)
    skills = models.CharField(_("技能和证书"), max_length=200, blank=True)
    active = models.BooleanField(_("正在求职"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职意向")
        verbose_name_plural = _("求职意向")
        indexes = [models.Index(fields=["region_code", "active"], name="seeker_region_active")]

    def __str__(self) -> str:
        return f"{self.person_id}"


class RecruitmentEvent(ScopedModel):
    """A recruitment event (招聘活动): a fair, a campus day, an online month, a 零工市场 day."""

    name = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("活动类型"), max_length=16, choices=EventKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    employers = models.ManyToManyField("employers.Employer", verbose_name=_("参会单位"), blank=True, related_name="+")
    postings = models.ManyToManyField(Posting, verbose_name=_("提供岗位"), blank=True, related_name="events")
    attendees = models.PositiveIntegerField(_("入场求职人数"), default=0)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘活动")
        verbose_name_plural = _("招聘活动")
        constraints = [models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="event_dates")]
        indexes = [models.Index(fields=["region", "start"], name="event_region_start")]

    def __str__(self) -> str:
        return self.name


class Referral(ScopedModel):
    """A person referred to a posting (岗位推荐) and what came of it."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="referrals"
    )
    posting = models.ForeignKey(Posting, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="referrals")
    event = models.ForeignKey(
        RecruitmentEvent,
        verbose_name=_("招聘活动"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    region_code = models.CharField(_("人员所在区划"), max_length=12)
    stage = models.CharField(_("进展"), max_length=12, choices=Stage.choices, default=Stage.REFERRED)
    referred_on = models.DateField(_("推荐日期"))
    interview_on = models.DateField(_("面试日期"), null=True, blank=True)
    intention_on = models.DateField(_("达成意向日期"), null=True, blank=True)
    hired_on = models.DateField(_("录用日期"), null=True, blank=True)
    declined_on = models.DateField(_("未录用日期"), null=True, blank=True)
    reasons = models.JSONField(_("推荐理由"), default=list)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位推荐")
        verbose_name_plural = _("岗位推荐")
        constraints = [models.UniqueConstraint(fields=["person", "posting"], name="referral_once_per_posting")]
        indexes = [
            models.Index(fields=["region_code", "stage"], name="referral_region_stage"),
            models.Index(fields=["event", "stage"], name="referral_event_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.posting_id} {self.stage}"


class InternshipPost(ScopedModel):
    """A 见习岗位 at a 见习基地 (an employer marked as one)."""

    scope_field: ClassVar[str] = "region_code"

    employer = models.ForeignKey(
        "employers.Employer", verbose_name=_("见习基地"), on_delete=models.PROTECT, related_name="internship_posts"
    )
    region_code = models.CharField(_("所在区划"), max_length=12)
    title = models.CharField(_("见习岗位名称"), max_length=100)
    occupation = models.CharField(_("职业（中类）"), max_length=8, blank=True)
    slots = models.PositiveIntegerField(_("见习名额"))
    stipend = models.BigIntegerField(_("见习补贴（分/月）"), default=0)
    months = models.PositiveSmallIntegerField(_("见习期限（月）"), default=6)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("见习岗位")
        verbose_name_plural = _("见习岗位")

    def __str__(self) -> str:
        return self.title


class Internship(ScopedModel):
    """A person's 见习: a graduate or an unemployed young person on a 见习岗位."""

    scope_field: ClassVar[str] = "region_code"
    personal_data: ClassVar[bool] = True

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("见习人员"), on_delete=models.PROTECT, related_name="internships"
    )
    post = models.ForeignKey(
        InternshipPost, verbose_name=_("见习岗位"), on_delete=models.PROTECT, related_name="interns"
    )
    region_code = models.CharField(_("人员所在区划"), max_length=12)
    start = models.DateField(_("见习开始"))
    planned_end = models.DateField(_("计划结束"))
    ended_on = models.DateField(_("实际结束"), null=True, blank=True)
    retained = models.BooleanField(_("期满留用"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("见习人员")
        verbose_name_plural = _("见习人员")
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=models.F("planned_end")), name="internship_dates"),
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_internship"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.post_id}"
