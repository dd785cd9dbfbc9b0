"""The employers module's frames for the statistics (``indicators.snapshot``): its records as they
stood on the snapshot's day, with ids and codes only."""

from __future__ import annotations

import polars as pl
from django.db import connection

from jiuye.core.bulk import fetch_frame
from jiuye.employers.models import Employer, FactoryReport, MarketEntity, ServiceOrg
from jiuye.indicators.snapshot import Snapshot, register_loader, text_date
from jiuye.registry.models import EmploymentSpell

ENTITIES = "employers.entities"
EMPLOYERS = "employers.employers"
REPORTS = "employers.reports"
ORGS = "employers.orgs"
WORKERS = "employers.workers"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def load_entities(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT id, region_code, credit_code, CAST(registered_on AS TEXT) FROM {MarketEntity._meta.db_table}"  # noqa: S608
        f" WHERE registered_on <= %s AND {where}",
        [snap.end, *params],
        {"record_id": pl.Int64, "region": pl.Utf8, "credit_code": pl.Utf8, "registered_on": pl.Utf8},
    )
    return frame.with_columns(text_date("registered_on").alias("registered_on"))


def load_employers(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_id")
    frame = fetch_frame(
        f"SELECT id, region_id, credit_code, kind, CAST(certified_on AS TEXT) FROM {Employer._meta.db_table}"  # noqa: S608
        f" WHERE {where}",
        params,
        {"record_id": pl.Int64, "region": pl.Utf8, "credit_code": pl.Utf8, "kind": pl.Utf8, "certified_on": pl.Utf8},
    )
    return frame.with_columns(text_date("certified_on").alias("certified_on"))


def load_reports(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT id, employer_id, region_code, CAST(month AS TEXT), jobs, output_value, wages_paid"  # noqa: S608
        f" FROM {FactoryReport._meta.db_table} WHERE month <= %s AND {where}",
        [snap.end, *params],
        {
            "record_id": pl.Int64,
            "employer_id": pl.Int64,
            "region": pl.Utf8,
            "month": pl.Utf8,
            "jobs": pl.Int64,
            "output": pl.Int64,
            "wages": pl.Int64,
        },
    )
    return frame.with_columns(text_date("month").alias("month"))


def load_orgs(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_id")
    return fetch_frame(
        f"SELECT id, region_id, kind FROM {ServiceOrg._meta.db_table}"  # noqa: S608
        f" WHERE active AND CAST(created_at AS DATE) <= %s AND {where}",
        [snap.end, *params],
        {"record_id": pl.Int64, "region": pl.Utf8, "kind": pl.Utf8},
    )


def load_workers(snap: Snapshot) -> pl.DataFrame:
    """Persons employed on the day whose spell names an employer's credit code (every region: the
    employer's region, not the worker's, places the job)."""
    return fetch_frame(
        f"SELECT person_id, employer_credit_code FROM {EmploymentSpell._meta.db_table}"  # noqa: S608
        f" WHERE employer_credit_code <> '' AND start <= %s AND ({_q('end')} IS NULL OR {_q('end')} >= %s)",
        [snap.end, snap.end],
        {"person_id": pl.Int64, "credit_code": pl.Utf8},
    ).unique()


def register() -> None:
    register_loader(ENTITIES, load_entities)
    register_loader(EMPLOYERS, load_employers)
    register_loader(REPORTS, load_reports)
    register_loader(ORGS, load_orgs)
    register_loader(WORKERS, load_workers)
