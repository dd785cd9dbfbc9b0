"""The jobs module's frames for the statistics: ids, codes and dates only."""

from __future__ import annotations

import polars as pl

from jiuye.core.bulk import fetch_frame
from jiuye.indicators.snapshot import Snapshot, register_loader, text_date
from jiuye.jobs.models import Internship, Posting, RecruitmentEvent, Referral

EVENTS = "jobs.events"
EVENT_POSTINGS = "jobs.event_postings"
POSTINGS = "jobs.postings"
REFERRALS = "jobs.referrals"
INTERNSHIPS = "jobs.internships"


def load_events(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_id")
    frame = fetch_frame(
        f"SELECT id, region_id, CAST(start AS TEXT) FROM {RecruitmentEvent._meta.db_table}"  # noqa: S608
        f" WHERE start <= %s AND {where}",
        [snap.end, *params],
        {"record_id": pl.Int64, "region": pl.Utf8, "start": pl.Utf8},
    )
    return frame.with_columns(text_date("start").alias("start"))


def load_event_postings(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("p.region_id")
    through = RecruitmentEvent.postings.through._meta.db_table
    frame = fetch_frame(
        f"SELECT t.recruitmentevent_id, p.id, p.region_id, p.headcount FROM {through} t"  # noqa: S608
        f" JOIN {Posting._meta.db_table} p ON p.id = t.posting_id WHERE {where}",
        params,
        {"event_id": pl.Int64, "record_id": pl.Int64, "region": pl.Utf8, "headcount": pl.Int64},
    )
    return frame


def load_postings(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_id")
    frame = fetch_frame(
        f"SELECT id, region_id, headcount, CAST(valid_from AS TEXT), CAST(valid_until AS TEXT), published"  # noqa: S608
        f" FROM {Posting._meta.db_table} WHERE valid_from <= %s AND {where}",
        [snap.end, *params],
        {
            "record_id": pl.Int64,
            "region": pl.Utf8,
            "headcount": pl.Int64,
            "valid_from": pl.Utf8,
            "valid_until": pl.Utf8,
            "published": pl.Boolean,
        },
    )
    return frame.with_columns(
        text_date("valid_from").alias("valid_from"), text_date("valid_until").alias("valid_until")
    )


def load_referrals(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT person_id, region_code, CAST(intention_on AS TEXT), CAST(hired_on AS TEXT)"  # noqa: S608
        f" FROM {Referral._meta.db_table} WHERE referred_on <= %s AND {where}",
        [snap.end, *params],
        {"person_id": pl.Int64, "region": pl.Utf8, "intention_on": pl.Utf8, "hired_on": pl.Utf8},
    )
    return frame.with_columns(text_date("intention_on").alias("intention_on"), text_date("hired_on").alias("hired_on"))


def load_internships(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT person_id, region_code, CAST(start AS TEXT) FROM {Internship._meta.db_table}"  # noqa: S608
        f" WHERE start <= %s AND {where}",
        [snap.end, *params],
        {"person_id": pl.Int64, "region": pl.Utf8, "start": pl.Utf8},
    )
    return frame.with_columns(text_date("start").alias("start"))


def register() -> None:
    register_loader(EVENTS, load_events)
    register_loader(EVENT_POSTINGS, load_event_postings)
    register_loader(POSTINGS, load_postings)
    register_loader(REFERRALS, load_referrals)
    register_loader(INTERNSHIPS, load_internships)
