"""Employers (用工主体) and the market around them: newly registered market entities (新登记市场
主体), 新社区工厂 and 家庭工坊 with their monthly reports, and HR service organisations.

An employer's workers are not a typed number: they are the registry persons whose employment
spell names the employer's 统一社会信用代码 (``selectors.workers``)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import ScopedModel, ScopedQuerySet
from jiuye.employers.choices import EmployerKind, EntityKind, FactoryCategory, OrgKind, ServiceKind, SizeClass


class Employer(ScopedModel):
    """A unit that employs people, where it is registered with the bureau (a county, town or village)."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("单位名称"), max_length=200)
    kind = models.CharField(_("主体类型"), max_length=24, choices=EmployerKind.choices)
    industry = models.CharField(_("行业（GB/T 4754-2017）"), max_length=2, blank=True)
    size = models.CharField(_("企业规模"), max_length=8, choices=SizeClass.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # WGS-84 degrees, for the distance a job seeker travels (not money: floats are exact enough).
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # 新社区工厂 and 家庭工坊 only.
    factory_category = models.CharField(_("新社区工厂类别"), max_length=16, choices=FactoryCategory.choices, blank=True)
    relocation_site = models.CharField(_("服务的易地搬迁安置点"), max_length=100, blank=True)
    certified_on = models.DateField(_("认定日期"), null=True, blank=True)
    internship_base = models.BooleanField(_("就业见习基地"), default=False)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("用工主体")
        verbose_name_plural = _("用工主体")
        constraints = [models.UniqueConstraint(fields=["credit_code"], name="employer_credit_code_unique")]
        indexes = [
            models.Index(fields=["region", "name"], name="employer_region_name"),
            models.Index(fields=["kind", "region"], name="employer_kind_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_factory(self) -> bool:
        return self.kind in (EmployerKind.COMMUNITY_FACTORY, EmployerKind.HOME_WORKSHOP)


class FactoryReport(ScopedModel):
    """A 新社区工厂's (or 家庭工坊's) monthly report: its jobs and what it paid and produced."""

    scope_field: ClassVar[str] = "region_code"

    employer = models.ForeignKey(
        Employer, verbose_name=_("新社区工厂"), on_delete=models.PROTECT, related_name="reports"
    )
    region_code = models.CharField(_("所在区划"), max_length=12)  # the factory's, copied: one-table figures
    month = models.DateField(_("月份"))  # the month's first day
    jobs = models.PositiveIntegerField(_("吸纳就业人数"))
    relocated = models.PositiveIntegerField(_("其中易地搬迁劳动力"))
    poverty_alleviated = models.PositiveIntegerField(_("其中脱贫劳动力"))
    output_value = models.BigIntegerField(_("产值（分）"))
    wages_paid = models.BigIntegerField(_("发放工资（分）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("报送时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("新社区工厂月报")
        verbose_name_plural = _("新社区工厂月报")
        ordering = ["-month", "employer"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "month"], name="factory_report_once_a_month"),
            models.CheckConstraint(
                condition=Q(relocated__lte=models.F("jobs")) & Q(poverty_alleviated__lte=models.F("jobs")),
                name="factory_report_parts_within_jobs",
            ),
            models.CheckConstraint(
                condition=Q(output_value__gte=0) & Q(wages_paid__gte=0), name="factory_report_amounts_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["region_code", "month"], name="factory_report_region_month")]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.month:%Y-%m}"


class MarketEntity(ScopedModel):
    """A newly registered market entity, as the market-regulation list names it each month."""

    scope_field: ClassVar[str] = "region_code"

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("主体名称"), max_length=200)
    kind = models.CharField(_("主体类型"), max_length=16, choices=EntityKind.choices)
    registered_on = models.DateField(_("登记日期"))
    region_code = models.CharField(_("登记地区划"), max_length=12)
    capital = models.BigIntegerField(_("注册资本（分）"), null=True, blank=True)
    declared_employees = models.PositiveIntegerField(_("申报从业人数"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("新登记市场主体")
        verbose_name_plural = _("新登记市场主体")
        constraints = [models.UniqueConstraint(fields=["credit_code"], name="market_entity_credit_code_unique")]
        indexes = [models.Index(fields=["region_code", "registered_on"], name="market_entity_region_date")]

    def __str__(self) -> str:
        return self.name


class ServiceOrg(ScopedModel):
    """An HR service organisation: the park, a centre, a licensed agency, a 村级劳务公司 or the
    service window at a relocation site."""

    kind = models.CharField(_("机构类别"), max_length=24, choices=OrgKind.choices)
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    licence_number = models.CharField(_("人力资源服务许可证编号"), max_length=40, blank=True)
    licence_expiry = models.DateField(_("许可证有效期至"), null=True, blank=True)
    relocation_site = models.CharField(_("易地搬迁安置点"), max_length=100, blank=True)
    villages = models.ManyToManyField(
        "regions.Region", verbose_name=_("服务的村（社区）"), blank=True, related_name="+"
    )
    active = models.BooleanField(_("在营"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人力资源服务机构")
        verbose_name_plural = _("人力资源服务机构")
        indexes = [models.Index(fields=["region", "kind"], name="service_org_region_kind")]

    def __str__(self) -> str:
        return self.name


class ServiceRecord(ScopedModel):
    """What an HR service organisation delivered in a month: persons placed or trained."""

    scope_field: ClassVar[str] = "region_code"

    org = models.ForeignKey(ServiceOrg, verbose_name=_("服务机构"), on_delete=models.PROTECT, related_name="records")
    region_code = models.CharField(_("所在区划"), max_length=12)
    month = models.DateField(_("月份"))
    kind = models.CharField(_("服务类别"), max_length=12, choices=ServiceKind.choices)
    persons = models.PositiveIntegerField(_("人数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人力资源服务成效")
        verbose_name_plural = _("人力资源服务成效")
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["org", "month", "kind"], name="service_record_once")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m} {self.kind}"
