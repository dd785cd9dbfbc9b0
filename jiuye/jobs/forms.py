"""The jobs module's forms. Wages are typed in 元 and cleaned to 分."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.forms import DateInput, YuanField
from jiuye.employers.forms import REGION_LEVELS, blank_choice
from jiuye.jobs import occupations
from jiuye.jobs.choices import EventKind, Stage, WishedTime, WorkTime
from jiuye.regions.picker import RegionPicker
from jiuye.registry.choices import Education


class PostingForm(forms.Form):
    employer = forms.TypedChoiceField(label=_("招聘单位"), coerce=int, choices=())
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    occupation = forms.ChoiceField(label=_("职业（2022年版职业分类大典中类）"), choices=())
    headcount = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10_000)
    wage_min = YuanField(label=_("月薪下限（元）"))
    wage_max = YuanField(label=_("月薪上限（元）"))
    work_time = forms.ChoiceField(label=_("用工形式"), choices=WorkTime.choices)
    region = forms.CharField(
        label=_("工作地点"),
        required=False,
        max_length=12,
        widget=RegionPicker(levels=REGION_LEVELS),
        help_text=_("不填则为招聘单位所在地。"),
    )
    address = forms.CharField(label=_("工作地址"), required=False, max_length=200)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    min_age = forms.IntegerField(label=_("年龄下限"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("年龄上限"), required=False, min_value=0, max_value=120)
    education = forms.ChoiceField(label=_("最低学历"), required=False, choices=blank_choice(Education.choices))
    skills = forms.CharField(
        label=_("技能要求"), required=False, max_length=200, help_text=_("以顿号分隔，如：缝纫、熨烫")
    )
    certificate = forms.CharField(label=_("证书要求"), required=False, max_length=60)
    description = forms.CharField(
        label=_("岗位描述"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(label=_("有效期起"), widget=DateInput, initial=timezone.localdate)
    valid_until = forms.DateField(label=_("有效期止"), widget=DateInput)
    published = forms.BooleanField(label=_("在公共招聘栏发布"), required=False, initial=True)

    def __init__(self, *args: Any, employers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [("", "—"), *((e.pk, f"{e.name}（{e.credit_code}）") for e in employers)]  # type: ignore[attr-defined]
        self.fields["occupation"].choices = occupations.choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("wage_min", "wage_max"):
            if name in data and data[name] is None:
                self.add_error(name, ValidationError(_("请填写月薪。")))
        return data


class PostingFilterForm(forms.Form):
    q = forms.CharField(label=_("岗位或单位"), required=False, max_length=60)
    occupation = forms.ChoiceField(label=_("职业"), required=False, choices=())
    region = forms.CharField(label=_("区划"), required=False, max_length=12, widget=RegionPicker())
    open_only = forms.BooleanField(label=_("只看有效岗位"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = occupations.choices()  # type: ignore[attr-defined]


class SeekerForm(forms.Form):
    occupations = forms.MultipleChoiceField(
        label=_("意向职业（最多三个）"), required=False, choices=(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    place = forms.CharField(label=_("意向工作地"), required=False, max_length=100)
    wage_floor = YuanField(label=_("期望月薪下限（元）"), required=False)
    work_time = forms.ChoiceField(label=_("用工形式"), choices=WishedTime.choices)
    skills = forms.CharField(
        label=_("技能和证书"), required=False, max_length=200, help_text=_("以顿号分隔，如：缝纫、电工证")
    )
    active = forms.BooleanField(label=_("正在求职"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupations"].choices = [(c, n) for c, n in _flat_occupations()]  # type: ignore[attr-defined]


def _flat_occupations() -> list[tuple[str, str]]:
    return [(o.code, f"{o.code} {o.name}") for o in occupations.all_occupations().values() if o.parent]


class ReferralStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("进展"), choices=[c for c in Stage.choices if c[0] != Stage.REFERRED])
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    monthly_income = YuanField(label=_("月收入（元，录用时填写）"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class EventForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    kind = forms.ChoiceField(label=_("活动类型"), choices=blank_choice(EventKind.choices))
    start = forms.DateField(label=_("开始日期"), widget=DateInput)
    end = forms.DateField(label=_("结束日期"), widget=DateInput)
    region = forms.CharField(label=_("举办地"), max_length=12, widget=RegionPicker(levels=REGION_LEVELS))
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    attendees = forms.IntegerField(
        label=_("入场求职人数"), required=False, min_value=0, max_value=10_000_000, initial=0
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_attendees(self) -> int:
        return self.cleaned_data.get("attendees") or 0


class InternshipPostForm(forms.Form):
    employer = forms.TypedChoiceField(label=_("见习基地"), coerce=int, choices=())
    title = forms.CharField(label=_("见习岗位名称"), max_length=100)
    occupation = forms.ChoiceField(label=_("职业（中类）"), required=False, choices=())
    slots = forms.IntegerField(label=_("见习名额"), min_value=1, max_value=1000)
    stipend = YuanField(label=_("见习补贴（元/月）"), required=False)
    months = forms.IntegerField(label=_("见习期限（月）"), min_value=1, max_value=12, initial=6)

    def __init__(self, *args: Any, bases: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [("", "—"), *((e.pk, e.name) for e in bases)]  # type: ignore[attr-defined]
        self.fields["occupation"].choices = occupations.choices()  # type: ignore[attr-defined]


class InternshipStartForm(forms.Form):
    id_number = forms.CharField(
        label=_("见习人员公民身份号码"),
        max_length=18,
        min_length=18,
        help_text=_("须为劳动力台账中本辖区的在册人员。"),
    )
    post = forms.TypedChoiceField(label=_("见习岗位"), coerce=int, choices=())
    start = forms.DateField(label=_("见习开始"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, posts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "—"), *((p.pk, f"{p.employer.name} · {p.title}") for p in posts)]  # type: ignore[attr-defined]


class InternshipEndForm(forms.Form):
    ended_on = forms.DateField(label=_("实际结束"), widget=DateInput, initial=timezone.localdate)
    retained = forms.BooleanField(label=_("期满留用"), required=False)


class BoardForm(forms.Form):
    """The public board's search: every field optional, all public."""

    q = forms.CharField(
        label=_("搜索岗位、单位"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("岗位名称、单位或技能，如：缝纫")}),
    )
    occupation = forms.ChoiceField(label=_("职业"), required=False, choices=())
    county = forms.ChoiceField(label=_("地区"), required=False, choices=())
    wage = forms.IntegerField(label=_("月薪不低于（元）"), required=False, min_value=0, max_value=1_000_000)
    part_time = forms.BooleanField(label=_("只看兼职/零工"), required=False)
    lon = forms.FloatField(required=False, min_value=73, max_value=136, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=3, max_value=54, widget=forms.HiddenInput)

    def __init__(self, *args: Any, counties: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        majors = [(o.code, o.name) for o in occupations.all_occupations().values() if not o.parent]
        self.fields["occupation"].choices = [("", _("全部职业")), *majors, *_flat_occupations()]  # type: ignore[attr-defined]
        self.fields["county"].choices = [("", _("全部地区")), *counties]  # type: ignore[attr-defined]
