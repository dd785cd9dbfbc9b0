"""How a drill-down lists the employers module's records (``indicators.records``): employers,
new market entities, factory reports and HR service organisations, fetched through ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiuye.core.money import format_yuan
from jiuye.employers.models import Employer, FactoryReport, MarketEntity, ServiceOrg
from jiuye.indicators.records import RecordSource, register

EMPLOYERS = RecordSource(
    records="employer",
    fetch=lambda user, ids: Employer.objects.visible_to(user).filter(pk__in=ids).select_related("region"),
    columns=(
        (_("单位名称"), lambda e: e.name),
        (_("主体类型"), lambda e: e.get_kind_display()),
        (_("所在区划"), lambda e: e.region.name),
        (_("认定日期"), lambda e: e.certified_on),
    ),
    url=lambda e: reverse("employers:employer_detail", args=[e.pk]),
)
ENTITIES = RecordSource(
    records="market_entity",
    fetch=lambda user, ids: MarketEntity.objects.visible_to(user).filter(pk__in=ids),
    columns=(
        (_("主体名称"), lambda e: e.name),
        (_("统一社会信用代码"), lambda e: e.credit_code),
        (_("主体类型"), lambda e: e.get_kind_display()),
        (_("登记日期"), lambda e: e.registered_on),
    ),
    url=lambda e: reverse("employers:market_list") + f"?year={e.registered_on.year}",
)


def _reports(user: Any, ids: list[int]) -> Any:
    return FactoryReport.objects.visible_to(user).filter(pk__in=ids).select_related("employer")


REPORTS = RecordSource(
    records="factory_report",
    fetch=_reports,
    columns=(
        (_("新社区工厂"), lambda r: r.employer.name),
        (_("月份"), lambda r: r.month.strftime("%Y-%m")),
        (_("吸纳就业人数"), lambda r: r.jobs),
        (_("产值（元）"), lambda r: format_yuan(r.output_value)),
        (_("发放工资（元）"), lambda r: format_yuan(r.wages_paid)),
    ),
    url=lambda r: reverse("employers:employer_detail", args=[r.employer_id]),
)
ORGS = RecordSource(
    records="service_org",
    fetch=lambda user, ids: ServiceOrg.objects.visible_to(user).filter(pk__in=ids).select_related("region"),
    columns=(
        (_("机构名称"), lambda o: o.name),
        (_("机构类别"), lambda o: o.get_kind_display()),
        (_("所在区划"), lambda o: o.region.name),
    ),
    url=lambda o: reverse("employers:org_detail", args=[o.pk]),
)


def register_sources() -> None:
    """Called by the employers app's ``AppConfig.ready``."""
    for source in (EMPLOYERS, ENTITIES, REPORTS, ORGS):
        register(source)
