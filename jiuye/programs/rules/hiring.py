"""一次性吸纳就业补贴 (domain-rules §2.4): an employer that hires a person of a target group, who
stays at least a set number of months, receives a one-off amount per person. Each person's
identity is used once (by one employer, once): the period is ``once`` and the subject the person.

Facts held here: the registry's employment spell naming the employer's 统一社会信用代码 (hire
date, months employed by the day of the check), the person's key groups, the employer's kind."""

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
        gettext_lazy("吸纳的人员类别"),
        ParamKind.CODES,
        [KeyGroup.GRADUATE.value, KeyGroup.HARD_TO_EMPLOY.value],
        choices=tuple(KeyGroup.choices),
    ),
    ParamSpec("min_months", gettext_lazy("在该单位连续就业月数不少于"), ParamKind.COUNT, 6),
    ParamSpec("amount_fen", gettext_lazy("每吸纳一人补贴"), ParamKind.FEN, 200_000),
)


def evaluate(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    groups = set(facts["groups"])
    wanted = set(p["groups"])
    labels = dict(KeyGroup.choices)
    r.check(
        bool(groups & wanted),
        _("人员类别：%(has)s（应属 %(want)s）")
        % {
            "has": "、".join(str(labels.get(g, g)) for g in sorted(groups)) or _("无"),
            "want": "、".join(str(labels.get(g, g)) for g in sorted(wanted)),
        },
        _("人员类别不符"),
    )
    kind = facts["employer_kind"]
    r.check(
        bool(kind),
        _("用人单位已在用工主体名录中登记") if kind else _("用人单位未在用工主体名录中登记"),
        _("单位未登记"),
    )
    if kind:
        r.check(kind != "public_institution", _("用人单位不是机关事业单位"), _("机关事业单位"))
    months = int(facts["months_employed"])
    r.check(
        months >= p["min_months"],
        _("%(day)s 起在该单位就业，已满 %(m)d 个月（应不少于 %(min)d 个月）")
        % {"day": facts["hired_on"], "m": months, "min": p["min_months"]},
        _("就业未满规定月数"),
    )
    r.note(_("补贴标准 %(a)s／人") % {"a": yuan(p["amount_fen"])})
    return r.decide(p["amount_fen"])


PROGRAM = Program(
    code="hiring",
    name=gettext_lazy("一次性吸纳就业补贴"),
    basis=gettext_lazy(
        "用人单位吸纳高校毕业生、就业困难人员等并稳定就业一定期限的，按人给予一次性补贴；每人只能被一家单位申领一次。"
    ),
    payee=Payee.EMPLOYER,
    period=Period.ONCE,
    fund=Fund.EMPLOYMENT,
    params=PARAMS,
    evaluate=evaluate,
    held=True,
    order=20,
)
