"""The employers module's indicators (the seed's 一(五) 新登记市场主体, 一(七) 新社区工厂, 二(六)
人力资源服务业): calculators over a snapshot, each returning the records behind its figure.
Amounts are summed in 分 (the frame's ``sign`` carries the amount) and shown in 亿元."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from jiuye.employers import snapshot
from jiuye.employers.choices import EmployerKind, OrgKind
from jiuye.indicators.catalogue import Indicator, Kind, register
from jiuye.indicators.snapshot import Snapshot, add_months, month_start, person_records, records

MODULE = "employers"
FEN_PER_100M_YUAN = 10_000_000_000  # 亿元 in 分


def new_market_entities(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(snap.frame(snapshot.ENTITIES).filter(pl.col("registered_on") >= snap.year_start))


def market_entity_jobs(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons employed at the period's end by an entity newly registered this year, placed at the
    entity's region: counted as people, one record each."""
    entities = snap.frame(snapshot.ENTITIES).filter(pl.col("registered_on") >= snap.year_start)
    workers = snap.frame(snapshot.WORKERS).join(entities.select("credit_code", "region"), on="credit_code")
    return person_records(workers)


def _factories(snap: Snapshot) -> pl.DataFrame:
    return snap.frame(snapshot.EMPLOYERS).filter(
        (pl.col("kind") == EmployerKind.COMMUNITY_FACTORY)
        & pl.col("certified_on").is_not_null()
        & (pl.col("certified_on") <= snap.end)
    )


def community_factories(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_factories(snap))


def _latest_reports(snap: Snapshot) -> pl.DataFrame:
    """Each certified factory's latest report within the last three months: what it employs now."""
    factories = _factories(snap).select(pl.col("record_id").alias("employer_id"))
    recent = snap.frame(snapshot.REPORTS).filter(pl.col("month") >= add_months(month_start(snap.end), -2))
    return recent.join(factories, on="employer_id", how="semi").sort("month").unique("employer_id", keep="last")


def factory_jobs(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_latest_reports(snap), "jobs")


def _year_reports(snap: Snapshot) -> pl.DataFrame:
    factories = _factories(snap).select(pl.col("record_id").alias("employer_id"))
    reports = snap.frame(snapshot.REPORTS).filter(pl.col("month") >= snap.year_start)
    return reports.join(factories, on="employer_id", how="semi")


def factory_output(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_year_reports(snap), "output")


def factory_wages(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(_year_reports(snap), "wages")


def _orgs(*kinds: str) -> Any:
    def calculate(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
        return records(snap.frame(snapshot.ORGS).filter(pl.col("kind").is_in(list(kinds))))

    return calculate


IN_100M_YUAN: dict[str, Any] = {"unit": _("亿元"), "scale": FEN_PER_100M_YUAN, "base_unit": _("分"), "decimals": 2}

for indicator in (
    Indicator(
        code="employers.new_market_entities",
        name=_("新登记市场主体"),
        unit=_("万户"),
        scale=10000,
        base_unit=_("户"),
        decimals=2,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内在市场监管部门新登记的各类市场主体（企业、个体工商户、农民专业合作社），按登记地统计。"),
        records="market_entity",
        calculate=new_market_entities,
    ),
    Indicator(
        code="employers.market_entity_jobs",
        name=_("新登记市场主体吸纳就业"),
        unit=_("人"),
        module=MODULE,
        definition=_(
            "期末在年内新登记市场主体就业的台账人员（就业记录的统一社会信用代码与主体一致），每人计一次，按主体登记地统计。"
        ),
        records="person",
        calculate=market_entity_jobs,
    ),
    Indicator(
        code="employers.community_factories",
        name=_("新社区工厂数"),
        unit=_("家"),
        module=MODULE,
        definition=_("期末已认定的新社区工厂数（不含家庭工坊）。"),
        records="employer",
        calculate=community_factories,
    ),
    Indicator(
        code="employers.factory_jobs",
        name=_("新社区工厂吸纳就业"),
        unit=_("人"),
        module=MODULE,
        definition=_("已认定新社区工厂最近三个月内最新一期月报的吸纳就业人数之和。"),
        records="factory_report",
        calculate=factory_jobs,
    ),
    Indicator(
        code="employers.factory_output",
        name=_("新社区工厂产值"),
        **IN_100M_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("已认定新社区工厂年内各月月报产值之和。"),
        records="factory_report",
        calculate=factory_output,
    ),
    Indicator(
        code="employers.factory_wages",
        name=_("新社区工厂发放工资"),
        **IN_100M_YUAN,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("已认定新社区工厂年内各月月报发放工资之和。"),
        records="factory_report",
        calculate=factory_wages,
    ),
    Indicator(
        code="employers.hr_parks",
        name=_("人力资源服务产业园数"),
        unit=_("个"),
        module=MODULE,
        definition=_("期末在营的人力资源服务产业园数。"),
        records="service_org",
        calculate=_orgs(OrgKind.INDUSTRIAL_PARK),
    ),
    Indicator(
        code="employers.hr_centres",
        name=_("人力资源服务中心数"),
        unit=_("个"),
        module=MODULE,
        definition=_("期末在营的人力资源服务中心数。"),
        records="service_org",
        calculate=_orgs(OrgKind.SERVICE_CENTRE),
    ),
    Indicator(
        code="employers.hr_service_orgs",
        name=_("经营性人力资源服务机构数"),
        unit=_("家"),
        module=MODULE,
        definition=_("期末在营、持有人力资源服务许可证的经营性人力资源服务机构数。"),
        records="service_org",
        calculate=_orgs(OrgKind.LICENSED_AGENCY),
    ),
    Indicator(
        code="employers.village_labour_companies",
        name=_("村级劳务公司数"),
        unit=_("家"),
        module=MODULE,
        definition=_("期末在营的村级劳务公司数。"),
        records="service_org",
        calculate=_orgs(OrgKind.VILLAGE_LABOUR_COMPANY),
    ),
    Indicator(
        code="employers.site_windows",
        name=_("安置点服务窗口数"),
        unit=_("个"),
        module=MODULE,
        definition=_("期末在易地搬迁安置点设立并在营的就业服务窗口数。"),
        records="service_org",
        calculate=_orgs(OrgKind.SITE_WINDOW),
    ),
):
    register(indicator)
