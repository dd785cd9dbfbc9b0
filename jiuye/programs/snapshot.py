"""The programs module's frames for the statistics (``indicators.snapshot``): paid claims, policy
documents and unemployment-benefit spells as they stood on the snapshot's day, ids and codes only."""

from __future__ import annotations

import polars as pl

from jiuye.core.bulk import fetch_frame
from jiuye.indicators.snapshot import Snapshot, register_loader, text_date
from jiuye.ledger.models import Payment
from jiuye.programs.models import BenefitFact, Claim, PolicyDocument

PAID = "programs.paid"
POLICIES = "programs.policies"
BENEFITS = "programs.benefits"
DIFFICULTIES = "programs.difficulties"
LOANS = "programs.loans"


def load_paid(snap: Snapshot) -> pl.DataFrame:
    """Claims the bank paid on or before the day (the payment's journal posted)."""
    where, params = snap.where_region("c.region_code")
    frame = fetch_frame(
        f"SELECT c.id, c.region_code, c.program, c.amount, c.person_id, c.payee_kind, c.payee_code,"  # noqa: S608
        f" CAST(p.paid_on AS TEXT) FROM {Claim._meta.db_table} c JOIN {Payment._meta.db_table} p ON p.id = c.payment_id"
        f" WHERE p.status = 'paid' AND p.paid_on <= %s AND {where}",
        [snap.end, *params],
        {
            "record_id": pl.Int64,
            "region": pl.Utf8,
            "program": pl.Utf8,
            "amount": pl.Int64,
            "person_id": pl.Int64,
            "payee_kind": pl.Utf8,
            "payee_code": pl.Utf8,
            "paid_on": pl.Utf8,
        },
    )
    return frame.with_columns(text_date("paid_on").alias("paid_on"))


def load_policies(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT id, region_code, theme, measures, CAST(issued_on AS TEXT) FROM {PolicyDocument._meta.db_table}"  # noqa: S608
        f" WHERE issued_on <= %s AND {where}",
        [snap.end, *params],
        {"record_id": pl.Int64, "region": pl.Utf8, "theme": pl.Utf8, "measures": pl.Int64, "issued_on": pl.Utf8},
    )
    return frame.with_columns(text_date("issued_on").alias("issued_on"))


def load_benefits(snap: Snapshot) -> pl.DataFrame:
    where, params = snap.where_region("region_code")
    frame = fetch_frame(
        f"SELECT id, region_code, id_hash, CAST(starts_on AS TEXT), CAST(ends_on AS TEXT)"  # noqa: S608
        f" FROM {BenefitFact._meta.db_table} WHERE starts_on <= %s AND {where}",
        [snap.end, *params],
        {"record_id": pl.Int64, "region": pl.Utf8, "id_hash": pl.Utf8, "starts_on": pl.Utf8, "ends_on": pl.Utf8},
    )
    return frame.with_columns(text_date("starts_on").alias("starts_on"), text_date("ends_on").alias("ends_on"))


def load_difficulties(snap: Snapshot) -> pl.DataFrame:
    """Certifications of 就业困难人员 as they stood on the day, with the first delivered assistance."""
    from jiuye.programs.choices import DELIVERED
    from jiuye.programs.models import AssistanceCase, AssistanceMeasure, Difficulty

    where, params = snap.where_region("d.region_code")
    kinds = ", ".join(f"'{k}'" for k in DELIVERED)
    frame = fetch_frame(
        f"SELECT d.id, d.region_code, d.person_id, CAST(d.certified_on AS TEXT), CAST(d.exited_on AS TEXT),"  # noqa: S608
        f" (SELECT CAST(MIN(m.date) AS TEXT) FROM {AssistanceMeasure._meta.db_table} m"
        f"  JOIN {AssistanceCase._meta.db_table} c ON c.id = m.case_id"
        f"  WHERE c.difficulty_id = d.id AND m.kind IN ({kinds}) AND m.date <= %s)"
        f" FROM {Difficulty._meta.db_table} d WHERE d.certified_on IS NOT NULL AND d.certified_on <= %s AND {where}",
        [snap.end, snap.end, *params],
        {
            "record_id": pl.Int64,
            "region": pl.Utf8,
            "person_id": pl.Int64,
            "certified_on": pl.Utf8,
            "exited_on": pl.Utf8,
            "assisted_on": pl.Utf8,
        },
    )
    return frame.with_columns(
        text_date("certified_on").alias("certified_on"),
        text_date("exited_on").alias("exited_on"),
        text_date("assisted_on").alias("assisted_on"),
    )


def load_loans(snap: Snapshot) -> pl.DataFrame:
    """Guaranteed loans issued on or before the day, with the persons they supported (the
    borrower and the partners of a person's loan)."""
    from jiuye.programs.models import Loan

    where, params = snap.where_region("l.region_code")
    partners = Loan.partners.through._meta.db_table
    frame = fetch_frame(
        f"SELECT l.id, l.region_code, l.amount, CAST(l.issued_on AS TEXT), l.person_id,"  # noqa: S608
        f" (SELECT COUNT(*) FROM {partners} p WHERE p.loan_id = l.id)"
        f" FROM {Loan._meta.db_table} l WHERE l.issued_on IS NOT NULL AND l.issued_on <= %s AND {where}",
        [snap.end, *params],
        {
            "record_id": pl.Int64,
            "region": pl.Utf8,
            "amount": pl.Int64,
            "issued_on": pl.Utf8,
            "person_id": pl.Int64,
            "partners": pl.Int64,
        },
    )
    return frame.with_columns(text_date("issued_on").alias("issued_on"))


def register() -> None:
    register_loader(PAID, load_paid)
    register_loader(POLICIES, load_policies)
    register_loader(BENEFITS, load_benefits)
    register_loader(DIFFICULTIES, load_difficulties)
    register_loader(LOANS, load_loans)
