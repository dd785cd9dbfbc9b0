"""Writes on employers, factory reports, market entities and HR service organisations: each atomic,
audited and checked against the actor's write scope (outside it: 404, as for a record that does
not exist)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import can_write, require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.employers import actions, industries
from jiuye.employers.choices import FACTORY_KINDS, EmployerKind, OrgKind, ServiceKind
from jiuye.employers.models import Employer, FactoryReport, ServiceOrg, ServiceRecord
from jiuye.regions.models import Region


def writable_region(actor: Any, code: str, field: str = "region") -> Region:
    """The county, town or village a form or payload names, if the actor may change records there;
    else a refusal on ``field``, the same for a code that does not exist and one outside the area."""
    region = Region.objects.visible_to(actor).filter(code=code).first()
    if region is None or region.level == "city" or not can_write(actor, region.code):
        raise ValidationError({field: _("区划不存在或不在您的管辖范围内（须为县、镇或村级）。")})
    return region


def check_coordinates(longitude: float | None, latitude: float | None) -> dict[str, str]:
    """Both or neither, and inside China's extent (73–136°E, 3–54°N): a swapped pair is caught."""
    if (longitude is None) != (latitude is None):
        return {"longitude": _("经度和纬度须同时填写。")}
    if longitude is None or latitude is None:
        return {}
    if not (73 <= longitude <= 136 and 3 <= latitude <= 54):
        return {"longitude": _("坐标不在中国境内（经度 73–136，纬度 3–54）；请检查是否填反。")}
    return {}


@dataclass
class EmployerInput:
    credit_code: str
    name: str
    kind: str
    region: str  # a region code
    industry: str = ""
    size: str = ""
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    factory_category: str = ""
    relocation_site: str = ""
    certified_on: date | None = None
    internship_base: bool = False
    note: str = ""


def employer_errors(data: EmployerInput, *, today: date | None = None) -> dict[str, str]:
    """The checks of one employer that need no database: the form, the import and the API share them."""
    errors: dict[str, str] = {}
    if not is_valid_credit_code(data.credit_code):
        errors["credit_code"] = _("统一社会信用代码无效（应为18位，GB 32100 校验位不符）。")
    if not data.name.strip():
        errors["name"] = _("请填写单位名称。")
    if data.kind not in EmployerKind.values:
        errors["kind"] = _("请选择主体类型。")
    if data.industry and (industries.get(data.industry) is None or not industries.get(data.industry).parent):  # type: ignore[union-attr]
        errors["industry"] = _("行业代码应为 GB/T 4754-2017 的两位大类代码。")
    errors.update(check_coordinates(data.longitude, data.latitude))
    if data.kind in FACTORY_KINDS:
        if not data.factory_category:
            errors["factory_category"] = _("新社区工厂和家庭工坊须选择类别。")
    elif data.factory_category or data.certified_on:
        errors["factory_category"] = _("只有新社区工厂和家庭工坊填写类别和认定日期。")
    if data.certified_on and data.certified_on > (today or timezone.localdate()):
        errors["certified_on"] = _("认定日期不能晚于今天。")
    return errors


@retrying_atomic
def employer_save(*, actor: Any, data: EmployerInput, employer: Employer | None = None) -> Employer:
    """Create an employer or change one; the credit code is the employer's identity, once in the city."""
    data.credit_code = data.credit_code.strip().upper()
    data.industry = data.industry.strip()
    errors = employer_errors(data)
    if employer is not None:
        require_writable(actor, employer.region_id)
    region = None
    if "region" not in errors:
        try:
            region = writable_region(actor, data.region)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    taken = Employer.objects.filter(credit_code=data.credit_code)
    if employer is not None:
        taken = taken.exclude(pk=employer.pk)
    if "credit_code" not in errors and taken.exists():
        errors["credit_code"] = _("该统一社会信用代码已登记。")
    if errors:
        raise ValidationError(errors)
    before = employer_values(employer) if employer is not None else None
    target = employer or Employer()
    for f in fields(EmployerInput):
        if f.name != "region":
            setattr(target, f.name, getattr(data, f.name))
    target.region = region  # type: ignore[assignment]
    target.save()
    audit_record(action=actions.EMPLOYER_SAVE, actor=actor, obj=target, before=before, after=employer_values(target))
    notify_records_changed(Employer, since=target.certified_on or timezone.localdate())
    return target


def employer_values(employer: Employer) -> dict[str, Any]:
    """An employer's fields as the input names them (dates as text): what the audit records and
    what an import compares to tell an unchanged row."""
    values = {f.name: getattr(employer, f.name) for f in fields(EmployerInput) if f.name != "region"}
    values["region"] = employer.region_id
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def employer_values_of(data: EmployerInput) -> dict[str, Any]:
    values = {f.name: getattr(data, f.name) for f in fields(EmployerInput)}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@dataclass
class ReportInput:
    month: date
    jobs: int
    relocated: int
    poverty_alleviated: int
    output_value: int  # 分
    wages_paid: int  # 分


def report_errors(data: ReportInput, *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.month.day != 1:
        errors["month"] = _("月份应为某月1日。")
    elif (data.month.year, data.month.month) >= (today.year, today.month):
        errors["month"] = _("只能报送已结束的月份。")
    if data.relocated > data.jobs:
        errors["relocated"] = _("其中易地搬迁劳动力不能多于吸纳就业人数。")
    if data.poverty_alleviated > data.jobs:
        errors["poverty_alleviated"] = _("其中脱贫劳动力不能多于吸纳就业人数。")
    if data.output_value < 0:
        errors["output_value"] = _("产值不能为负数。")
    if data.wages_paid < 0:
        errors["wages_paid"] = _("发放工资不能为负数。")
    return errors


@retrying_atomic
def factory_report_save(*, actor: Any, employer: Employer, data: ReportInput) -> tuple[FactoryReport, bool]:
    """The month's report of a factory, filed or corrected (one per month); (report, created)."""
    require_writable(actor, employer.region_id)
    if employer.kind not in FACTORY_KINDS:
        raise ValidationError({"month": _("只有新社区工厂和家庭工坊报送月报。")})
    errors = report_errors(data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    values = {f.name: getattr(data, f.name) for f in fields(ReportInput) if f.name != "month"}
    old = FactoryReport.objects.filter(employer=employer, month=data.month).first()
    before = {k: getattr(old, k) for k in values} if old else None
    report, created = FactoryReport.objects.update_or_create(
        employer=employer,
        month=data.month,
        defaults={**values, "region_code": employer.region_id, "recorded_by": actor},
    )
    audit_record(
        action=actions.FACTORY_REPORT,
        actor=actor,
        obj=report,
        before=before,
        after={"month": data.month.isoformat(), **values},
    )
    notify_records_changed(FactoryReport, since=data.month)
    return report, created


@dataclass
class OrgInput:
    kind: str
    name: str
    region: str
    credit_code: str = ""
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    licence_number: str = ""
    licence_expiry: date | None = None
    relocation_site: str = ""
    villages: tuple[str, ...] = ()
    active: bool = True


@retrying_atomic
def org_save(*, actor: Any, data: OrgInput, org: ServiceOrg | None = None) -> ServiceOrg:
    errors: dict[str, str] = {}
    if org is not None:
        require_writable(actor, org.region_id)
    if data.kind not in OrgKind.values:
        errors["kind"] = _("请选择机构类别。")
    if not data.name.strip():
        errors["name"] = _("请填写机构名称。")
    data.credit_code = data.credit_code.strip().upper()
    if data.credit_code and not is_valid_credit_code(data.credit_code):
        errors["credit_code"] = _("统一社会信用代码无效（应为18位，GB 32100 校验位不符）。")
    if data.kind == OrgKind.LICENSED_AGENCY and not (data.licence_number.strip() and data.licence_expiry):
        errors["licence_number"] = _("经营性人力资源服务机构须填写许可证编号和有效期。")
    if data.kind == OrgKind.SITE_WINDOW and not data.relocation_site.strip():
        errors["relocation_site"] = _("安置点服务窗口须填写所在的易地搬迁安置点。")
    if data.kind == OrgKind.VILLAGE_LABOUR_COMPANY and not data.villages:
        errors["villages"] = _("村级劳务公司须选择服务的村（社区）。")
    errors.update(check_coordinates(data.longitude, data.latitude))
    region = None
    try:
        region = writable_region(actor, data.region)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    villages = list(Region.objects.visible_to(actor).filter(code__in=data.villages, level="village"))
    if len(villages) != len(set(data.villages)) or any(not can_write(actor, v.code) for v in villages):
        errors["villages"] = _("服务的村（社区）不存在或不在您的管辖范围内。")
    if errors:
        raise ValidationError(errors)
    target = org or ServiceOrg()
    before = _org_values(org) if org is not None else None
    for f in fields(OrgInput):
        if f.name not in ("region", "villages"):
            setattr(target, f.name, getattr(data, f.name))
    target.region = region  # type: ignore[assignment]
    target.save()
    target.villages.set(villages)
    audit_record(action=actions.ORG_SAVE, actor=actor, obj=target, before=before, after=_org_values(target))
    notify_records_changed(ServiceOrg, since=timezone.localdate())
    return target


def _org_values(org: ServiceOrg) -> dict[str, Any]:
    values: dict[str, Any] = {
        f.name: getattr(org, f.name) for f in fields(OrgInput) if f.name not in ("region", "villages")
    }
    values["region"] = org.region_id
    values["villages"] = sorted(org.villages.values_list("code", flat=True))
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@retrying_atomic
def service_record_save(
    *, actor: Any, org: ServiceOrg, month: date, kind: str, persons: int, note: str = ""
) -> ServiceRecord:
    """The persons an organisation placed or trained in a month (one figure per month and kind)."""
    require_writable(actor, org.region_id)
    today = timezone.localdate()
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": _("请选择服务类别。")})
    if month.day != 1 or (month.year, month.month) > (today.year, today.month):
        raise ValidationError({"month": _("月份应为本月或以前某月的1日。")})
    record, _created = ServiceRecord.objects.update_or_create(
        org=org,
        month=month,
        kind=kind,
        defaults={"persons": persons, "note": note, "region_code": org.region_id, "recorded_by": actor},
    )
    audit_record(
        action=actions.SERVICE_RECORD,
        actor=actor,
        obj=record,
        after={"month": month.isoformat(), "kind": kind, "persons": persons},
    )
    notify_records_changed(ServiceRecord, since=month)
    return record
