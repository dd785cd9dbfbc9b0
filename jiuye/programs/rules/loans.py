"""创业担保贷款 (domain-rules §2.7) as pure functions: who may borrow how much for how long, with
the reasons; how much principal was outstanding for how many days in a period (what the interest
subsidy is computed on); and the subsidy itself (贴息: the part of the contract rate above LPR less
150 basis points, which the borrower does not bear).

The loan limits are the loan_interest program's parameters (dated, region-scoped): individual
cap 20万元, a partnership up to 10% above its members' combined caps, a small or micro enterprise
300万元 if its new hires are at least 15% of its staff (8% above 100 staff), terms of 3 and 2
years, at most three loans per person."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
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
    percent,
    yuan,
)
from jiuye.registry.choices import KeyGroup

DAYS_IN_YEAR = 360  # the banks' day count for RMB loan interest (actual/360)

GROUPS = sorted(
    [
        KeyGroup.GRADUATE.value,
        KeyGroup.HARD_TO_EMPLOY.value,
        KeyGroup.VETERAN.value,
        KeyGroup.RETURNED_MIGRANT.value,
        KeyGroup.POVERTY_ALLEVIATED.value,
        KeyGroup.RELOCATED.value,
        KeyGroup.DISABLED.value,
    ]
)

PARAMS = (
    ParamSpec("borrower_below_lpr_bp", gettext_lazy("借款人承担利率为 LPR 减"), ParamKind.BP, 150),
    ParamSpec("individual_cap_fen", gettext_lazy("个人贷款额度上限"), ParamKind.FEN, 20_000_000),
    ParamSpec("partnership_uplift_bp", gettext_lazy("合伙创业额度上浮比例（合伙人额度之和）"), ParamKind.BP, 1000),
    ParamSpec("enterprise_cap_fen", gettext_lazy("小微企业贷款额度上限"), ParamKind.FEN, 300_000_000),
    ParamSpec("individual_term_months", gettext_lazy("个人贷款期限上限（月）"), ParamKind.COUNT, 36),
    ParamSpec("enterprise_term_months", gettext_lazy("小微企业贷款期限上限（月）"), ParamKind.COUNT, 24),
    ParamSpec("new_hires_bp", gettext_lazy("小微企业新招用符合条件人员占职工比例不低于"), ParamKind.BP, 1500),
    ParamSpec("large_staff", gettext_lazy("职工超过此数的企业适用较低比例"), ParamKind.COUNT, 100),
    ParamSpec("new_hires_large_bp", gettext_lazy("职工较多企业的新招用比例不低于"), ParamKind.BP, 800),
    ParamSpec("max_loans", gettext_lazy("每人累计贷款次数上限"), ParamKind.COUNT, 3),
    ParamSpec(
        "groups", gettext_lazy("可申请的人员类别（另含登记失业人员）"), ParamKind.CODES, GROUPS, tuple(KeyGroup.choices)
    ),
)


def _person_ok(r: Reasons, who: str, person: Mapping[str, Any], p: Mapping[str, Any]) -> None:
    labels = dict(KeyGroup.choices)
    groups = set(person.get("groups", ()))
    ok = bool(groups & set(p["groups"])) or bool(person.get("registered_unemployed"))
    held = "、".join(str(labels.get(g, g)) for g in sorted(groups)) or _("无")
    r.check(
        ok,
        _("%(who)s：%(held)s%(unemployed)s")
        % {"who": who, "held": held, "unemployed": _("，登记失业") if person.get("registered_unemployed") else ""},
        _("借款人不属于扶持对象"),
    )
    r.check(
        int(person.get("earlier_loans", 0)) < p["max_loans"],
        _("%(who)s此前贷款 %(n)d 次（累计不超过 %(max)d 次）")
        % {"who": who, "n": int(person.get("earlier_loans", 0)), "max": p["max_loans"]},
        _("贷款次数已满"),
    )


def eligibility(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    """Whether the loan may be guaranteed, and for how much (the amount asked, within the cap)."""
    r = Reasons()
    kind, amount, term = facts["kind"], int(facts["amount"]), int(facts["term_months"])
    if kind == "enterprise":
        staff, hires = int(facts["staff"]), int(facts["new_hires"])
        need = p["new_hires_large_bp"] if staff > p["large_staff"] else p["new_hires_bp"]
        r.check(
            staff > 0 and hires * BP >= need * staff,
            _("职工 %(s)d 人，当年新招用符合条件人员 %(h)d 人（应不低于 %(need)s）")
            % {"s": staff, "h": hires, "need": percent(need)},
            _("新招用人员比例不足"),
        )
        r.check(not facts.get("arrears"), _("无严重拖欠工资、欠缴社会保险费记录"), _("有拖欠记录"))
        cap, max_term = p["enterprise_cap_fen"], p["enterprise_term_months"]
    else:
        members = [facts["borrower"], *facts.get("partners", [])]
        for n, member in enumerate(members):
            _person_ok(r, _("借款人") if n == 0 else _("合伙人%(n)d") % {"n": n}, member, p)
        if kind == "partnership":
            r.check(len(members) >= 2, _("合伙人 %(n)d 人") % {"n": len(members)}, _("合伙创业至少两人"))
            cap = p["individual_cap_fen"] * len(members) * (BP + p["partnership_uplift_bp"]) // BP
        else:
            cap = p["individual_cap_fen"]
        max_term = p["individual_term_months"]
    r.check(
        0 < amount <= cap,
        _("申请 %(a)s（额度上限 %(cap)s）") % {"a": yuan(amount), "cap": yuan(cap)},
        _("超过贷款额度"),
    )
    r.check(
        1 <= term <= max_term,
        _("期限 %(t)d 个月（不超过 %(max)d 个月）") % {"t": term, "max": max_term},
        _("超过贷款期限"),
    )
    return r.decide(amount)


def principal_days(
    *, amount: int, issued_on: date, due_on: date, repayments: Iterable[tuple[date, int]], start: date, end: date
) -> tuple[int, int]:
    """Σ outstanding principal × days over [start, end] ∩ [issued_on, due_on), and the days counted.
    A repayment lowers the principal from its day on."""
    first, last = max(start, issued_on), min(end, due_on - timedelta(days=1))
    if last < first:
        return 0, 0
    outstanding, total, days = amount, 0, 0
    day = first
    for paid_on, principal in sorted(repayments):
        if paid_on <= first:
            outstanding -= principal
            continue
        if paid_on > last:
            break
        span = (paid_on - day).days
        total += max(outstanding, 0) * span
        days += span
        outstanding -= principal
        day = paid_on
    span = (last - day).days + 1
    total += max(outstanding, 0) * span
    days += span
    return total, days


def interest_subsidy(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    """The year's 贴息 on a loan: principal-days × (contract rate − (LPR − 150BP)) ÷ 360."""
    r = Reasons()
    rate, lpr = int(facts["contract_rate_bp"]), int(facts["lpr_bp"])
    borne = max(0, lpr - p["borrower_below_lpr_bp"])
    subsidised = max(0, rate - borne)
    pdays, days = int(facts["principal_days"]), int(facts["days"])
    r.check(pdays > 0, _("本年计息 %(d)d 天") % {"d": days}, _("本年无计息"))
    r.check(
        subsidised > 0,
        _("合同利率 %(rate)s，借款人承担 %(borne)s") % {"rate": percent(rate), "borne": percent(borne)},
        _("无贴息部分"),
    )
    amount = (pdays * subsidised + BP * DAYS_IN_YEAR // 2) // (BP * DAYS_IN_YEAR)
    r.note(
        _("贴息 = 本金×天数 %(pd)s × (合同利率 %(rate)s − (LPR %(lpr)s − %(below)s)) ÷ 360 = %(a)s")
        % {
            "pd": yuan(pdays),
            "rate": percent(rate),
            "lpr": percent(lpr),
            "below": percent(p["borrower_below_lpr_bp"]),
            "a": yuan(amount),
        }
    )
    return r.decide(amount)


LOAN_INTEREST = Program(
    code="loan_interest",
    name=gettext_lazy("创业担保贷款贴息"),
    basis=gettext_lazy(
        "2021年起发放的创业担保贷款，借款人承担 LPR 减 150 个基点以下部分，其余利息由财政贴息（财金〔2020〕21号）；本项目的参数也是贷款的额度、期限和条件。"
    ),
    payee=Payee.PERSON,
    period=Period.YEAR,
    fund=Fund.EMPLOYMENT,
    params=PARAMS,
    evaluate=interest_subsidy,
    held=True,
    applicable=False,  # the subject is a loan, found by the yearly run, not applied for by a person
    order=90,
    notes=(
        gettext_lazy(
            "按年核查：对某年执行核查，按该年各笔已放款贷款的未还本金和天数计算贴息，付给借款人（先付后补）。"
        ),
    ),
)
