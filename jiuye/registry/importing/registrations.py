"""The employment and unemployment registrations import (就业失业登记, IMPORT-TEMPLATES §3): the
acts behind 城镇新增就业 and 登记失业人数, as a registration desk or the social-insurance system
hands them over, one row an act.

Validation is column-wise (no database). The commit finds the persons by the keyed hash of their
ID numbers (one query), reads their registrations (one query), and applies each act through the
registry's one registration rule (``registry.registrations``), a person's acts in date order, so
that a 失业登记 and its 注销 in the same file come out right; it writes the new registrations in
one pass and the ended ones by id, with one audit row per batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import audit_record
from jiuye.core.bulk import db_datetime, insert_frame
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.permissions import Perm
from jiuye.core.scoping import write_prefix
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import parse_date
from jiuye.core.text import labels, values_by_label
from jiuye.imports.checks import Rule, apply_rules, lookup, per_value
from jiuye.imports.kinds import Batch, Column, ImportKind, ImportRefused, Outcome
from jiuye.regions.models import Region
from jiuye.registry import actions, idcard, registrations, services
from jiuye.registry.choices import EmploymentForm, PersonState, RegistrationKind, UnemploymentEnd, UnemploymentReason
from jiuye.registry.models import Person, Registration

# 登记类型 → the act's kind (plain text: polars must not see the enumeration's class).
KINDS: dict[str, str] = {
    "就业登记": RegistrationKind.EMPLOYMENT.value,
    "失业登记": RegistrationKind.UNEMPLOYMENT.value,
    "失业登记注销": registrations.END,
}

COLUMNS = (
    Column("公民身份号码", "id_number", required=True, example="610924199001011233", width=22),
    Column("登记类型", "kind", required=True, choices=tuple(KINDS), example="就业登记"),
    Column("登记日期", "date", required=True, example="2026-03-01"),
    Column("村(社区)代码", "village", required=True, example="610924100001", width=16),
    Column("就业形式", "form", choices=tuple(labels(EmploymentForm).values()), example="单位就业"),
    Column("就业单位", "employer", example="安康市富硒茶业有限公司", width=24),
    Column("统一社会信用代码", "credit_code", width=22),
    Column("失业原因", "reason", choices=tuple(labels(UnemploymentReason).values())),
    Column("注销原因", "end_reason", choices=tuple(labels(UnemploymentEnd).values())),
    Column("备注", "note", example="示例行，导入前请删除"),
)
HEADER = {c.key: c.header for c in COLUMNS}
KEYS = [c.key for c in COLUMNS]

NOTES = (
    gettext_lazy("红色表头为必填列。公民身份号码、村(社区)代码请保持文本格式，不要存成数字。"),
    gettext_lazy("每行一项登记：就业登记须填就业形式；失业登记须填失业原因；失业登记注销须填注销原因。"),
    gettext_lazy("人员须已在劳动力台账中（先导入台账）。村(社区)代码为办理登记的村（社区）：居委会计为城镇。"),
    gettext_lazy("同一人同一类型同一日期的登记重复导入时不会重复记录。日期写成 2026-03-01。"),
)


@dataclass
class Context:
    user: Any
    prefix: str
    today: date
    villages: dict[str, tuple[bool, bool]]  # village code → (inside the importer's write scope, urban)
    levels: dict[str, str]
    forms: dict[str, str]
    reasons: dict[str, str]
    end_reasons: dict[str, str]


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    prefix = write_prefix(user)
    if prefix is None:
        raise ImportRefused(_("您的角色不能导入就业失业登记。"))
    rows = Region.objects.values_list("code", "level", "urban")
    return Context(
        user=user,
        prefix=prefix,
        today=timezone.localdate(),
        villages={code: (code.startswith(prefix), bool(urban)) for code, level, urban in rows if level == "village"},
        levels={code: level for code, level, _urban in rows},
        forms=values_by_label(EmploymentForm),
        reasons=values_by_label(UnemploymentReason),
        end_reasons=values_by_label(UnemploymentEnd),
    )


def validate(ctx: Context, batch: Batch) -> pl.DataFrame:
    col = pl.col
    frame = batch.frame.with_columns(col("id_number").str.to_uppercase())
    empty = {key: col(key) == "" for key in KEYS}
    rules: list[Rule] = []

    def flag(key: str, bad: pl.Expr, reason: str) -> None:
        rules.append((key, bad, reason))

    for column in COLUMNS:
        if column.required:
            flag(column.key, empty[column.key], _("“%(column)s”为必填项。") % {"column": column.header})
    _birth, _valid, id_rules = idcard.column_checks(col("id_number"), today=ctx.today)
    as_number = col("__row").is_in(sorted(n for n, key in batch.numeric if key == "id_number"))
    flag("id_number", as_number, _("公民身份号码被 Excel 存成了数字，末几位已经丢失；请把该列设为文本格式后重新填写。"))
    for bad, reason in id_rules:
        flag("id_number", bad & ~as_number, reason)
    kind = lookup("kind", KINDS, pl.Utf8)
    flag("kind", ~empty["kind"] & kind.is_null(), _("登记类型应为：%(allowed)s。") % {"allowed": "、".join(KINDS)})
    day = lookup("date", per_value(frame, "date", parse_date), pl.Date)
    flag("date", ~empty["date"] & day.is_null(), _("登记日期无法识别，请写成 2026-03-01 这样的日期。"))
    flag("date", day > ctx.today, _("登记日期不能晚于今天。"))
    level = col("village").replace_strict(list(ctx.levels), list(ctx.levels.values()), default=None)
    in_scope = col("village").replace_strict(
        list(ctx.villages), [inside for inside, _urban in ctx.villages.values()], default=None
    )
    flag("village", ~empty["village"] & level.is_null(), _("系统中没有这个村(社区)代码。"))
    flag(
        "village", level.is_not_null() & (level != "village"), _("这是乡镇或更高一级的代码，请填写村(社区)的12位代码。")
    )
    flag("village", in_scope.eq(False), _("该村(社区)不在您的管辖范围内。"))
    for key, labels_of, needed_for, label in (
        ("form", ctx.forms, KINDS["就业登记"], "就业登记"),
        ("reason", ctx.reasons, KINDS["失业登记"], "失业登记"),
        ("end_reason", ctx.end_reasons, KINDS["失业登记注销"], "失业登记注销"),
    ):
        mapped = lookup(key, labels_of, pl.Utf8)
        flag(
            key,
            empty[key] & (kind == needed_for),
            _("%(kind)s须填写“%(column)s”。") % {"kind": label, "column": HEADER[key]},
        )
        flag(
            key,
            ~empty[key] & mapped.is_null(),
            _("不是有效选项，应为：%(allowed)s。") % {"allowed": "、".join(labels_of)},
        )
    flag("employer", col("employer").str.len_chars() > 200, _("就业单位名称过长（最多200个字）。"))
    credit_ok = lookup("credit_code", per_value(frame, "credit_code", is_valid_credit_code), pl.Boolean)
    flag("credit_code", credit_ok.eq(False), _("统一社会信用代码无效（GB 32100 校验不通过）。"))
    apply_rules(frame, batch, rules, HEADER)
    urban = col("village").replace_strict(
        list(ctx.villages), [is_urban for _inside, is_urban in ctx.villages.values()], default=False
    )
    accepted = frame.filter(~col("__row").is_in(sorted(batch.rejected_rows))).select(
        "__row",
        "id_number",
        "village",
        "employer",
        "note",
        __kind=kind,
        __date=day,
        __urban=urban.cast(pl.Boolean),
        __form=lookup("form", ctx.forms, pl.Utf8).fill_null(""),
        __credit=col("credit_code").str.to_uppercase(),
        __reason=lookup("reason", ctx.reasons, pl.Utf8).fill_null(""),
        __end_reason=lookup("end_reason", ctx.end_reasons, pl.Utf8).fill_null(""),
    )
    return accepted.with_columns(
        __hash=pl.Series(services.id_hashes(accepted.get_column("id_number").to_list()), dtype=pl.Utf8)
    )


@dataclass
class _Pending:
    """A registration this batch will write (its end may come later in the same batch)."""

    row: dict[str, Any]
    person_id: int
    ended_on: date | None = None
    end_reason: str = ""


NOT_FOUND = gettext_lazy("台账中没有此人，或此人不在您的管辖范围内；请先导入或登记劳动力台账。")


def commit(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    outcome = Outcome()
    hashes = sorted(set(rows.get_column("__hash").to_list()))
    persons = {
        p["id_hash"]: p
        for p in Person.objects.filter(id_hash__any=hashes).values("id", "id_hash", "region_id", "state", "state_date")
    }
    pids = [p["id"] for p in persons.values() if p["region_id"].startswith(ctx.prefix)]
    held: dict[int, registrations.Held] = defaultdict(registrations.Held)
    for reg in Registration.objects.filter(person_id__any=pids).order_by("date", "id"):
        h = held[reg.person_id]
        h.acts.add((reg.kind, reg.date))
        if reg.kind == RegistrationKind.UNEMPLOYMENT:
            if reg.ended_on is None:
                h.open_on, h.open_ref = reg.date, reg.pk
            else:
                h.ended.add((reg.ended_on, reg.end_reason))
    pending: list[_Pending] = []
    ended: dict[int, tuple[date, str]] = {}  # stored 失业登记 id → (ended on, reason)
    # A person's acts in date order (and in file order on the same day).
    for row in rows.sort("__date", "__row").iter_rows(named=True):
        person = persons.get(row["__hash"])
        if person is None or not person["region_id"].startswith(ctx.prefix):
            batch.reject(row["__row"], HEADER["id_number"], row["id_number"], str(NOT_FOUND))
            continue
        if person["state"] != PersonState.ACTIVE and person["state_date"] and row["__date"] >= person["state_date"]:
            batch.reject(
                row["__row"],
                HEADER["date"],
                row["__date"].isoformat(),
                _("该人员自 %(date)s 起已不在册（死亡、迁出或出国定居），此后的登记不再记录。")
                % {"date": person["state_date"].isoformat()},
            )
            continue
        h = held[person["id"]]
        act = registrations.Act(row["__kind"], row["__date"], row["__end_reason"])
        try:
            result = registrations.apply(h, act)
        except registrations.ActRefused as exc:
            column = HEADER["date"] if exc.field == "date" else HEADER["kind"]
            batch.reject(row["__row"], column, row["__date"].isoformat() if exc.field == "date" else "", str(exc))
            continue
        if result.effect == registrations.Effect.NONE:
            outcome.unchanged += 1
            continue
        if result.ends_open:
            if isinstance(h.open_ref, _Pending):
                h.open_ref.ended_on, h.open_ref.end_reason = act.day, result.end_reason
            else:
                ended[int(h.open_ref)] = (act.day, result.end_reason)  # type: ignore[call-overload]
            h.open_ref = None
        if result.effect == registrations.Effect.CREATE:
            made = _Pending(row, person["id"])
            pending.append(made)
            if act.kind == RegistrationKind.UNEMPLOYMENT:
                h.open_ref = made
            outcome.created += 1
        else:
            outcome.updated += 1
    _write(ctx, pending, ended)
    if pending or ended:
        days = [p.row["__date"] for p in pending] + [day for day, _reason in ended.values()]
        notify_records_changed(Registration, since=min(days))
        audit_record(
            action=actions.REGISTRATIONS_IMPORT_BATCH,
            actor=ctx.user,
            object_type="registry.registration",
            region_code=ctx.prefix.ljust(12, "0") if len(ctx.prefix) < 12 else ctx.prefix,
            after={
                "created": len(pending),
                "ended": len(ended),
                "person_ids": ",".join(str(p) for p in sorted({p.person_id for p in pending}))[:20000],
            },
        )
    return outcome


def _write(ctx: Context, pending: list[_Pending], ended: dict[int, tuple[date, str]]) -> None:
    recorder = ctx.user.pk if getattr(ctx.user, "is_authenticated", False) else None
    now = str(db_datetime(timezone.now()))
    if pending:
        frame = pl.DataFrame(
            {
                "person_id": [p.person_id for p in pending],
                "region_id": [p.row["village"] for p in pending],
                "kind": [p.row["__kind"] for p in pending],
                "date": [p.row["__date"] for p in pending],
                "urban": [p.row["__urban"] for p in pending],
                "form": [p.row["__form"] for p in pending],
                "employer_name": [p.row["employer"] for p in pending],
                "employer_credit_code": [p.row["__credit"] for p in pending],
                "reason": [p.row["__reason"] for p in pending],
                "ended_on": [p.ended_on for p in pending],
                "end_reason": [p.end_reason for p in pending],
                "note": [p.row["note"] for p in pending],
                "recorded_by_id": [recorder] * len(pending),
                "recorded_at": [now] * len(pending),
            },
            schema={
                "person_id": pl.Int64,
                "region_id": pl.Utf8,
                "kind": pl.Utf8,
                "date": pl.Date,
                "urban": pl.Boolean,
                "form": pl.Utf8,
                "employer_name": pl.Utf8,
                "employer_credit_code": pl.Utf8,
                "reason": pl.Utf8,
                "ended_on": pl.Date,
                "end_reason": pl.Utf8,
                "note": pl.Utf8,
                "recorded_by_id": pl.Int64,
                "recorded_at": pl.Utf8,
            },
        )
        insert_frame(Registration._meta.db_table, frame)
    by_end: dict[tuple[date, str], list[int]] = defaultdict(list)
    for pk, end in ended.items():
        by_end[end].append(pk)
    for (day, reason), ids in by_end.items():  # one statement per day and reason the batch names
        Registration.objects.filter(Q(pk__any=ids), ended_on__isnull=True).update(ended_on=day, end_reason=reason)


REGISTRATIONS = ImportKind(
    code="registry.registrations",
    title=gettext_lazy("就业失业登记"),
    perm=Perm.EDIT_BUSINESS_DATA,
    columns=COLUMNS,
    prepare=prepare,
    validate=validate,
    commit=commit,
    description=gettext_lazy(
        "就业登记、失业登记和失业登记注销，每行一项；人员须已在台账中。城镇新增就业和登记失业人数由此计算。"
    ),
    notes=NOTES,
    uses_as_of=False,
    order=20,
)
