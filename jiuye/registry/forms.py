from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.forms import DateInput, YuanField
from jiuye.core.permissions import Level, can_view_sensitive
from jiuye.core.scoping import code_from_typed
from jiuye.core.text import PHONE_RE
from jiuye.regions.picker import RegionPicker
from jiuye.regions.picker import bind as bind_pickers
from jiuye.registry import idcard, rules
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    Education,
    EmploymentForm,
    EmploymentStatus,
    KeyGroup,
    LaborAbility,
    MeasureKind,
    PersonState,
    Place,
    Relation,
    UnemploymentEnd,
    UnemploymentReason,
    group_choices,
)
from jiuye.registry.selectors import AGE_BANDS, ALL_STATES, REGION_FILTER_ERROR, PersonFilters, state_filter


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class PersonFilterForm(forms.Form):
    name = forms.CharField(label=_("姓名或拼音"), required=False, max_length=30)
    region = forms.CharField(label=_("区划"), required=False, max_length=12, widget=RegionPicker())
    status = forms.ChoiceField(label=_("就业状态"), choices=_blank(EmploymentStatus.choices), required=False)
    group = forms.ChoiceField(label=_("人员类别"), choices=_blank(KeyGroup.choices), required=False)
    ability = forms.ChoiceField(label=_("劳动能力"), choices=_blank(LaborAbility.choices), required=False)
    willing = forms.ChoiceField(
        label=_("就业意愿"), choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))], required=False
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"), choices=[("", _("全部")), *[(k, k) for k in AGE_BANDS]], required=False
    )
    state = forms.ChoiceField(
        label=_("在册状态"),
        choices=[(ALL_STATES, _("全部")), *PersonState.choices],
        required=False,
        initial=PersonState.ACTIVE,
    )

    def __init__(self, *args: Any, sensitive: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without the security label the sensitive groups are no filter either: a filter by
        # 残疾人 would list who has it. They are not offered, and refused if sent.
        self.sensitive = sensitive
        self.fields["group"].widget.choices = _blank(group_choices(sensitive=sensitive))

    def clean_region(self) -> str:
        """A 12-digit code, or the leading digits a clerk types for a county (6) or town (9)."""
        typed: str = self.cleaned_data["region"].strip()
        if not typed:
            return ""
        code = code_from_typed(typed)
        if code is None:
            raise forms.ValidationError(REGION_FILTER_ERROR)
        return code

    def clean_group(self) -> str:
        group: str = self.cleaned_data["group"]
        if group in SENSITIVE_GROUPS and not self.sensitive:
            raise forms.ValidationError(_("按敏感类别查询需要敏感信息授权。"))
        return group


class PersonLookupForm(forms.Form):
    """ID number or phone: sent by POST so that it never appears in a URL or an access log."""

    id_number = forms.CharField(label=_("公民身份号码"), required=False, max_length=20)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)


class PersonFieldsForm(forms.Form):
    """What a clerk records about a person, on the edit page and on the new-person page."""

    name = forms.CharField(label=_("姓名"), max_length=30)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    phone = forms.RegexField(label=_("联系电话"), regex=PHONE_RE, required=False, max_length=20)
    education = forms.ChoiceField(label=_("文化程度"), choices=[("", "—"), *Education.choices], required=False)
    labor_ability = forms.ChoiceField(label=_("劳动能力"), choices=LaborAbility.choices)
    willing = forms.BooleanField(label=_("有就业意愿"), required=False)
    groups = forms.MultipleChoiceField(
        label=_("人员类别"), choices=KeyGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, sensitive: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without the security label the sensitive groups are not offered; those stored stay.
        self.fields["groups"].choices = group_choices(sensitive=sensitive)  # type: ignore[attr-defined]


class PersonEditForm(PersonFieldsForm):
    """The phone is never sent to the page in full (that takes 查看完整号码, with a reason): the
    field starts empty, showing the masked number; empty keeps it, a number replaces it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)  # the record as shown, signed
    clear_phone = forms.BooleanField(label=_("删除联系电话"), required=False)
    effective = forms.DateField(
        label=_("变更生效日期"),
        widget=DateInput,
        initial=timezone.localdate,
        required=False,
        help_text=_("劳动能力、就业意愿、与户主关系和人员类别从这一天起变更（默认今天）；此前各月的统计不受影响。"),
    )

    field_order = ["name", "relation", "phone", "clear_phone"]

    def __init__(self, *args: Any, phone_masked: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phone = self.fields["phone"]
        if phone_masked:
            phone.widget.attrs["placeholder"] = phone_masked
            phone.help_text = _("已登记 %(masked)s；留空则不变，填写新号码则替换。") % {"masked": phone_masked}
        else:
            del self.fields["clear_phone"]

    def phone_change(self) -> str | None:
        """The phone to save: a new number, "" to delete it, or None to keep it."""
        if self.cleaned_data.get("clear_phone"):
            return ""
        return self.cleaned_data["phone"] or None


class IdCorrectionForm(forms.Form):
    """更正公民身份号码, with the reason (kept in the audit log)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)  # the record as shown, signed
    id_number = forms.CharField(
        label=_("正确的公民身份号码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    reason = forms.CharField(label=_("更正原因"), min_length=4, max_length=200)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("就业状态"), choices=EmploymentStatus.choices)
    start = forms.DateField(label=_("开始日期"), widget=DateInput, initial=timezone.localdate)
    place = forms.ChoiceField(label=_("就业地点类别"), choices=[("", "—"), *Place.choices], required=False)
    location = forms.CharField(label=_("就业地点"), required=False, max_length=100)
    employer_name = forms.CharField(label=_("就业单位"), required=False, max_length=200)
    employer_credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        required=False,
        max_length=18,
        help_text=_("就业单位的统一社会信用代码：填写后，该人员计入该用工主体的吸纳就业。"),
    )
    monthly_income = YuanField(label=_("月收入(元)"), required=False)
    verified_at = forms.DateField(label=_("核实日期"), required=False, widget=DateInput)

    def clean_employer_credit_code(self) -> str:
        code = (self.cleaned_data.get("employer_credit_code") or "").strip().upper()
        if code and not is_valid_credit_code(code):
            raise forms.ValidationError(_("统一社会信用代码无效（GB 32100 校验不通过）。"))
        return code

    def clean_start(self) -> date:
        start: date = self.cleaned_data["start"]
        if start > timezone.localdate():
            raise forms.ValidationError(_("开始日期不能晚于今天。"))
        return start


class HouseholdTargetForm(forms.Form):
    """A household named by its village's code and its number: an existing one, or a new one."""

    village = forms.RegexField(
        label=_("村(社区)"),
        regex=r"^[0-9]{12}$",
        max_length=12,
        error_messages={"invalid": _("请选择村(社区)。"), "required": _("请选择村(社区)。")},
        widget=RegionPicker(levels=(Level.VILLAGE,)),
    )
    household = forms.CharField(label=_("户编号"), max_length=40)


class PersonCreateForm(HouseholdTargetForm, PersonFieldsForm, StatusChangeForm):
    """登记人员: a person newly found on a village visit, in an existing household or a new one."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=20)

    # The page's three parts, every field in one of them.
    sections = (
        (_("所在家庭户"), ("village", "household", "relation")),
        (_("基本信息"), ("name", "id_number", "phone", "education", "labor_ability", "willing", "groups", "note")),
        (
            _("就业状态"),
            (
                "status",
                "start",
                "place",
                "location",
                "employer_name",
                "employer_credit_code",
                "monthly_income",
                "verified_at",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].help_text = _("该村(社区)中还没有此户编号时，将新建家庭户，第一位成员须为户主。")
        self.fields["status"].label = _("当前就业状态")
        self.fields["start"].label = _("状态开始日期")
        for name in ("relation", "labor_ability", "status"):  # chosen by the clerk, never a default
            field: Any = self.fields[name]
            field.choices = [("", _("请选择")), *field.choices]

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names]) for title, names in self.sections]

    def clean_id_number(self) -> str:
        try:
            return idcard.parse(self.cleaned_data["id_number"]).number
        except idcard.IdNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("id_number", _("公民身份号码")), ("phone", _("联系电话"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("查看原因"), min_length=4, max_length=200)


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("登记类型"),
        choices=[("employment", _("就业登记")), ("unemployment", _("失业登记")), ("end", _("失业登记注销"))],
    )
    date = forms.DateField(label=_("登记日期"), widget=DateInput, initial=timezone.localdate)
    form = forms.ChoiceField(label=_("就业形式"), choices=[("", "—"), *EmploymentForm.choices], required=False)
    employer_name = forms.CharField(label=_("就业单位"), required=False, max_length=200)
    reason = forms.ChoiceField(label=_("失业原因"), choices=[("", "—"), *UnemploymentReason.choices], required=False)
    end_reason = forms.ChoiceField(label=_("注销原因"), choices=[("", "—"), *UnemploymentEnd.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "employment" and not data.get("form"):
            self.add_error("form", _("就业登记需要填写就业形式。"))
        if kind == "unemployment" and not data.get("reason"):
            self.add_error("reason", _("失业登记需要填写失业原因。"))
        if kind == "end" and not data.get("end_reason"):
            self.add_error("end_reason", _("注销需要填写注销原因。"))
        return data


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类型"), choices=MeasureKind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("open", _("待清零")), ("closed", _("已清零")), ("", _("全部"))],
        required=False,
        initial="open",
    )
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    relocated = forms.BooleanField(label=_("仅易地搬迁家庭"), required=False)
    region = forms.CharField(label=_("区划"), required=False, max_length=12, widget=RegionPicker())


class HouseholdForm(forms.Form):
    relocation_site = forms.CharField(
        label=_("易地搬迁安置点"),
        max_length=100,
        required=False,
        help_text=_("易地扶贫搬迁户填写其安置点名称；不是搬迁户的留空。"),
        widget=forms.TextInput(attrs={"list": "relocation-sites", "autocomplete": "off"}),
    )


class MoveForm(HouseholdTargetForm):
    """Move to another household, in this village or another one (both must be in write scope)."""

    effective = forms.DateField(label=_("迁户日期"), widget=DateInput, initial=timezone.localdate, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].label = _("迁入村(社区)")
        self.fields["household"].label = _("目标户编号")
        self.fields["household"].help_text = _(
            "迁入还没有在册成员的户（含新户编号，即分户）即为该户户主；迁入已有户主的户，原为户主的改记为“其他”，请随后在编辑中核对与户主关系。"
        )


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("在册状态"), choices=PersonState.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)


class ZeroRuleForm(forms.Form):
    """The 零就业家庭 rule's parameters, named as ``services.zero_rule_update`` takes them; the
    bounds are the service's."""

    min_age = forms.IntegerField(label=_("劳动年龄下限（周岁）"))
    max_age = forms.IntegerField(label=_("劳动年龄上限（周岁）"))
    employed = forms.MultipleChoiceField(
        label=_("计为就业的状态"),
        choices=[(value, label) for value, label in EmploymentStatus.choices if value in rules.EMPLOYABLE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("家庭成员处于所选状态之一，即视为该户有人就业。"),
    )
    clear_days = forms.IntegerField(
        label=_("清零期限（天）"),
        help_text=_("新认定的零就业家庭须在此天数内实现至少一人就业；已开立的个案保留原期限。"),
    )


def person_filters(query: QueryDict, user: Any) -> tuple[PersonFilterForm, PersonFilters]:
    """The registry list's filters from a query string: the list page, its export and an export
    request read the same. An unbound form (no query) means persons in the registry (在册)."""
    bound = None
    if query:
        # 在册状态 not named means 在册: the form shows it so, and not the first choice (全部).
        bound = query.copy()
        bound.setdefault("state", PersonState.ACTIVE)
    form = PersonFilterForm(bound, sensitive=can_view_sensitive(user))
    bind_pickers(form, user)
    if not form.is_bound:
        return form, PersonFilters()
    # A field that is not valid (a stale link, a group this user may not filter by) is left out
    # and shown with its message; the others still apply, so the list never widens silently.
    form.is_valid()
    # An empty choice means "all", except 在册状态: there "全部" is ``all`` and nothing means 在册.
    data = {k: v or "" for k, v in form.cleaned_data.items()}
    data["state"] = state_filter(data.get("state", ""))
    return form, PersonFilters(**data)


def case_filters(query: QueryDict, user: Any) -> tuple[CaseFilterForm, dict[str, Any]]:
    """The case list's filters from a query string (the page and its export read the same)."""
    form = CaseFilterForm(query or None, initial={"status": "open"})
    bind_pickers(form, user)
    data = form.cleaned_data if form.is_valid() else {"status": "open"}
    return form, {
        "status": data.get("status", "open"),
        "overdue": bool(data.get("overdue")),
        "relocated": bool(data.get("relocated")),
        "region": data.get("region") or "",
    }
