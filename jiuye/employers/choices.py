"""The employers module's choices, with their Chinese labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COMMUNITY_FACTORY = "community_factory", _("新社区工厂")
    HOME_WORKSHOP = "home_workshop", _("家庭工坊")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    PUBLIC_INSTITUTION = "public_institution", _("机关事业单位")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")


# The kinds that file the monthly 新社区工厂 report.
FACTORY_KINDS = (EmployerKind.COMMUNITY_FACTORY, EmployerKind.HOME_WORKSHOP)


class SizeClass(models.TextChoices):
    """企业规模 (统计上大中小微型企业划分办法)."""

    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class FactoryCategory(models.TextChoices):
    PLUSH_TOYS = "plush_toys", _("毛绒玩具")
    WIRE_HARNESS = "wire_harness", _("电子线束")
    GARMENTS = "garments", _("服装织袜")
    OTHER = "other", _("其他")


class EntityKind(models.TextChoices):
    """新登记市场主体的类型 (市场监管部门的口径)."""

    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")


class OrgKind(models.TextChoices):
    """人力资源服务机构的类别."""

    INDUSTRIAL_PARK = "industrial_park", _("人力资源服务产业园")
    SERVICE_CENTRE = "service_centre", _("人力资源服务中心")
    LICENSED_AGENCY = "licensed_agency", _("经营性人力资源服务机构")
    VILLAGE_LABOUR_COMPANY = "village_labour_company", _("村级劳务公司")
    SITE_WINDOW = "site_window", _("安置点服务窗口")


class ServiceKind(models.TextChoices):
    PLACEMENT = "placement", _("介绍就业")
    TRAINING = "training", _("组织培训")
