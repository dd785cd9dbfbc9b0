"""The jobs module's indicators (the seed's 一(八) 就业服务 and 二(三) 见习): calculators over a
snapshot, each returning the records behind its figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from jiuye.indicators.catalogue import Indicator, Kind, register
from jiuye.indicators.snapshot import Snapshot, person_records, records
from jiuye.jobs import snapshot

MODULE = "jobs"


def fairs(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    return records(snap.frame(snapshot.EVENTS).filter(pl.col("start") >= snap.year_start))


def posts_offered(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Seats offered at the year's events: each posting's headcount once, however many events
    showed it, placed where the job is."""
    events = (
        snap.frame(snapshot.EVENTS)
        .filter(pl.col("start") >= snap.year_start)
        .select(pl.col("record_id").alias("event_id"))
    )
    offered = snap.frame(snapshot.EVENT_POSTINGS).join(events, on="event_id", how="semi").unique("record_id")
    return records(offered, "headcount")


def intentions(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    """Persons who reached an intention (or were hired) this year, once each, where they live."""
    reached = snap.frame(snapshot.REFERRALS).filter(
        pl.coalesce("intention_on", "hired_on").is_between(snap.year_start, snap.end)
    )
    return person_records(reached)


def hires(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    hired = snap.frame(snapshot.REFERRALS).filter(pl.col("hired_on").is_between(snap.year_start, snap.end))
    return person_records(hired)


def interns(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    started = snap.frame(snapshot.INTERNSHIPS).filter(pl.col("start") >= snap.year_start)
    return person_records(started)


def open_seats(snap: Snapshot, p: Mapping[str, Any]) -> pl.DataFrame:
    open_ = snap.frame(snapshot.POSTINGS).filter(pl.col("valid_until") >= snap.end)
    return records(open_, "headcount")


for indicator in (
    Indicator(
        code="jobs.fairs",
        name=_("招聘活动场次"),
        unit=_("场次"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内开始举办的招聘活动（春风行动、民营企业招聘月、校园、网络、零工市场等）场次，按举办地统计。"),
        records="event",
        calculate=fairs,
    ),
    Indicator(
        code="jobs.posts",
        name=_("招聘活动提供岗位"),
        unit=_("万个"),
        scale=10000,
        base_unit=_("个"),
        decimals=2,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内招聘活动提供的岗位数（各岗位招聘人数之和，一个岗位在多场活动中只计一次），按工作地统计。"),
        records="posting",
        calculate=posts_offered,
    ),
    Indicator(
        code="jobs.intentions",
        name=_("达成就业意向"),
        unit=_("万人"),
        scale=10000,
        base_unit=_("人"),
        decimals=2,
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经岗位推荐达成就业意向或被录用的人数（每人计一次），按人员所在地统计。"),
        records="person",
        calculate=intentions,
    ),
    Indicator(
        code="jobs.hires",
        name=_("推荐录用人数"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内经岗位推荐被录用的人数（每人计一次），按人员所在地统计。"),
        records="person",
        calculate=hires,
    ),
    Indicator(
        code="jobs.interns",
        name=_("就业见习人数"),
        unit=_("人"),
        kind=Kind.FLOW,
        module=MODULE,
        definition=_("年内开始就业见习的高校毕业生和失业青年人数，按人员所在地统计。"),
        records="person",
        calculate=interns,
    ),
    Indicator(
        code="jobs.open_seats",
        name=_("在招岗位数"),
        unit=_("个"),
        module=MODULE,
        definition=_("期末仍在有效期内的招聘岗位的招聘人数之和，按工作地统计。"),
        records="posting",
        calculate=open_seats,
    ),
):
    register(indicator)
