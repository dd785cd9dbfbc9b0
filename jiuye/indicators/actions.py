"""The statistics' audit actions: figures signed off, targets, entered values and definitions
are the statistics' approvals, kept three years."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action
from jiuye.core.audit_text import define_field_labels, define_value_names
from jiuye.indicators import catalogue

TARGET_SET = define_action("indicators.target_set", _("下达目标任务"), keep_long=True)
PARAMS_UPDATE = define_action("indicators.params_update", _("修改指标口径参数"), keep_long=True)
PERIOD_LOCK = define_action("indicators.period_lock", _("锁定统计期"), keep_long=True)
PERIOD_REOPEN = define_action("indicators.period_reopen", _("解锁统计期"), keep_long=True)
ENTERED_VALUE_SET = define_action("indicators.entered_value_set", _("录入指标数据"), keep_long=True)
BOUNDARY_UPLOAD = define_action("indicators.boundary_upload", _("上传地图边界"))


def _indicator_names(codes: set[str]) -> dict[str, str]:
    return {code: str(indicator.name) for code in codes if (indicator := catalogue.get(code)) is not None}


define_field_labels({"indicator": _("指标"), "features": _("边界要素数")})
define_value_names(("indicator",), _indicator_names)
