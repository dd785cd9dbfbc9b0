"""The programs module's indicators (the seed's 一(三) policies and money, 二(二) 就业资金, 二(三)
失业保险待遇): calculators over a snapshot, each returning the records behind its figure. Money
counts only when the bank paid it (the payment's journal posted); amounts are summed in 分."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.catalogue import Indicator, Kind, register
from jiuye.indicators.snapshot import Snapshot, records
from jiuye.programs import rules, snapshot
from jiuye.programs.choices import PolicyTheme
from jiuye.programs.rules.base import Fund

MODULE = "programs"
FEN_PER_10K_YUAN = 1_000_000
FEN_PER_100M_YUAN = 10_000_000_000


def _measures(theme: str) -> Any:
    def calculate(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
        docs = snap.frame(snapshot.POLICIES)
        return records(docs.filter((pl.col("theme") == theme) & (pl.col("issued_on") >= snap.year_start)), "measures")

    return calculate


def _paid(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(snapshot.PAID).filter(pl.col("paid_on") >= snap.year_start)


def refund_enterprises(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    paid = _paid(snap).filter(pl.col("program") == "refund")
    return records(paid.unique("payee_code", keep="first", maintain_order=True))


def refund_amount(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_paid(snap).filter(pl.col("program") == "refund"), "amount")


def incubation_amount(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_paid(snap).filter(pl.col("program") == "incubation"), "amount")


def subsidy_amount(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    codes = [pr.code for pr in rules.all_programs() if pr.fund == Fund.EMPLOYMENT]
    return records(_paid(snap).filter(pl.col("program").is_in(codes)), "amount")


def funds_used(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_paid(snap), "amount")


def beneficiaries(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons a paid claim was about (the person subsidised, or hired by a subsidised employer),
    each once."""
    codes = [pr.code for pr in rules.all_programs() if pr.counts_persons]
    paid = _paid(snap).filter(pl.col("program").is_in(codes) & pl.col("person_id").is_not_null())
    return paid.unique("person_id", keep="first", maintain_order=True).select(
        pl.col("region"), pl.col("person_id").alias("record_id")
    )


def benefit_recipients(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons whose unemployment benefit ran on some day of the year up to the period's end."""
    spells = snap.frame(snapshot.BENEFITS).filter(pl.col("ends_on") >= snap.year_start)
    return records(spells.sort("starts_on").unique("id_hash", keep="last", maintain_order=True))


def _certified_in_year(snap: Snapshot) -> pl.DataFrame:
    frame = snap.frame(snapshot.DIFFICULTIES)
    return frame.filter(pl.col("exited_on").is_null() | (pl.col("exited_on") >= snap.year_start))


def difficulty_certified(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons certified as 就业困难人员 on some day of the year up to the period's end."""
    return records(_certified_in_year(snap).unique("person_id", keep="last", maintain_order=True))


def difficulty_assisted(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Of those, the persons whose assistance was delivered by the period's end."""
    frame = _certified_in_year(snap).filter(pl.col("assisted_on").is_not_null())
    return records(frame.unique("person_id", keep="last", maintain_order=True))


def assistance_rate(values: Mapping[str, Decimal | None]) -> Decimal | None:
    assisted, certified = values["programs.difficulty_assisted"], values["programs.difficulty_certified"]
    if assisted is None or not certified:
        return None
    return assisted * 100 / certified


def _loans_of_year(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(snapshot.LOANS).filter(pl.col("issued_on") >= snap.year_start)


def guaranteed_loans(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_loans_of_year(snap))


def guaranteed_loan_amount(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_loans_of_year(snap), "amount")


def loan_supported(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons the year's loans supported: the borrower and the partners of each person's loan."""
    loans = _loans_of_year(snap).filter(pl.col("person_id").is_not_null())
    return records(loans.with_columns((pl.col("partners") + 1).alias("persons")), "persons")


IN_10K_YUAN: dict[str, Any] = {"unit": _("万元"), "scale": FEN_PER_10K_YUAN, "base_unit": _("分"), "decimals": 2}
IN_100M_YUAN: dict[str, Any] = {"unit": _("亿元"), "scale": FEN_PER_100M_YUAN, "base_unit": _("分"), "decimals": 2}

THEMES = (
    ("policy.sme_measures", PolicyTheme.SME, _("支持中小企业政策条数")),
    ("policy.return_to_work_measures", PolicyTheme.RETURN_TO_WORK, _("农民工返岗复工意见条数")),
    ("policy.employment_measures", PolicyTheme.EMPLOYMENT, _("强化稳就业举措条数")),
    ("policy.enterprise_measures", PolicyTheme.ENTERPRISE, _("援企稳岗措施条数")),
)

for code, theme, name in THEMES:
    register(
        Indicator(
            code=code,
            name=name,
            unit=_("条"),
            kind=Kind.FLOW,
            module=MODULE,
            definition=_("年内印发的该类政策文件所含措施条数之和（按发文区划统计）。"),
            records="policy",
            calculate=_measures(theme),
        )
    )

for indicator in (
    Indicator(
        code="programs.refund_enterprises",
        name=_("享受稳岗返还企业数"),
        unit=_("家"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经银行回单确认已发放普惠性稳岗返还的单位数（每个统一社会信用代码计一次）。"),
        records="claim",
        calculate=refund_enterprises,
    ),
    Indicator(
        code="programs.refund_amount",
        name=_("稳岗返还资金"),
        **IN_10K_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经银行回单确认已发放的普惠性稳岗返还金额之和。"),
        records="claim",
        calculate=refund_amount,
    ),
    Indicator(
        code="programs.incubation_amount",
        name=_("兑现创业孵化补贴"),
        **IN_10K_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经银行回单确认已发放的创业孵化补贴之和。"),
        records="claim",
        calculate=incubation_amount,
    ),
    Indicator(
        code="programs.subsidy_amount",
        name=_("兑现就业补贴资金"),
        **IN_100M_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经银行回单确认已发放的、由就业补助资金列支的各项补贴之和。"),
        records="claim",
        calculate=subsidy_amount,
    ),
    Indicator(
        code="programs.beneficiaries",
        name=_("享受就业政策扶持人数"),
        unit=_("万人"),
        scale=10000,
        base_unit=_("人"),
        decimals=2,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内已发放的补贴所涉及的人员（本人受补贴或其受雇使单位获补贴），每人计一次。"),
        records="person",
        calculate=beneficiaries,
    ),
    Indicator(
        code="programs.funds_used",
        name=_("就业资金使用"),
        **IN_100M_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经银行回单确认已支付的全部政策资金（就业补助资金和失业保险基金）之和。"),
        records="claim",
        calculate=funds_used,
    ),
    Indicator(
        code="programs.ui_benefit_recipients",
        name=_("失业保险待遇享受人数"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内任一天在领取失业保险金的人数（按社保经办机构的发放名单，每人计一次）。"),
        records="benefit",
        calculate=benefit_recipients,
    ),
    Indicator(
        code="programs.guaranteed_loans",
        name=_("发放创业担保贷款笔数"),
        unit=_("笔"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内放款的创业担保贷款笔数（按借款人所在区划）。"),
        records="loan",
        calculate=guaranteed_loans,
    ),
    Indicator(
        code="programs.guaranteed_loan_amount",
        name=_("发放创业担保贷款金额"),
        **IN_100M_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内放款的创业担保贷款金额之和。"),
        records="loan",
        calculate=guaranteed_loan_amount,
    ),
    Indicator(
        code="programs.loan_supported",
        name=_("创业担保贷款扶持创业人数"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内放款的个人和合伙创业担保贷款的借款人及合伙人人数。"),
        records="loan",
        calculate=loan_supported,
    ),
    Indicator(
        code="programs.difficulty_certified",
        name=_("认定的就业困难人员"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内任一天处于已认定状态的就业困难人员（每人计一次）。"),
        records="difficulty",
        calculate=difficulty_certified,
    ),
    Indicator(
        code="programs.difficulty_assisted",
        name=_("得到援助的就业困难人员"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("上述人员中，期末前已落实岗位推荐、技能培训、公益性岗位或政策补贴之一的人数。"),
        records="difficulty",
        calculate=difficulty_assisted,
    ),
    Indicator(
        code="programs.assistance_rate",
        name=_("就业困难人员就业援助率"),
        unit="%",
        decimals=2,
        additive=False,
        module=MODULE,
        definition=_("得到援助的就业困难人员 ÷ 认定的就业困难人员 × 100%（目标 100%）。"),
        derive=assistance_rate,
        inputs=("programs.difficulty_assisted", "programs.difficulty_certified"),
    ),
):
    register(indicator)
