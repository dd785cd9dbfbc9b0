from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import Level
from jiuye.indicators import catalogue
from jiuye.indicators.catalogue import Indicator
from jiuye.regions.picker import RegionPicker


def _entered_choices() -> list[tuple[str, Any]]:
    return [(i.code, i.name) for i in catalogue.all_indicators() if i.entered]


def _target_choices() -> list[tuple[str, Any]]:
    return [(i.code, f"{i.name}（{i.unit}）") for i in catalogue.all_indicators()]


class MonthField(forms.CharField):
    default_error_messages = {"invalid": _("统计月份应为“年-月”，如 2026-10。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        from jiuye.indicators.services import parse_period

        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class EnteredValueForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"), choices=_entered_choices)
    region = forms.CharField(label=_("区划"), max_length=12, widget=RegionPicker())
    period = MonthField(label=_("统计月份"))
    value = forms.DecimalField(label=_("数值"), max_digits=20, decimal_places=4)
    source = forms.CharField(label=_("数据来源"), max_length=200, help_text=_("如：市统计局《2026年10月统计月报》"))


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"), choices=_target_choices)
    start_year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("终止年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["start_year"].initial = year
        self.fields["end_year"].initial = year


class LockForm(forms.Form):
    period = MonthField(label=_("统计月份"))
    action = forms.ChoiceField(choices=[("lock", _("锁定")), ("reopen", _("解锁"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因"), max_length=300)


class BoundaryForm(forms.Form):
    region = forms.CharField(
        label=_("上级区划"),
        max_length=12,
        help_text=_("地图显示该区划的下级单位"),
        widget=RegionPicker(levels=(Level.CITY, Level.COUNTY, Level.TOWN)),
    )
    file = forms.FileField(label=_("边界文件（GeoJSON）"))


def params_form(indicator: Indicator, current: dict[str, Any], data: Any = None) -> forms.Form:
    """A form with one field per parameter of ``indicator``, typed by its default."""
    form = forms.Form(data)
    for name, param in indicator.params.items():
        value = current.get(name, param.default)
        field: forms.Field
        if isinstance(param.default, bool):
            field = forms.BooleanField(label=param.label, required=False, initial=value)
        elif isinstance(param.default, int):
            field = forms.IntegerField(label=param.label, min_value=0, max_value=120, initial=value)
        else:
            field = forms.MultipleChoiceField(
                label=param.label,
                choices=[(k, v) for k, v in param.choices],
                widget=forms.CheckboxSelectMultiple,
                initial=value,
            )
        form.fields[name] = field
    return form
