from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("功能区名称"), max_length=100)
