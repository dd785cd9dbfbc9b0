"""The employers module's forms. Region fields use the region picker; amounts are typed in 元
and cleaned to 分 (``YuanField``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.forms import DateInput, YuanField
from jiuye.employers import industries
from jiuye.employers.choices import EmployerKind, FactoryCategory, OrgKind, ServiceKind, SizeClass
from jiuye.indicators.snapshot import add_months, month_start
from jiuye.regions.models import Level
from jiuye.regions.picker import RegionPicker

REGION_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE)


def blank_choice(choices: Any) -> list[tuple[str, Any]]:
    """A drop-down's choices with an empty first entry (nothing chosen)."""
    return [("", "—"), *choices]


class MonthField(forms.DateField):
    """A month typed as 2026-11 (an ``<input type=month>``), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class EmployerFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("主体类型"), required=False, choices=blank_choice(EmployerKind.choices))
    region = forms.CharField(label=_("区划"), required=False, max_length=12, widget=RegionPicker())


class EmployerForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    name = forms.CharField(label=_("单位名称"), max_length=200)
    kind = forms.ChoiceField(label=_("主体类型"), choices=blank_choice(EmployerKind.choices))
    industry = forms.ChoiceField(label=_("行业（GB/T 4754-2017 大类）"), required=False, choices=())
    size = forms.ChoiceField(label=_("企业规模"), required=False, choices=blank_choice(SizeClass.choices))
    region = forms.CharField(label=_("所在区划"), max_length=12, widget=RegionPicker(levels=REGION_LEVELS))
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=30)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    factory_category = forms.ChoiceField(
        label=_("新社区工厂类别"), required=False, choices=blank_choice(FactoryCategory.choices)
    )
    relocation_site = forms.CharField(label=_("服务的易地搬迁安置点"), required=False, max_length=100)
    certified_on = forms.DateField(label=_("认定日期"), required=False, widget=DateInput)
    internship_base = forms.BooleanField(label=_("就业见习基地"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = industries.choices()  # type: ignore[attr-defined]


class FactoryReportForm(forms.Form):
    month = MonthField(label=_("月份"))
    jobs = forms.IntegerField(label=_("吸纳就业人数"), min_value=0, max_value=100_000)
    relocated = forms.IntegerField(label=_("其中易地搬迁劳动力"), min_value=0, max_value=100_000)
    poverty_alleviated = forms.IntegerField(label=_("其中脱贫劳动力"), min_value=0, max_value=100_000)
    output_value = YuanField(label=_("产值（元）"))
    wages_paid = YuanField(label=_("发放工资（元）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = add_months(month_start(timezone.localdate()), -1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("output_value", "wages_paid"):
            if name in data and data[name] is None:
                self.add_error(name, ValidationError(_("请填写金额。")))
        return data


class OrgForm(forms.Form):
    kind = forms.ChoiceField(label=_("机构类别"), choices=blank_choice(OrgKind.choices))
    name = forms.CharField(label=_("机构名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=18)
    region = forms.CharField(label=_("所在区划"), max_length=12, widget=RegionPicker(levels=REGION_LEVELS))
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    licence_number = forms.CharField(label=_("人力资源服务许可证编号"), required=False, max_length=40)
    licence_expiry = forms.DateField(label=_("许可证有效期至"), required=False, widget=DateInput)
    relocation_site = forms.CharField(label=_("易地搬迁安置点"), required=False, max_length=100)
    villages = forms.CharField(
        label=_("服务的村（社区）"),
        required=False,
        max_length=2000,
        help_text=_("村级劳务公司填写：12位村（社区）代码，以逗号或空格分隔。"),
    )
    active = forms.BooleanField(label=_("在营"), required=False, initial=True)

    def clean_villages(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("villages") or ""
        codes = tuple(c for c in text.replace("，", ",").replace(",", " ").split() if c)
        bad = [c for c in codes if not (c.isdigit() and len(c) == 12)]
        if bad:
            raise ValidationError(_("不是12位区划代码：%(codes)s") % {"codes": "、".join(bad[:5])})
        return codes


class ServiceRecordForm(forms.Form):
    month = MonthField(label=_("月份"))
    kind = forms.ChoiceField(label=_("服务类别"), choices=ServiceKind.choices)
    persons = forms.IntegerField(label=_("人数"), min_value=0, max_value=1_000_000)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
