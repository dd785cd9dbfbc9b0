"""The programs whose facts an application states (with its evidence, checked by the county's
reviewer): 社会保险补贴, 公益性岗位补贴, 创业孵化补贴, 职业技能培训补贴, 技能提升补贴 and
(domain-rules §2.5–2.11; the loans' subsidy is in ``rules.loans``). For a person, the registry adds what it holds (key
groups) to the stated facts before the rule reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.programs.rules.base import (
    BP,
    Decision,
    FactField,
    FactKind,
    Fund,
    ParamKind,
    ParamSpec,
    Payee,
    Period,
    Program,
    Reasons,
    apply_rate,
    full_months,
    label_of,
    percent,
    yuan,
)
from jiuye.registry.choices import KeyGroup

GROUP_LABELS = dict(KeyGroup.choices)


def _in_groups(r: Reasons, facts: Mapping[str, Any], wanted: list[str]) -> None:
    groups = set(facts.get("groups", ()))
    r.check(
        bool(groups & set(wanted)),
        _("人员类别：%(has)s（应属 %(want)s）")
        % {
            "has": "、".join(str(GROUP_LABELS.get(g, g)) for g in sorted(groups)) or _("无"),
            "want": "、".join(str(GROUP_LABELS.get(g, g)) for g in wanted),
        },
        _("人员类别不符"),
    )


# --- 社会保险补贴 -------------------------------------------------------------------------------

SI_KINDS = (
    ("flexible", gettext_lazy("灵活就业（个人缴费）")),
    ("employer", gettext_lazy("单位招用（单位缴费部分）")),
)


def social_insurance(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    _in_groups(r, facts, p["groups"])
    months = int(facts["months"])
    used = int(facts.get("months_used", 0))
    r.check(1 <= months <= 12, _("本期缴费 %(m)d 个月") % {"m": months}, _("缴费月数应为1至12"))
    left = p["term_months"] - used
    r.check(
        left > 0,
        _("已享受 %(used)d 个月，期限 %(term)d 个月，尚余 %(left)d 个月")
        % {"used": used, "term": p["term_months"], "left": max(left, 0)},
        _("补贴期限已满"),
    )
    payable_months = max(0, min(months, left))
    paid = int(facts["contributions"])
    share = p["flexible_share_bp"] if facts["kind"] == "flexible" else BP
    # The months beyond the term are not paid: their share of the contributions is left out.
    share_paid = apply_rate(paid, share) * payable_months // months if months else 0
    amount = min(share_paid, p["monthly_cap_fen"] * payable_months)
    r.note(
        _("%(kind)s：实缴 %(paid)s × %(share)s，每月不超过 %(cap)s，补 %(n)d 个月，计 %(amount)s")
        % {
            "kind": label_of(SI_KINDS, facts["kind"]),
            "paid": yuan(paid),
            "share": percent(share),
            "cap": yuan(p["monthly_cap_fen"]),
            "n": payable_months,
            "amount": yuan(amount),
        }
    )
    return r.decide(amount)


SOCIAL_INSURANCE = Program(
    code="social_insurance",
    name=gettext_lazy("社会保险补贴"),
    basis=gettext_lazy(
        "就业困难人员灵活就业的，按实缴社会保险费的一定比例补贴；单位招用就业困难人员的，补贴单位缴纳部分；期限最长3年。"
    ),
    payee=Payee.PERSON,
    period=Period.YEAR,
    fund=Fund.EMPLOYMENT,
    params=(
        ParamSpec(
            "groups",
            gettext_lazy("补贴人员类别"),
            ParamKind.CODES,
            [KeyGroup.HARD_TO_EMPLOY.value],
            choices=tuple(KeyGroup.choices),
        ),
        ParamSpec("flexible_share_bp", gettext_lazy("灵活就业补贴比例（不超过实缴的三分之二）"), ParamKind.BP, 6666),
        ParamSpec("monthly_cap_fen", gettext_lazy("每月补贴上限"), ParamKind.FEN, 60_000),
        ParamSpec("term_months", gettext_lazy("补贴期限（月）"), ParamKind.COUNT, 36),
    ),
    evaluate=social_insurance,
    fields=(
        FactField("kind", gettext_lazy("补贴类别"), FactKind.CHOICE, SI_KINDS),
        FactField("months", gettext_lazy("本期缴费月数"), FactKind.COUNT),
        FactField("contributions", gettext_lazy("本期实缴社会保险费（元）"), FactKind.FEN),
    ),
    order=30,
    notes=(
        gettext_lazy(
            "已享受月数由本系统按此前的补贴记录计算；距法定退休年龄不足5年可延长至退休的情形请在备注中说明并由审核人核定。"
        ),
    ),
)


# --- 公益性岗位补贴 -----------------------------------------------------------------------------


def public_welfare(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    """A month at a public-welfare post: the post's monthly subsidy, at most the standard."""
    r = Reasons()
    _in_groups(r, facts, p["groups"])
    days, month_days = int(facts["days"]), int(facts["month_days"])
    r.check(
        days * 2 >= month_days,
        _("本月在岗 %(d)d 天（共 %(n)d 天，满半月计一个月）") % {"d": days, "n": month_days},
        _("在岗不足半月"),
    )
    monthly = min(int(facts["post_monthly"]), p["monthly_fen"])
    r.note(
        _("岗位补贴 %(post)s／月，标准上限 %(cap)s／月，计 %(a)s")
        % {"post": yuan(int(facts["post_monthly"])), "cap": yuan(p["monthly_fen"]), "a": yuan(monthly)}
    )
    return r.decide(monthly)


PUBLIC_WELFARE = Program(
    code="public_welfare",
    name=gettext_lazy("公益性岗位补贴"),
    basis=gettext_lazy("安置就业困难人员、脱贫劳动力在公益性岗位就业的，按月给予岗位补贴；期限一般不超过3年。"),
    payee=Payee.PERSON,
    period=Period.MONTH,
    fund=Fund.EMPLOYMENT,
    params=(
        ParamSpec(
            "groups",
            gettext_lazy("安置人员类别"),
            ParamKind.CODES,
            sorted(
                [
                    KeyGroup.HARD_TO_EMPLOY.value,
                    KeyGroup.POVERTY_ALLEVIATED.value,
                    KeyGroup.MONITORED.value,
                    KeyGroup.RELOCATED.value,
                ]
            ),
            choices=tuple(KeyGroup.choices),
        ),
        ParamSpec("monthly_fen", gettext_lazy("岗位补贴标准上限（每月）"), ParamKind.FEN, 150_000),
        ParamSpec("term_months", gettext_lazy("安置期限（月）"), ParamKind.COUNT, 36),
        ParamSpec("max_placements", gettext_lazy("累计安置次数上限"), ParamKind.COUNT, 2),
        ParamSpec("max_age", gettext_lazy("新安置人员年龄上限"), ParamKind.COUNT, 60),
    ),
    evaluate=public_welfare,
    held=True,
    order=40,
    notes=(
        gettext_lazy(
            "按月发放：对某月执行核查即生成当月岗位补贴名单（在岗满半月计一个月），经审核、审批、公示后支付。"
        ),
    ),
)


# --- 创业孵化补贴 -------------------------------------------------------------------------------


def incubation(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    entities = int(facts["entities"])
    jobs = int(facts["jobs"])
    r.check(
        entities > 0 or jobs > 0,
        _("孵化成功实体 %(e)d 户，吸纳就业 %(j)d 人") % {"e": entities, "j": jobs},
        _("无孵化成效"),
    )
    raw = entities * p["per_entity_fen"] + jobs * p["per_job_fen"]
    amount = min(raw, p["base_cap_fen"])
    r.note(
        _("%(e)d × %(pe)s + %(j)d × %(pj)s = %(raw)s，每个基地每年不超过 %(cap)s，计 %(a)s")
        % {
            "e": entities,
            "pe": yuan(p["per_entity_fen"]),
            "j": jobs,
            "pj": yuan(p["per_job_fen"]),
            "raw": yuan(raw),
            "cap": yuan(p["base_cap_fen"]),
            "a": yuan(amount),
        }
    )
    return r.decide(amount)


INCUBATION = Program(
    code="incubation",
    name=gettext_lazy("创业孵化补贴"),
    basis=gettext_lazy(
        "创业孵化基地（返乡创业园区）按孵化成功（出园）实体和吸纳就业人数给予补贴（陕西省认定管理暂行办法）。"
    ),
    payee=Payee.EMPLOYER,
    period=Period.YEAR,
    fund=Fund.EMPLOYMENT,
    params=(
        ParamSpec("per_entity_fen", gettext_lazy("每孵化成功一户实体"), ParamKind.FEN, 1_000_000),
        ParamSpec("per_job_fen", gettext_lazy("每吸纳就业一人"), ParamKind.FEN, 300_000),
        ParamSpec("base_cap_fen", gettext_lazy("每个基地每年上限"), ParamKind.FEN, 200_000_000),
    ),
    evaluate=incubation,
    fields=(
        FactField("entities", gettext_lazy("孵化成功实体数"), FactKind.COUNT),
        FactField("jobs", gettext_lazy("在孵实体吸纳就业人数"), FactKind.COUNT),
    ),
    counts_persons=False,
    order=60,
)


# --- 职业技能培训补贴 and 技能提升补贴 ---------------------------------------------------------

LEVELS = (
    ("5", gettext_lazy("五级／初级工")),
    ("4", gettext_lazy("四级／中级工")),
    ("3", gettext_lazy("三级／高级工")),
    ("2", gettext_lazy("二级／技师")),
    ("1", gettext_lazy("一级／高级技师")),
    ("special", gettext_lazy("专项职业能力")),
)


def level_amounts(amounts: Mapping[str, int]) -> tuple[ParamSpec, ...]:
    """A parameter per certificate level (``level_<code>_fen``), in the order of ``LEVELS``."""
    return tuple(
        ParamSpec(f"level_{code}_fen", label, ParamKind.FEN, amounts[code]) for code, label in LEVELS if code in amounts
    )


def _within_window(r: Reasons, facts: Mapping[str, Any], p: Mapping[str, Any]) -> None:
    certified = date.fromisoformat(facts["certified_on"])
    applied = date.fromisoformat(facts["applied_on"])
    months = full_months(certified, applied)
    r.check(
        certified <= applied and months < p["window_months"],
        _("证书日期 %(c)s，申请日期 %(a)s（应在取证后 %(w)d 个月内）")
        % {"c": certified.isoformat(), "a": applied.isoformat(), "w": p["window_months"]},
        _("超过申请期限"),
    )


def _level_amount(r: Reasons, facts: Mapping[str, Any], p: Mapping[str, Any]) -> int:
    key = f"level_{facts['level']}_fen"
    amount = int(p.get(key, 0))
    r.check(
        amount > 0,
        _("等级：%(l)s，标准 %(a)s") % {"l": label_of(LEVELS, facts["level"]), "a": yuan(amount)},
        _("该等级无补贴标准"),
    )
    return amount


def training(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    _within_window(r, facts, p)
    return r.decide(_level_amount(r, facts, p))


TRAINING = Program(
    code="training",
    name=gettext_lazy("职业技能培训补贴"),
    basis=gettext_lazy(
        "参加职业技能培训并取得职业资格证书、职业技能等级证书或专项职业能力证书的，按等级给予补贴（地方标准）。"
    ),
    payee=Payee.PERSON,
    period=Period.EVENT,
    fund=Fund.EMPLOYMENT,
    params=(
        *level_amounts({"5": 120_000, "4": 150_000, "3": 200_000, "2": 400_000, "1": 500_000, "special": 100_000}),
        ParamSpec("window_months", gettext_lazy("取证后申请期限（月）"), ParamKind.COUNT, 12),
    ),
    evaluate=training,
    event_fields=("occupation", "level"),
    fields=(
        FactField("occupation", gettext_lazy("职业（工种）"), FactKind.TEXT),
        FactField("level", gettext_lazy("证书等级"), FactKind.CHOICE, LEVELS),
        FactField("certified_on", gettext_lazy("证书日期"), FactKind.DATE),
    ),
    order=70,
)


def skills_upgrade(facts: Mapping[str, Any], p: Mapping[str, Any]) -> Decision:
    r = Reasons()
    _within_window(r, facts, p)
    months = int(facts["insured_months"])
    r.check(
        months >= p["min_insured_months"],
        _("累计缴纳失业保险费 %(m)d 个月（应不少于 %(min)d 个月）") % {"m": months, "min": p["min_insured_months"]},
        _("参保月数不足"),
    )
    return r.decide(_level_amount(r, facts, p))


SKILLS_UPGRADE = Program(
    code="skills_upgrade",
    name=gettext_lazy("技能提升补贴"),
    basis=gettext_lazy(
        "参保职工取得职业资格证书或职业技能等级证书的，由失业保险基金给予技能提升补贴；同一职业同一等级只能申领一次。"
    ),
    payee=Payee.PERSON,
    period=Period.EVENT,
    fund=Fund.UNEMPLOYMENT_INSURANCE,
    params=(
        *level_amounts({"5": 100_000, "4": 150_000, "3": 200_000}),
        ParamSpec("min_insured_months", gettext_lazy("累计缴纳失业保险费月数不少于"), ParamKind.COUNT, 12),
        ParamSpec("window_months", gettext_lazy("取证后申请期限（月）"), ParamKind.COUNT, 12),
    ),
    evaluate=skills_upgrade,
    event_fields=("occupation", "level"),
    fields=(
        FactField("occupation", gettext_lazy("职业（工种）"), FactKind.TEXT),
        FactField("level", gettext_lazy("证书等级"), FactKind.CHOICE, LEVELS[:3]),
        FactField("certified_on", gettext_lazy("证书日期"), FactKind.DATE),
        FactField("insured_months", gettext_lazy("累计缴纳失业保险费月数"), FactKind.COUNT),
    ),
    order=80,
)
