"""普惠性失业保险稳岗返还 (domain-rules §2.1): an insured unit that laid off nobody last year, or
few enough, gets back a share of the unemployment-insurance premiums it and its staff paid.

Facts (the insurance agency's figures for the year, imported as
``programs.ui_contributions``): unit type, months paid, premiums paid in 分, monthly average of
insured staff, staff who newly started drawing benefit (layoffs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.programs.rules.base import (
    BP,
    Decision,
    Fund,
    ParamKind,
    ParamSpec,
    Payee,
    Period,
    Program,
    Reasons,
    apply_rate,
    label_of,
    percent,
    yuan,
)

UNIT_TYPES = (
    ("enterprise", gettext_lazy("企业")),
    ("social_group", gettext_lazy("社会团体")),
    ("foundation", gettext_lazy("基金会")),
    ("social_service", gettext_lazy("社会服务机构")),
    ("law_firm", gettext_lazy("律师事务所")),
    ("accounting_firm", gettext_lazy("会计师事务所")),
    ("individual", gettext_lazy("以单位形式参保的个体工商户")),
    ("public_institution", gettext_lazy("机关事业单位")),
)
# The six kinds treated like enterprises, refunded at the SME rate (hrlib 2024).
LIKE_ENTERPRISES = frozenset(
    {"social_group", "foundation", "social_service", "law_firm", "accounting_firm", "individual"}
)

PARAMS = (
    ParamSpec("min_months", gettext_lazy("上年度实缴失业保险费月数不少于"), ParamKind.COUNT, 12),
    ParamSpec("layoff_limit_bp", gettext_lazy("裁员率上限（上年度调查失业率控制目标）"), ParamKind.BP, 550),
    ParamSpec("small_unit_max", gettext_lazy("小单位的参保人数上限"), ParamKind.COUNT, 30),
    ParamSpec("small_unit_layoff_bp", gettext_lazy("小单位的裁员率上限"), ParamKind.BP, 2000),
    ParamSpec(
        "large_min_insured",
        gettext_lazy("大型企业的年平均参保人数下限"),
        ParamKind.COUNT,
        300,
        help=gettext_lazy("年平均参保人数达到此数按大型企业返还，否则按中小微企业。"),
    ),
    ParamSpec("rate_large_bp", gettext_lazy("大型企业返还比例"), ParamKind.BP, 3000),
    ParamSpec("rate_sme_bp", gettext_lazy("中小微企业返还比例"), ParamKind.BP, 6000),
)


def evaluate(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    unit = facts["unit_type"]
    year = facts["year"]
    r.check(
        unit != "public_institution",
        _("单位类型：%(t)s") % {"t": label_of(UNIT_TYPES, unit)}
        + ("" if unit != "public_institution" else _("（机关事业单位不享受）")),
        _("机关事业单位"),
    )
    months = int(facts["months_paid"])
    r.check(
        months >= p["min_months"],
        _("%(y)s年实缴失业保险费 %(m)d 个月（应不少于 %(min)d 个月）")
        % {"y": year, "m": months, "min": p["min_months"]},
        _("缴费月数不足"),
    )
    insured = int(facts["avg_insured"])
    layoffs = int(facts["layoffs"])
    if not r.check(insured > 0, _("年平均参保人数 %(n)d 人") % {"n": insured}, _("无参保人员")):
        return r.decide(0)
    small = insured <= p["small_unit_max"]
    limit = p["small_unit_layoff_bp"] if small else p["layoff_limit_bp"]
    # layoffs / insured <= limit / 10000, in integers
    within = layoffs == 0 or layoffs * BP <= limit * insured
    rate_text = percent(layoffs * BP // insured)
    r.check(
        within,
        (
            _("上年度未裁员")
            if layoffs == 0
            else _("裁员 %(l)d 人，裁员率 %(rate)s（%(who)s上限 %(limit)s）")
            % {
                "l": layoffs,
                "rate": rate_text,
                "who": _("参保 %(n)d 人及以下单位") % {"n": p["small_unit_max"]} if small else "",
                "limit": percent(limit),
            }
        ),
        _("裁员率超过上限"),
    )
    large = unit == "enterprise" and insured >= p["large_min_insured"]
    rate = p["rate_large_bp"] if large else p["rate_sme_bp"]
    r.note(
        (_("大型企业（年平均参保 %(n)d 人，不少于 %(min)d 人）") if large else _("按中小微企业（年平均参保 %(n)d 人）"))
        % {"n": insured, "min": p["large_min_insured"]}
    )
    premiums = int(facts["premiums"])
    amount = apply_rate(premiums, rate)
    r.note(
        _("返还金额 = 实缴失业保险费 %(paid)s × %(rate)s = %(amount)s")
        % {"paid": yuan(premiums), "rate": percent(rate), "amount": yuan(amount)}
    )
    return r.decide(amount)


PROGRAM = Program(
    code="refund",
    name=gettext_lazy("普惠性稳岗返还"),
    basis=gettext_lazy(
        "失业保险稳岗返还：上年度未裁员或裁员率不高于控制目标的参保单位，按实缴失业保险费的一定比例返还。"
    ),
    payee=Payee.EMPLOYER,
    period=Period.YEAR,
    fund=Fund.UNEMPLOYMENT_INSURANCE,
    params=PARAMS,
    evaluate=evaluate,
    held=True,
    counts_persons=False,
    order=10,
    notes=(gettext_lazy("期间为缴费年度：2021 年度的返还按 2021 年实缴保费和裁员情况计算。"),),
)
