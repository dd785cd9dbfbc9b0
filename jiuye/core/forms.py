from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jiuye.core import money
from jiuye.core.audit import all_actions


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD) whatever the language: a value
    in the locale's format (2026年11月27日) leaves the picker empty, and a default date unseen."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class YuanField(forms.Field):
    """An amount typed in 元, cleaned to integer 分 (``core.money``: no float on the way)."""

    widget = forms.TextInput

    def __init__(self, *, negative: bool = False, **kwargs: Any) -> None:
        self.negative = negative
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off", "maxlength": "24"}

    def prepare_value(self, value: Any) -> Any:
        return money.format_yuan(value, grouping=False) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        if len(str(value)) > 24:
            raise ValidationError(_("金额过长。"), code="max_length")
        try:
            return money.parse_yuan(str(value), negative=self.negative)
        except money.MoneyError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


# Groups of the action catalogue by the code's prefix, for the filter's list.
ACTION_GROUPS = {
    "auth": _("登录与口令"),
    "user": _("用户管理"),
    "token": _("访问令牌"),
    "security": _("安全"),
    "audit": _("审计日志"),
    "export": _("导出审批"),
    "imports": _("数据导入"),
    "registry": _("劳动力台账"),
    "regions": _("行政区划"),
    "indicators": _("统计分析"),
    "reports": _("年度报告"),
}


def action_choices() -> list[tuple[str, Any]]:
    """The catalogue's actions by their names, grouped; codes stay the values."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in all_actions():
        prefix = action.code.split(".", 1)[0]
        groups.setdefault(str(ACTION_GROUPS.get(prefix, prefix)), []).append((action.code, str(action.label)))
    return [("", _("全部操作")), *((group, sorted(items, key=lambda i: i[0])) for group, items in groups.items())]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False, choices=action_choices)
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


InputT = TypeVar("InputT")


def input_of(cls: type[InputT], data: Mapping[str, Any]) -> InputT:
    """A service's input dataclass from a form's cleaned data: the fields the dataclass names."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def initial_of(cls: type, record: Any, **extra: Any) -> dict[str, Any]:
    """A form's initial values from a record, for the fields of a service's input dataclass that
    the record has (``extra`` for the others: a region's code, a list of codes)."""
    return {**{f.name: getattr(record, f.name) for f in fields(cls) if hasattr(record, f.name)}, **extra}


FormT = TypeVar("FormT", bound=forms.Form)


def form_step(
    request: HttpRequest,
    form: FormT,
    act: Callable[[dict[str, Any]], Any],
    *,
    message: Any,
    then: Callable[[Any], Any],
    refused: Callable[[FormT], HttpResponse],
) -> HttpResponse:
    """A posted form that runs one service: valid and accepted, it says ``message`` (text, or a
    function of the service's answer) and redirects to ``then(answer)``; otherwise the service's
    refusal goes onto the form by field and ``refused(form)`` answers (the page again, 422)."""
    if form.is_valid():
        try:
            answer = act(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message(answer) if callable(message) else message)
            return redirect(then(answer))
    return refused(form)


def save_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    message: Any,
    then: Callable[[Any], Any],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The form page of a create or edit: on a valid POST, ``save(cleaned_data)`` through a
    service; its refusal goes onto the form by field; success says ``message`` and redirects to
    ``then(saved)``. A refused form answers 422 and saves nothing."""
    if request.method != "POST":
        return render(request, template, {**context, "form": form})
    return form_step(
        request,
        form,
        save,
        message=message,
        then=then,
        refused=lambda refused: render(request, template, {**context, "form": refused}, status=422),
    )
