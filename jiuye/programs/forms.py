"""The programs module's forms. Amounts are typed in 元 (``YuanField``, cleaned to 分); an
application's fields are built from its program's ``fields``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.core.forms import DateInput, YuanField
from jiuye.employers.forms import blank_choice
from jiuye.programs import parameters, rules
from jiuye.programs.choices import (
    AssistanceKind,
    BorrowerKind,
    ClaimStatus,
    DifficultyCategory,
    DifficultyExit,
    DifficultyStatus,
    ExitReason,
    PolicyLevel,
    PolicyTheme,
    PostKind,
)
from jiuye.programs.rules.base import FUND_LABELS, FactKind, Payee, Period, Program
from jiuye.regions.models import Level
from jiuye.regions.picker import RegionPicker
from jiuye.registry.choices import EmploymentStatus


def _years() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this, this - 6, -1)]


class ClaimFilterForm(forms.Form):
    program = forms.ChoiceField(label=_("政策项目"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=blank_choice([*ClaimStatus.choices, ("paid", _("已支付")), ("failed", _("支付失败"))]),
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, choices=(), empty_value=None)
    region = forms.CharField(label=_("区划"), required=False, max_length=12, widget=RegionPicker())
    q = forms.CharField(label=_("收款方或编号"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = blank_choice(rules.choices())  # type: ignore[attr-defined]
        self.fields["year"].choices = blank_choice(_years())  # type: ignore[attr-defined]


class RunForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    month = forms.TypedChoiceField(
        label=_("月份"), coerce=int, required=False, empty_value=None, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    region = forms.CharField(label=_("核查范围"), max_length=12, widget=RegionPicker())

    def __init__(self, *args: Any, monthly: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]
        if not monthly:
            del self.fields["month"]
        else:
            self.fields["month"].required = True  # type: ignore[attr-defined]


class ParamForm(forms.Form):
    key = forms.ChoiceField(label=_("参数"), choices=())
    value = forms.CharField(
        label=_("新取值"),
        max_length=200,
        help_text=_("金额填元，比例填百分数（如 60 或 5.5），类别填代码并以逗号分隔。"),
    )
    region = forms.CharField(label=_("适用区划"), max_length=12, widget=RegionPicker())
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    reason = forms.CharField(label=_("调整理由"), max_length=300)

    def __init__(self, program: Program, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(p.key, p.label) for p in program.params]  # type: ignore[attr-defined]


def application_form_class(program: Program) -> type[forms.Form]:
    """The form of an application to ``program``: who, which period, the stated facts, the
    account and the evidence."""
    attrs: dict[str, Any] = {
        "year": forms.TypedChoiceField(label=_("享受年度"), coerce=int, choices=_years()),
    }
    if program.period == Period.MONTH:
        attrs["month"] = forms.TypedChoiceField(
            label=_("享受月份"), coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
        )
    if program.payee == Payee.PERSON or (program.held and program.code != "refund"):
        attrs["id_number"] = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=15)
    else:
        attrs["credit_code"] = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    for f in program.fields:
        if f.kind == FactKind.CHOICE:
            attrs[f"fact_{f.key}"] = forms.ChoiceField(label=f.label, choices=blank_choice(f.choices))
        elif f.kind == FactKind.DATE:
            attrs[f"fact_{f.key}"] = forms.DateField(label=f.label, widget=DateInput())
        elif f.kind == FactKind.FEN:
            attrs[f"fact_{f.key}"] = YuanField(label=f.label)
        elif f.kind == FactKind.COUNT:
            attrs[f"fact_{f.key}"] = forms.IntegerField(label=f.label, min_value=0, max_value=10_000)
        else:
            attrs[f"fact_{f.key}"] = forms.CharField(label=f.label, max_length=100)
    attrs["bank_account"] = forms.CharField(label=_("收款银行账号"), required=False, max_length=40)
    attrs["evidence"] = forms.CharField(
        label=_("申请材料说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    return type("ApplicationForm", (forms.Form,), attrs)


def stated_of(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    """The stated facts from a cleaned application form, as ``services.parse_stated`` reads them."""
    stated = {}
    for f in program.fields:
        value = data.get(f"fact_{f.key}")
        stated[f.key] = value.isoformat() if isinstance(value, date) else value
    return stated


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AccountForm(forms.Form):
    bank_account = forms.CharField(label=_("收款银行账号"), max_length=40)


class PublishForm(forms.Form):
    title = forms.CharField(label=_("公示标题"), max_length=200)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    region = forms.CharField(label=_("公示区划"), max_length=12, widget=RegionPicker())


class ReturnFileForm(forms.Form):
    file = forms.FileField(label=_("银行回单文件（CSV）"))


class AllocateForm(forms.Form):
    source = forms.ChoiceField(label=_("资金来源"), choices=[(str(k), v) for k, v in FUND_LABELS.items()])
    county = forms.CharField(label=_("县（市、区）"), max_length=12, widget=RegionPicker(levels=(Level.COUNTY,)))
    year = forms.TypedChoiceField(label=_("资金年度"), coerce=int, choices=())
    amount = YuanField(label=_("金额（元）"))
    memo = forms.CharField(label=_("摘要"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]


class BudgetForm(forms.Form):
    county = forms.CharField(label=_("县（市、区）"), max_length=12, widget=RegionPicker(levels=(Level.COUNTY,)))
    program = forms.ChoiceField(label=_("政策项目"), choices=())
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    amount = YuanField(label=_("预算金额（元）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = rules.choices()  # type: ignore[attr-defined]
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("文件标题"), max_length=200)
    number = forms.CharField(label=_("文号"), required=False, max_length=60)
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    issued_on = forms.DateField(label=_("印发日期"), widget=DateInput())
    level = forms.ChoiceField(label=_("层级"), choices=blank_choice(PolicyLevel.choices))
    theme = forms.ChoiceField(label=_("政策类别"), choices=blank_choice(PolicyTheme.choices))
    measures = forms.IntegerField(label=_("措施条数"), min_value=0, max_value=1000)
    programs = forms.MultipleChoiceField(
        label=_("设立的政策项目"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    region = forms.CharField(label=_("发文区划"), max_length=12, widget=RegionPicker(levels=(Level.CITY, Level.COUNTY)))
    note = forms.CharField(label=_("摘要"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = rules.choices()  # type: ignore[attr-defined]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, choices=(), empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = blank_choice(_years())  # type: ignore[attr-defined]


class PostForm(forms.Form):
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("岗位类别"), choices=blank_choice(PostKind.choices))
    region = forms.CharField(
        label=_("岗位所在区划"), max_length=12, widget=RegionPicker(levels=(Level.COUNTY, Level.TOWN, Level.VILLAGE))
    )
    employer_credit_code = forms.CharField(
        label=_("用人单位统一社会信用代码"), required=False, max_length=18, help_text=_("村级岗位可留空。")
    )
    monthly_subsidy = YuanField(label=_("岗位补贴（元/月）"))
    places = forms.IntegerField(label=_("岗位数"), min_value=1, max_value=10_000)
    duties = forms.CharField(label=_("工作内容"), required=False, max_length=200)
    active = forms.BooleanField(label=_("在用"), required=False, initial=True)


class PlaceForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=15)
    starts_on = forms.DateField(label=_("上岗日期"), widget=DateInput())
    months = forms.IntegerField(
        label=_("协议期限（月）"), required=False, min_value=1, max_value=120, help_text=_("留空按安置期限上限。")
    )


class ExitForm(forms.Form):
    day = forms.DateField(label=_("退出日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("退出原因"), choices=blank_choice(ExitReason.choices))
    next_status = forms.ChoiceField(
        label=_("退出后的就业状态"),
        choices=[(v, label) for v, label in EmploymentStatus.choices if v != EmploymentStatus.PUBLIC_WELFARE],
        initial=EmploymentStatus.UNEMPLOYED,
    )


class DifficultyForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=15)
    categories = forms.MultipleChoiceField(
        label=_("认定类别"), choices=DifficultyCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    applied_on = forms.DateField(label=_("申请日期"), widget=DateInput())
    evidence = forms.CharField(label=_("认定材料"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    certify = forms.TypedChoiceField(
        label=_("认定结论"), coerce=lambda v: v == "yes", choices=[("yes", _("予以认定")), ("no", _("不予认定"))]
    )
    day = forms.DateField(label=_("认定日期"), widget=DateInput())
    note = forms.CharField(label=_("认定意见"), required=False, max_length=500)


class AssistForm(forms.Form):
    kind = forms.ChoiceField(label=_("援助措施"), choices=blank_choice(AssistanceKind.choices))
    day = forms.DateField(label=_("日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class DifficultyExitForm(forms.Form):
    day = forms.DateField(label=_("退出日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("退出原因"), choices=blank_choice(DifficultyExit.choices))


class DifficultyFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=blank_choice(DifficultyStatus.choices))
    overdue = forms.BooleanField(label=_("援助已超期"), required=False)


class PercentField(forms.CharField):
    """A rate typed as a percentage (3.85), cleaned to 万分之一 (385); never a float."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in ("", None):
            return None
        return parameters.parse_percent(text)


class LoanForm(forms.Form):
    kind = forms.ChoiceField(label=_("借款人类别"), choices=blank_choice(BorrowerKind.choices))
    id_number = forms.CharField(label=_("借款人公民身份号码"), required=False, max_length=18)
    partners = forms.CharField(
        label=_("合伙人公民身份号码"), required=False, max_length=400, help_text=_("合伙创业填写，多人以逗号分隔。")
    )
    credit_code = forms.CharField(label=_("借款企业统一社会信用代码"), required=False, max_length=18)
    business = forms.CharField(label=_("创业项目"), max_length=200)
    amount = YuanField(label=_("申请金额（元）"))
    term_months = forms.IntegerField(label=_("贷款期限（月）"), min_value=1, max_value=120)
    staff = forms.IntegerField(label=_("企业在职职工人数"), required=False, min_value=0)
    new_hires = forms.IntegerField(label=_("当年新招用符合条件人员数"), required=False, min_value=0)
    arrears = forms.BooleanField(label=_("有拖欠工资或欠缴社会保险费记录"), required=False)


class LoanReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结论"), coerce=lambda v: v == "yes", choices=[("yes", _("同意担保")), ("no", _("不予担保"))]
    )
    note = forms.CharField(label=_("审核意见"), required=False, max_length=500)


class IssueForm(forms.Form):
    bank = forms.CharField(label=_("贷款银行"), max_length=100)
    guarantee_fund = forms.CharField(label=_("担保基金"), max_length=100)
    contract = forms.CharField(label=_("借款合同号"), max_length=60)
    contract_rate_bp = PercentField(label=_("合同年利率（%）"), max_length=10)
    lpr_bp = PercentField(label=_("放款时一年期 LPR（%）"), max_length=10)
    issued_on = forms.DateField(label=_("放款日期"), widget=DateInput())


class RepayForm(forms.Form):
    day = forms.DateField(label=_("还款日期"), widget=DateInput())
    principal = YuanField(label=_("归还本金（元）"))


class CompensateForm(forms.Form):
    day = forms.DateField(label=_("代偿日期"), widget=DateInput())
    amount = YuanField(label=_("代偿金额（元）"))


class FollowUpForm(forms.Form):
    day = forms.DateField(label=_("回访日期"), widget=DateInput())
    running = forms.BooleanField(label=_("正常经营"), required=False, initial=True)
    jobs = forms.IntegerField(label=_("带动就业人数"), min_value=0, max_value=100_000)
    note = forms.CharField(label=_("回访情况"), required=False, max_length=500)
