from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiuye.accounts.models import User
from jiuye.core.permissions import Role
from jiuye.regions.models import Region
from jiuye.regions.picker import RegionPicker
from jiuye.regions.picker import bind as bind_pickers


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TOTPForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    current = forms.CharField(
        label=_("当前密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new = forms.CharField(
        label=_("新密码"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new") and data.get("new") != data.get("repeat"):
            self.add_error("repeat", _("两次输入的新密码不一致。"))
        return data


class RegionCodeField(forms.CharField):
    """A region code, limited to the regions the acting user may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("min_length", 12)
        kwargs.setdefault("widget", RegionPicker())
        super().__init__(*args, **kwargs)
        self.queryset = Region.objects.none()

    def clean(self, value: Any) -> Region | None:  # type: ignore[override]
        code = super().clean(value)
        if not code:
            return None
        region = self.queryset.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("区划代码不存在或不在您的管辖范围内。"))
        return region


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = RegionCodeField(label=_("管辖区划"))
    write_region = RegionCodeField(label=_("可编辑区划"), required=False, help_text=_("不选则与管辖区划相同。"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sensitive_access = forms.BooleanField(
        label=_("可查看敏感信息"),
        required=False,
        help_text=_(
            "脱贫人口、监测对象、残疾人、就业困难人员等敏感类别，收入和完整出生日期；仅对可查看个人信息的角色有效。"
        ),
    )
    password = forms.CharField(
        label=_("初始密码"),
        max_length=256,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, actor: Any, instance: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        visible = Region.objects.visible_to(actor)
        self.fields["region"].queryset = visible  # type: ignore[attr-defined]
        self.fields["write_region"].queryset = visible  # type: ignore[attr-defined]
        bind_pickers(self, actor)
        if instance is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=365, initial=90)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新密码"), max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
