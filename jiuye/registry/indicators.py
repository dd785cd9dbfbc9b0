"""The registry's indicators (the seed's 一(一), 一(四) and 二(一)): calculators over a snapshot.

Each calculator returns the records behind its figure (see ``jiuye.indicators.catalogue``).
Definitions that vary by place take parameters (``Param``) whose defaults follow
docs/reference/domain-rules.md §1; a bureau changes them on the parameters page.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.catalogue import Direction, Indicator, Kind, Param, register
from jiuye.indicators.snapshot import Snapshot
from jiuye.registry import rules, snapshot
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    EmploymentForm,
    EmploymentStatus,
    KeyGroup,
    PersonState,
    RegistrationKind,
)

MODULE = "registry"
EMPLOYED = sorted(rules.DEFAULT_EMPLOYED)
NON_FARM = EMPLOYED  # 转移就业: every kind of non-farm work, at home or away
ABLE = sorted(rules.WITH_ABILITY)

# The seed's units: counts stored whole, shown in 万 with two decimals.
IN_10K_PERSONS: dict[str, Any] = {"unit": _("万人"), "scale": 10000, "base_unit": _("人"), "decimals": 2}
IN_10K_HOUSEHOLDS: dict[str, Any] = {"unit": _("万户"), "scale": 10000, "base_unit": _("户"), "decimals": 2}

_statuses = tuple((s.value, s.label) for s in EmploymentStatus)
_groups = tuple((g.value, g.label) for g in KeyGroup)
_forms = tuple((f.value, f.label) for f in EmploymentForm)


def _persons(frame: pl.DataFrame, sign: int = 1) -> pl.DataFrame:
    return frame.select(
        pl.col("region"), pl.col("person_id").alias("record_id"), pl.lit(sign, dtype=pl.Int8).alias("sign")
    )


def _households(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("region"), pl.col("household_id").alias("record_id"), pl.lit(1, dtype=pl.Int8).alias("sign")
    )


def _age_between(p: Mapping[str, Any]) -> pl.Expr:
    return pl.col("age").is_between(int(p["min_age"]), int(p["max_age"]))


def _labour(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return snapshot.persons(snap).filter(_age_between(p) & pl.col("ability").is_in(ABLE))


AGE_PARAMS = {
    "min_age": Param(_("劳动年龄下限（岁）"), 16),
    "max_age": Param(_("劳动年龄上限（岁）"), 60),
}

# --- 城镇新增就业, 登记失业 -------------------------------------------------------------------


def urban_new_employment(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    regs = snapshot.registrations(snap).filter(
        (pl.col("kind") == RegistrationKind.EMPLOYMENT)
        & pl.col("urban")
        & (pl.col("date") >= snap.year_start)
        & pl.col("form").is_in(list(p["forms"]))
    )
    # A person counts once a year, where the first registration of the year was made.
    new = _persons(regs.sort("date").unique("person_id", keep="first", maintain_order=True))
    if not p["deduct_attrition"]:
        return new
    urban = snap.regions.filter(pl.col("urban")).select("region")
    leavers = pl.concat(
        [
            snapshot.state_changes(snap, [PersonState.DECEASED], snap.year_start),
            snapshot.spells_starting(snap, [EmploymentStatus.RETIRED_OTHER], snap.year_start),
        ]
    ).unique("person_id")
    return pl.concat([new, _persons(leavers.join(urban, on="region", how="semi"), sign=-1)])


register(
    Indicator(
        code="urban_new_employment",
        name=_("城镇新增就业"),
        **IN_10K_PERSONS,
        kind=Kind.FLOW,
        records="person",
        key=True,
        module=MODULE,
        definition=_(
            "年内在城镇办理就业登记的人数（每人每年计一次，按当年首次登记地统计）；"
            "按参数可扣除自然减员（年内死亡或转为退休的城镇人员）。"
        ),
        calculate=urban_new_employment,
        params={
            "forms": Param(_("计入的就业形式"), [f.value for f in EmploymentForm], _forms),
            "deduct_attrition": Param(_("扣除自然减员"), False),
        },
    )
)


def registered_unemployed(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    open_regs = snapshot.registrations(snap).filter(
        (pl.col("kind") == RegistrationKind.UNEMPLOYMENT)
        & pl.col("urban")
        & (pl.col("ended_on").is_null() | (pl.col("ended_on") > snap.end))
    )
    return _persons(open_regs.unique("person_id", keep="first", maintain_order=True))


register(
    Indicator(
        code="registered_unemployed",
        name=_("城镇登记失业人数"),
        unit=_("人"),
        records="person",
        module=MODULE,
        definition=_("期末仍有效（未注销）的城镇失业登记人数。"),
        calculate=registered_unemployed,
    )
)

register(
    Indicator(
        code="urban_employed",
        name=_("城镇从业人员"),
        unit=_("人"),
        entered=True,
        module=MODULE,
        definition=_("期末城镇从业人员数（统计部门数据，登记失业率的分母），按区划和月份录入并注明来源。"),
    )
)


def unemployment_rate(values: Mapping[str, Decimal | None]) -> Decimal | None:
    unemployed, employed = values["registered_unemployed"], values["urban_employed"]
    if unemployed is None or employed is None or employed + unemployed == 0:
        return None
    return unemployed * 100 / (employed + unemployed)


register(
    Indicator(
        code="registered_unemployment_rate",
        name=_("城镇登记失业率"),
        unit="%",
        decimals=2,
        direction=Direction.CEILING,
        additive=False,
        key=True,
        module=MODULE,
        definition=_("期末城镇登记失业人数 ÷（期末城镇从业人员 + 期末城镇登记失业人数）× 100%。"),
        derive=unemployment_rate,
        inputs=("registered_unemployed", "urban_employed"),
    )
)

register(
    Indicator(
        code="surveyed_unemployment_rate",
        name=_("城镇调查失业率"),
        unit="%",
        decimals=1,
        direction=Direction.CEILING,
        additive=False,
        entered=True,
        module=MODULE,
        definition=_("统计部门劳动力调查数据，按月录入并注明来源；本系统不计算。"),
    )
)

# --- 转移就业, 脱贫人口, 公益性岗位, 易地搬迁 --------------------------------------------------


def rural_transfer(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    frame = snapshot.persons(snap).filter(pl.col("status").is_in(list(p["statuses"])) & _age_between(p))
    if p["rural_only"]:
        frame = frame.filter(~pl.col("urban"))
    return _persons(frame)


register(
    Indicator(
        code="rural_transfer_employment",
        name=_("农村劳动力转移就业"),
        **IN_10K_PERSONS,
        records="person",
        key=True,
        module=MODULE,
        definition=_("期末居住在农村（村委会）、处于劳动年龄、从事非农就业（计入的状态见参数）的人数。"),
        calculate=rural_transfer,
        params={
            "statuses": Param(_("计为转移就业的状态"), NON_FARM, _statuses),
            "rural_only": Param(_("仅统计农村（村委会）人员"), True),
            **AGE_PARAMS,
        },
    )
)


def reads_sensitive_groups(p: Mapping[str, Any]) -> bool:
    """A list of persons by key group is sensitive when a group in force is (e.g. 脱贫人口)."""
    return bool(set(p.get("groups", ())) & SENSITIVE_GROUPS)


def always(_p: Mapping[str, Any]) -> bool:
    return True


def group_working(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    frame = snapshot.persons_in_groups(snap, list(p["groups"])).filter(pl.col("status").is_in(list(p["statuses"])))
    return _persons(frame)


register(
    Indicator(
        code="poverty_alleviated_working",
        name=_("脱贫人口务工"),
        **IN_10K_PERSONS,
        records="person",
        key=True,
        module=MODULE,
        definition=_("期末处于就业状态的脱贫人口（含哪些人员类别见参数）。"),
        calculate=group_working,
        sensitive=reads_sensitive_groups,
        params={
            "groups": Param(_("计入的人员类别"), [KeyGroup.POVERTY_ALLEVIATED.value], _groups),
            "statuses": Param(_("计为务工的状态"), EMPLOYED, _statuses),
        },
    )
)

register(
    Indicator(
        code="relocated_employment",
        name=_("易地搬迁劳动力就业创业"),
        **IN_10K_PERSONS,
        records="person",
        module=MODULE,
        definition=_("期末处于就业或创业状态的易地搬迁人员。"),
        calculate=group_working,
        sensitive=reads_sensitive_groups,
        params={
            "groups": Param(_("计入的人员类别"), [KeyGroup.RELOCATED.value], _groups),
            "statuses": Param(_("计为就业创业的状态"), EMPLOYED, _statuses),
        },
    )
)


def public_welfare(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    placed = snapshot.spells_overlapping(snap, [EmploymentStatus.PUBLIC_WELFARE], snap.year_start)
    members = snapshot.groups(snap).filter(pl.col("group").is_in(list(p["groups"]))).select("person_id").unique()
    return _persons(placed.join(members, on="person_id", how="semi"))


register(
    Indicator(
        code="public_welfare_placement",
        name=_("公益性岗位安置就业困难人员和脱贫劳动力"),
        **IN_10K_PERSONS,
        kind=Kind.FLOW,
        records="person",
        module=MODULE,
        definition=_("年初至期末曾在公益性岗位就业、且属于所列人员类别的人数（每人计一次）。"),
        calculate=public_welfare,
        sensitive=reads_sensitive_groups,
        params={
            "groups": Param(
                _("计入的人员类别"),
                [KeyGroup.HARD_TO_EMPLOY.value, KeyGroup.POVERTY_ALLEVIATED.value],
                _groups,
            )
        },
    )
)

# --- households: 零就业家庭, 搬迁家庭 ---------------------------------------------------------


def _household_facts(snap: Snapshot) -> pl.DataFrame:
    """Per household on ``end``: has labour, has someone employed, relocated (rule as data)."""
    from jiuye.registry.services import zero_rule

    cached = snap.cache.get("household_facts")
    if cached is not None:
        return cached

    rule = zero_rule()
    members = snapshot.persons(snap).with_columns(
        (
            pl.col("willing") & pl.col("ability").is_in(ABLE) & pl.col("age").is_between(rule.min_age, rule.max_age)
        ).alias("labour"),
        pl.col("status").is_in(sorted(rule.employed)).alias("employed"),
    )
    relocated_people = members.join(
        snapshot.groups(snap).filter(pl.col("group") == KeyGroup.RELOCATED), on="person_id", how="semi"
    ).select("household_id", pl.lit(True).alias("relocated_member"))
    facts = members.group_by("household_id").agg(pl.col("labour").any(), pl.col("employed").any())
    result = (
        snapshot.households(snap)
        .join(facts, on="household_id", how="inner")
        .join(relocated_people.unique("household_id"), on="household_id", how="left")
        .with_columns(
            ((pl.col("relocation_site") != "") | pl.col("relocated_member").fill_null(False)).alias("relocated")
        )
    )
    snap.cache["household_facts"] = result
    return result


def _households_where(condition: pl.Expr) -> Any:
    """A calculator: the households whose facts on the day meet ``condition``."""

    def calculate(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
        return _households(_household_facts(snap).filter(condition))

    return calculate


_LABOUR, _EMPLOYED, _RELOCATED = pl.col("labour"), pl.col("employed"), pl.col("relocated")
zero_households = _households_where(_LABOUR & ~_EMPLOYED)
relocated_with_labour = _households_where(_RELOCATED & _LABOUR)
relocated_cleared = _households_where(_RELOCATED & _LABOUR & _EMPLOYED)
relocated_zero = _households_where(_RELOCATED & _LABOUR & ~_EMPLOYED)


register(
    Indicator(
        code="zero_employment_households",
        name=_("零就业家庭户数"),
        unit=_("户"),
        direction=Direction.CEILING,
        records="household",
        key=True,
        module=MODULE,
        definition=_(
            "期末至少有一名劳动年龄内有劳动能力、有就业意愿的成员，且无任何成员就业的家庭户数"
            "（劳动年龄和计为就业的状态按零就业家庭认定规则）。"
        ),
        calculate=zero_households,
    )
)
register(
    Indicator(
        code="relocated_households_with_labour",
        name=_("有劳动力搬迁家庭户数"),
        unit=_("户"),
        records="household",
        module=MODULE,
        definition=_("期末有劳动力的易地搬迁家庭（登记了安置点或有成员属易地搬迁人员）。"),
        calculate=relocated_with_labour,
    )
)
register(
    Indicator(
        code="relocated_zero_cleared",
        name=_("有劳动力搬迁家庭零就业动态清零户数"),
        **IN_10K_HOUSEHOLDS,
        records="household",
        module=MODULE,
        definition=_("期末有劳动力、且至少一名成员就业的易地搬迁家庭户数。"),
        calculate=relocated_cleared,
    )
)
register(
    Indicator(
        code="relocated_zero_households",
        name=_("搬迁家庭零就业户数"),
        unit=_("户"),
        direction=Direction.CEILING,
        records="household",
        module=MODULE,
        definition=_("期末有劳动力、但无成员就业的易地搬迁家庭户数（应动态清零）。"),
        calculate=relocated_zero,
    )
)

# --- labour force, by group, and the willing ------------------------------------------------


def labour_force(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return _persons(_labour(snap, p))


def labour_force_of(group: str) -> Any:
    def calculate(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
        members = snapshot.groups(snap).filter(pl.col("group") == group).select("person_id")
        return _persons(_labour(snap, p).join(members, on="person_id", how="semi"))

    return calculate


register(
    Indicator(
        code="labour_force",
        name=_("劳动力人数"),
        unit=_("人"),
        records="person",
        module=MODULE,
        definition=_("期末在册、处于劳动年龄、有劳动能力（技能、普通、弱或半劳动力）的人数。"),
        calculate=labour_force,
        params=AGE_PARAMS,
    )
)
for _group in KeyGroup:
    register(
        Indicator(
            code=f"labour_force.{_group.value}",
            name=format_lazy("{}（{}）", _("劳动力"), _group.label),
            unit=_("人"),
            records="person",
            module=MODULE,
            definition=_("劳动力中属于该人员类别的人数。"),
            calculate=labour_force_of(_group.value),
            sensitive=always if _group in SENSITIVE_GROUPS else None,
            params=AGE_PARAMS,
        )
    )


def willing_labour(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return _persons(_labour(snap, p).filter(pl.col("willing")))


def willing_employed(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return _persons(_labour(snap, p).filter(pl.col("willing") & pl.col("status").is_in(list(p["statuses"]))))


def willing_not_employed(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return _persons(_labour(snap, p).filter(pl.col("willing") & ~pl.col("status").is_in(list(p["statuses"]))))


_WILLING_PARAMS = {**AGE_PARAMS, "statuses": Param(_("计为就业的状态"), EMPLOYED, _statuses)}

register(
    Indicator(
        code="willing_labour",
        name=_("有劳动能力有就业意愿人数"),
        unit=_("人"),
        records="person",
        module=MODULE,
        definition=_("劳动力中有就业意愿的人数。"),
        calculate=willing_labour,
        params=AGE_PARAMS,
    )
)
register(
    Indicator(
        code="willing_employed",
        name=_("有劳动能力有就业意愿已就业人数"),
        unit=_("人"),
        records="person",
        module=MODULE,
        definition=_("有劳动能力、有就业意愿且期末处于就业状态的人数。"),
        calculate=willing_employed,
        params=_WILLING_PARAMS,
    )
)
register(
    Indicator(
        code="willing_not_employed",
        name=_("有意愿未就业人数"),
        unit=_("人"),
        direction=Direction.CEILING,
        records="person",
        module=MODULE,
        definition=_("有劳动能力、有就业意愿但期末未就业的人数（就业帮扶的对象）。"),
        calculate=willing_not_employed,
        params=_WILLING_PARAMS,
    )
)


def willing_rate(values: Mapping[str, Decimal | None]) -> Decimal | None:
    employed, willing = values["willing_employed"], values["willing_labour"]
    if employed is None or not willing:
        return None
    return employed * 100 / willing


register(
    Indicator(
        code="willing_employment_rate",
        name=_("有劳动能力有就业意愿群众就业率"),
        unit="%",
        decimals=2,
        additive=False,
        key=True,
        module=MODULE,
        definition=_("有劳动能力有就业意愿已就业人数 ÷ 有劳动能力有就业意愿人数 × 100%（目标 100%）。"),
        derive=willing_rate,
        inputs=("willing_employed", "willing_labour"),
    )
)
