"""The registry's audit actions. Disclosures of personal data (exports, reveals, sensitive
views) and changes of the zero-employment rule are kept three years."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiuye.core.audit import define_action
from jiuye.core.audit_text import define_field_labels, define_value_names

HOUSEHOLD_CREATE = define_action("registry.household_create", _("新建家庭户"))
HOUSEHOLD_UPDATE = define_action("registry.household_update", _("修改家庭户"))
PERSON_CREATE = define_action("registry.person_create", _("登记人员"))
PERSON_UPDATE = define_action("registry.person_update", _("修改人员信息"))
PERSON_CORRECT_ID = define_action("registry.person_correct_id", _("更正公民身份号码"))
PERSON_GROUPS = define_action("registry.person_groups", _("修改人员类别"))
PERSON_MOVE = define_action("registry.person_move", _("人员迁户"))
PERSON_STATE = define_action("registry.person_state", _("变更在册状态"))
STATUS_CHANGE = define_action("registry.status_change", _("变更就业状态"))
EMPLOYMENT_REGISTRATION = define_action("registry.employment_registration", _("就业登记"))
UNEMPLOYMENT_REGISTRATION = define_action("registry.unemployment_registration", _("失业登记"))
UNEMPLOYMENT_END = define_action("registry.unemployment_end", _("失业登记注销"))
IMPORT_BATCH = define_action("registry.import_batch", _("台账导入（一批）"))
REGISTRATIONS_IMPORT_BATCH = define_action("registry.registration_import_batch", _("就业失业登记导入（一批）"))
ZERO_RULE_UPDATE = define_action("registry.zero_rule_update", _("修改零就业家庭认定参数"), keep_long=True)
ZERO_CASE_OPEN = define_action("registry.zero_case_open", _("认定零就业家庭"))
ZERO_CASE_CLOSE = define_action("registry.zero_case_close", _("零就业家庭清零"))
ZERO_CASES_REFRESH = define_action("registry.zero_cases_refresh", _("零就业家庭批量认定与清零"))
ZERO_RECOMPUTE_ALL = define_action("registry.zero_recompute_all", _("零就业家庭全量重算"))
ZERO_CASE_ASSIGN = define_action("registry.zero_case_assign", _("指定责任人"))
ZERO_CASE_MEASURE = define_action("registry.zero_case_measure", _("记录帮扶措施"))
ZERO_CASE_REOPEN = define_action("registry.zero_case_reopen", _("重新开立零就业家庭"))
PERSON_EXPORT = define_action("registry.export", _("导出劳动力台账"), keep_long=True)
CASE_EXPORT = define_action("registry.case_export", _("导出零就业家庭台账"), keep_long=True)
REVEAL = define_action("registry.reveal", _("查看完整号码"), keep_long=True)
SENSITIVE_VIEW = define_action("registry.sensitive_view", _("查看敏感信息"), keep_long=True)
REVEAL_RATE_ALERT = define_action("security.reveal_rate_alert", _("查看完整号码次数超过预警线"))

define_field_labels(
    {
        "person_ids": _("人员（编号）"),
        "opened_for_households": _("新认定的家庭（编号）"),
        "closed_for_households": _("清零的家庭（编号）"),
        "relocation_site_households": _("设置安置点的家庭（编号）"),
        "ended": _("注销登记"),
        "income": _("月收入"),
        "groups": _("重点群体"),
        "sensitive": _("含敏感信息"),
        "reveals_today": _("今日查看次数"),
        "alert_above": _("预警线"),
    }
)


def _group_names(codes: set[str]) -> dict[str, str]:
    from jiuye.registry.choices import KeyGroup

    return {str(value): str(label) for value, label in KeyGroup.choices if str(value) in codes}


define_value_names(("groups",), _group_names)
