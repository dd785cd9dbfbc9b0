"""一次性创业补贴 (domain-rules §2.8): a person of a target group who starts a business for the
first time, and keeps it running a set number of months, receives a one-off amount.

Facts held here: the registry's 自主创业 spell (start, months running by the day of the check,
whether an earlier one exists) and the person's key groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.programs.rules.base import Decision, Fund, ParamKind, ParamSpec, Payee, Period, Program, Reasons, yuan
from jiuye.registry.choices import KeyGroup

PARAMS = (
    ParamSpec(
        "groups",
        gettext_lazy("创业人员类别"),
        ParamKind.CODES,
        [KeyGroup.GRADUATE.value, KeyGroup.HARD_TO_EMPLOY.value, KeyGroup.POVERTY_ALLEVIATED.value],
        choices=tuple(KeyGroup.choices),
    ),
    ParamSpec("min_months", gettext_lazy("正常经营月数不少于"), ParamKind.COUNT, 12),
    ParamSpec("amount_fen", gettext_lazy("补贴标准"), ParamKind.FEN, 500_000),
)


def evaluate(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    groups = set(facts["groups"])
    labels = dict(KeyGroup.choices)
    r.check(
        bool(groups & set(p["groups"])),
        _("人员类别：%(has)s（应属 %(want)s）")
        % {
            "has": "、".join(str(labels.get(g, g)) for g in sorted(groups)) or _("无"),
            "want": "、".join(str(labels.get(g, g)) for g in p["groups"]),
        },
        _("人员类别不符"),
    )
    r.check(
        not facts["started_before"],
        _("首次创业") if not facts["started_before"] else _("此前已有创业记录，非首次创业"),
        _("非首次创业"),
    )
    months = int(facts["months_running"])
    r.check(
        months >= p["min_months"],
        _("%(day)s 起自主创业，已正常经营 %(m)d 个月（应不少于 %(min)d 个月）")
        % {"day": facts["started_on"], "m": months, "min": p["min_months"]},
        _("经营未满规定月数"),
    )
    r.note(_("补贴标准 %(a)s") % {"a": yuan(p["amount_fen"])})
    return r.decide(p["amount_fen"])


PROGRAM = Program(
    code="startup",
    name=gettext_lazy("一次性创业补贴"),
    basis=gettext_lazy(
        "首次创办小微企业或从事个体经营、正常经营满一定期限的高校毕业生、就业困难人员等，给予一次性创业补贴。"
    ),
    payee=Payee.PERSON,
    period=Period.ONCE,
    fund=Fund.EMPLOYMENT,
    params=PARAMS,
    evaluate=evaluate,
    held=True,
    order=50,
)
