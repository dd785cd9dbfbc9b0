from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExportRequestForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput, max_length=32)
    params = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    reason = forms.CharField(
        label=_("导出用途"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明用途和使用范围，如“向县政府报送本季度零就业家庭帮扶名单”。审批人据此决定是否批准。"),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("审批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
