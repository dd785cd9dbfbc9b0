"""The labour-force ledger import (劳动力信息采集表, IMPORT-TEMPLATES §1).

Two passes over the file, streaming:
1. a light pass for what spans rows: duplicate ID numbers and heads per household;
2. batches of rows: column-wise validation with polars (every rule over the whole batch at
   once, errors keyed by source row number), then one transaction per batch that writes through
   bulk operations and records the batch in the audit log.

Every input row ends created, updated, unchanged or rejected (with row, column, value, reason).
A person is found again by the keyed hash of the ID number, so re-importing changes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.bulk import db_date, db_datetime, insert_many, lookup_batch_size
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.crypto import encrypt
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.scoping import write_prefix
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import FULLWIDTH_FROM, FULLWIDTH_TO, Table, TableError, parse_date, read_table, to_halfwidth
from jiuye.regions.models import Region
from jiuye.registry import services
from jiuye.registry.choices import (
    STATUS_PLACE,
    Education,
    EmploymentStatus,
    Gender,
    KeyGroup,
    LaborAbility,
    PersonState,
    Relation,
    Source,
)
from jiuye.registry.models import EmploymentSpell, Household, Person, PersonGroup
from jiuye.registry.pinyin import name_pinyin

# (header, key, required) in template order.
COLUMNS: list[tuple[str, str, bool]] = [
    ("村(社区)代码", "village", True),
    ("户编号", "household", True),
    ("姓名", "name", True),
    ("公民身份号码", "id_number", True),
    ("与户主关系", "relation", True),
    ("劳动能力", "ability", True),
    ("就业意愿", "willing", True),
    ("就业状态", "status", True),
    ("性别", "gender", False),
    ("出生日期", "birth", False),
    ("联系电话", "phone", False),
    ("文化程度", "education", False),
    ("人员类别", "groups", False),
    ("就业单位", "employer", False),
    ("统一社会信用代码", "credit_code", False),
    ("就业地点", "location", False),
    ("月收入(元)", "income", False),
    ("就业开始日期", "start", False),
    ("备注", "note", False),
]
HEADERS = [h for h, _k, _r in COLUMNS]
REQUIRED = [h for h, _k, r in COLUMNS if r]
KEY_TO_HEADER = {k: h for h, k, _r in COLUMNS}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GROUP_SPLIT = re.compile(r"[、,，;；/]+")


def _labels(choices: Any) -> dict[str, str]:
    """Chinese label → stored value, whatever the active language."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices.choices}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    source_rows: dict[int, list[str]] = field(default_factory=dict)  # the rejected rows, as read
    columns: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    def merge(self, other: ImportResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)
        self.rejected_rows |= other.rejected_rows
        self.source_rows.update(other.source_rows)

    def reject(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row, column, value, reason))
        self.rejected_rows.add(row)


@dataclass(frozen=True)
class Context:
    user: Any
    as_of: date
    today: date
    prefix: str
    villages: dict[str, bool]  # village code → inside the importer's write scope
    levels: dict[str, str]  # every known code → level
    relation: dict[str, str]
    ability: dict[str, str]
    status: dict[str, str]
    education: dict[str, str]
    gender: dict[str, str]
    groups: dict[str, str]


def _context(user: Any, as_of: date) -> Context:
    prefix = write_prefix(user)
    if prefix is None:
        raise TableError(_("您的角色不能导入台账。"))
    levels = dict(Region.objects.values_list("code", "level"))
    villages = {code: code.startswith(prefix) for code, level in levels.items() if level == "village"}
    return Context(
        user=user,
        as_of=as_of,
        today=timezone.localdate(),
        prefix=prefix,
        villages=villages,
        levels=levels,
        relation=_labels(Relation),
        ability=_labels(LaborAbility),
        status=_labels(EmploymentStatus),
        education=_labels(Education),
        gender=_labels(Gender),
        groups=_labels(KeyGroup),
    )


def _open(path: Path) -> Table:
    return read_table(path, known_headers=HEADERS, required=REQUIRED)


def run_import(
    path: Path | str,
    *,
    user: Any,
    as_of: date,
    dry_run: bool = False,
    batch_size: int = 5000,
    start_after_row: int = 0,
    on_batch: Callable[[int, ImportResult], None] | None = None,
) -> ImportResult:
    """Import a ledger file; raises TableError when the file as a whole is unusable.

    Rows are committed in batches. ``on_batch(last_row, batch_result)`` runs inside each batch's
    transaction, so whatever it records (a checkpoint, the batch's errors) commits with the rows.
    ``start_after_row`` resumes an interrupted import: rows up to it are skipped.
    """
    path = Path(path)
    ctx = _context(user, as_of)
    result = ImportResult()
    first_seen, heads = _first_pass(_open(path))
    table = _open(path)
    result.columns = table.columns
    unknown = [c[1:] for c in table.columns if c.startswith("?")]
    if unknown:
        result.warnings.append(_("以下列不是模板中的列，已忽略：%(columns)s") % {"columns": "、".join(unknown)})
    index = {name: i for i, name in enumerate(table.columns) if not name.startswith("?")}
    for batch in _batches(table.rows, batch_size):
        result.rows_read += len(batch)
        batch = [row for row in batch if row[0] > start_after_row]
        if not batch:
            continue
        part = ImportResult(columns=table.columns)
        frame = _frame(batch, index)
        accepted = _validate(frame, batch, ctx, part, first_seen, heads, index.get("公民身份号码"))
        for number, cells, _numeric in batch:
            if number in part.rejected_rows:
                part.source_rows[number] = cells
        _commit_with_retry(accepted, ctx, part, batch, dry_run=dry_run, on_batch=on_batch)
        result.merge(part)
    return result


def _batches(
    rows: Iterator[tuple[int, list[str], set[int]]], size: int
) -> Iterator[list[tuple[int, list[str], set[int]]]]:
    batch: list[tuple[int, list[str], set[int]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _clean(text: str) -> str:
    return to_halfwidth(text).strip()


def _first_pass(table: Table) -> tuple[dict[str, int], dict[tuple[str, str], list[int]]]:
    """The first row of each ID number, and the rows naming a head, per household."""
    id_index = table.columns.index("公民身份号码")
    village_index = table.columns.index("村(社区)代码")
    household_index = table.columns.index("户编号")
    relation_index = table.columns.index("与户主关系")
    first_seen: dict[str, int] = {}
    heads: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, cells, _numeric in table.rows:
        cells = cells + [""] * (len(table.columns) - len(cells))
        key = _clean(cells[id_index]).upper()
        if key and key not in first_seen:
            first_seen[key] = number
        household = (_clean(cells[village_index]), _clean(cells[household_index]))
        if _clean(cells[relation_index]) == "户主":
            heads[household].append(number)
        else:
            heads.setdefault(household, [])
    return first_seen, dict(heads)


def _frame(batch: list[tuple[int, list[str], set[int]]], index: dict[str, int]) -> pl.DataFrame:
    data: dict[str, list[Any]] = {"__row": [n for n, _c, _x in batch]}
    for header, key, _required in COLUMNS:
        i = index.get(header)
        data[key] = [(cells[i] if i is not None and i < len(cells) else "") for _n, cells, _x in batch]
    frame = pl.DataFrame(data, schema={"__row": pl.Int64, **{k: pl.Utf8 for _h, k, _r in COLUMNS}})
    return frame.with_columns(
        pl.col(k).str.replace_many(FULLWIDTH_FROM, FULLWIDTH_TO).str.strip_chars() for _h, k, _r in COLUMNS
    ).with_columns(pl.col("id_number").str.to_uppercase())


def _flag(frame: pl.DataFrame, result: ImportResult, key: str, bad: pl.Expr, reason: str) -> None:
    for row, value in frame.filter(bad).select("__row", key).iter_rows():
        result.reject(row, KEY_TO_HEADER[key], value or "", reason)


def _validate(
    frame: pl.DataFrame,
    batch: list[tuple[int, list[str], set[int]]],
    ctx: Context,
    result: ImportResult,
    first_seen: dict[str, int],
    heads: dict[tuple[str, str], list[int]],
    id_column: int | None,
) -> list[dict[str, Any]]:
    """Every rule over the whole batch; returns the accepted rows as dicts of typed values."""
    col = pl.col
    empty = {key: col(key) == "" for _h, key, _r in COLUMNS}
    for header, key, required in COLUMNS:
        if required:
            _flag(frame, result, key, empty[key], _("“%(column)s”为必填项。") % {"column": header})

    # 村(社区)代码: a known village inside the importer's scope.
    village = col("village")
    known_level = village.replace_strict(list(ctx.levels), list(ctx.levels.values()), default=None)
    in_scope = village.replace_strict(list(ctx.villages), list(ctx.villages.values()), default=None)
    _flag(frame, result, "village", ~empty["village"] & known_level.is_null(), _("系统中没有这个村(社区)代码。"))
    _flag(
        frame,
        result,
        "village",
        known_level.is_not_null() & (known_level != "village"),
        _("这是乡镇或更高一级的代码，请填写村(社区)的12位代码。"),
    )
    _flag(frame, result, "village", in_scope.eq(False), _("该村(社区)不在您的管辖范围内。"))
    _flag(frame, result, "household", col("household").str.len_chars() > 40, _("户编号过长（最多40个字符）。"))
    _flag(frame, result, "name", col("name").str.len_chars() > 30, _("姓名过长（最多30个字）。"))

    # 公民身份号码 (GB 11643), checked column-wise.
    idc = col("id_number")
    digits = [idc.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    checksum = pl.sum_horizontal(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    expected = checksum.replace_strict(list(range(11)), list("10X98765432"), default=None, return_dtype=pl.Utf8)
    birth = idc.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    shape_ok = idc.str.contains(r"^\d{17}[0-9X]$")
    frame = frame.with_columns(
        __birth=pl.when(shape_ok).then(birth).otherwise(None),
        __id_ok=shape_ok & (expected == idc.str.slice(17, 1)),
    )
    id_reasons = [
        (idc.str.contains(r"^\d{15}$"), _("15位旧身份证号码不再受理，请填写18位公民身份号码。")),
        (
            ~empty["id_number"] & ~idc.str.contains(r"^\d{15}$") & (idc.str.len_chars() != 18),
            _("公民身份号码应为18位。"),
        ),
        ((idc.str.len_chars() == 18) & ~shape_ok, _("公民身份号码只能由数字组成，最后一位可以是X。")),
        (
            shape_ok & (col("__birth").is_null() | (col("__birth") < date(1900, 1, 1)) | (col("__birth") > ctx.today)),
            _("公民身份号码中的出生日期无效。"),
        ),
        (shape_ok & col("__birth").is_not_null() & ~col("__id_ok"), _("公民身份号码校验位错误，请核对。")),
    ]
    # Excel kept some IDs as numbers: their last digits are gone; say so instead of "wrong length".
    numeric_rows = [n for n, _cells, numeric in batch if id_column is not None and id_column in numeric]
    as_number = col("__row").is_in(numeric_rows)
    _flag(
        frame,
        result,
        "id_number",
        as_number,
        _("公民身份号码被 Excel 存成了数字，末几位已经丢失；请把该列设为文本格式后重新填写。"),
    )
    for bad, reason in id_reasons:
        _flag(frame, result, "id_number", bad & ~as_number, reason)

    # Enumerations.
    enum_rules = [
        ("relation", ctx.relation, "户主、配偶、子女、父母、孙子女、兄弟姐妹、其他"),
        ("ability", ctx.ability, "、".join(ctx.ability)),
        ("status", ctx.status, "、".join(ctx.status)),
        ("education", ctx.education, "、".join(ctx.education)),
        ("gender", ctx.gender, "男、女"),
    ]
    mapped: dict[str, pl.Expr] = {}
    for key, labels, allowed in enum_rules:
        mapped[key] = col(key).replace_strict(list(labels), list(labels.values()), default=None)
        _flag(
            frame,
            result,
            key,
            ~empty[key] & mapped[key].is_null(),
            _("不是有效选项，应为：%(allowed)s。") % {"allowed": allowed},
        )
    willing = col("willing").replace_strict(["是", "否"], [True, False], default=None, return_dtype=pl.Boolean)
    _flag(frame, result, "willing", ~empty["willing"] & willing.is_null(), _("就业意愿应为“是”或“否”。"))
    derived_gender = (
        pl.when(idc.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1).then(pl.lit("M")).otherwise(pl.lit("F"))
    )
    _flag(
        frame,
        result,
        "gender",
        mapped["gender"].is_not_null() & col("__id_ok") & (mapped["gender"] != derived_gender),
        _("性别与公民身份号码不一致。"),
    )
    phone_ok = col("phone").str.contains(r"^1\d{10}$") | col("phone").str.contains(r"^0\d{2,3}-?\d{7,8}$")
    _flag(
        frame, result, "phone", ~empty["phone"] & ~phone_ok, _("联系电话应为以1开头的11位手机号，或带区号的固定电话。")
    )
    _flag(
        frame,
        result,
        "income",
        ~empty["income"] & ~col("income").str.contains(r"^\d{1,9}(\.\d{1,2})?$"),
        _("月收入应为不小于0的数，最多两位小数。"),
    )

    rows = frame.with_columns(
        __relation=mapped["relation"],
        __ability=mapped["ability"],
        __status=mapped["status"],
        __education=mapped["education"],
        __willing=willing,
    ).to_dicts()
    # The per-row rules that remain (dates, groups, credit codes, duplicates, households).
    accepted: list[dict[str, Any]] = []
    for row in rows:
        number = row["__row"]
        _row_rules(row, ctx, result, first_seen, heads)
        if number not in result.rejected_rows:
            accepted.append(row)
    return accepted


def _row_rules(
    row: dict[str, Any],
    ctx: Context,
    result: ImportResult,
    first_seen: dict[str, int],
    heads: dict[tuple[str, str], list[int]],
) -> None:
    number = row["__row"]
    if row["birth"]:
        given = parse_date(row["birth"])
        if given is None:
            result.reject(number, "出生日期", row["birth"], _("出生日期无法识别，请写成 2026-03-01 这样的日期。"))
        elif row["__birth"] is not None and given != row["__birth"]:
            result.reject(number, "出生日期", row["birth"], _("出生日期与公民身份号码不一致。"))
    start = ctx.as_of
    if row["start"]:
        parsed = parse_date(row["start"])
        if parsed is None:
            result.reject(
                number, "就业开始日期", row["start"], _("就业开始日期无法识别，请写成 2026-03-01 这样的日期。")
            )
        elif parsed > ctx.today:
            result.reject(number, "就业开始日期", row["start"], _("就业开始日期不能晚于今天。"))
        else:
            start = parsed
    row["__start"] = start
    groups: list[str] = []
    if row["groups"]:
        for part in _GROUP_SPLIT.split(row["groups"]):
            part = part.strip()
            if not part:
                continue
            if part not in ctx.groups:
                result.reject(
                    number,
                    "人员类别",
                    row["groups"],
                    _("人员类别“%(value)s”不是有效选项，应为：%(allowed)s。")
                    % {"value": part, "allowed": "、".join(ctx.groups)},
                )
            else:
                groups.append(ctx.groups[part])
    row["__groups"] = tuple(sorted(set(groups)))
    if row["credit_code"] and not is_valid_credit_code(row["credit_code"]):
        result.reject(
            number, "统一社会信用代码", row["credit_code"], _("统一社会信用代码无效（GB 32100 校验不通过）。")
        )
    first = first_seen.get(row["id_number"])
    if row["id_number"] and first is not None and first != number:
        result.reject(number, "公民身份号码", row["id_number"], _("与第%(row)d行的公民身份号码重复。") % {"row": first})
    head_rows = heads.get((row["village"], row["household"]), [])
    if len(head_rows) > 1:
        result.reject(
            number,
            "与户主关系",
            row["relation"],
            _("同一户（户编号 %(household)s）有%(n)d位户主：第%(rows)s行。")
            % {"household": row["household"], "n": len(head_rows), "rows": "、".join(str(r) for r in head_rows)},
        )
    row["__household_has_head_in_file"] = bool(head_rows)
    row["__income"] = (
        int(Decimal(row["income"]) * 100) if row["income"] and number not in result.rejected_rows else None
    )


# --- writing ----------------------------------------------------------------------------------


def _commit_with_retry(
    rows: list[dict[str, Any]],
    ctx: Context,
    part: ImportResult,
    batch: list[tuple[int, list[str], set[int]]],
    *,
    dry_run: bool,
    on_batch: Callable[[int, ImportResult], None] | None,
) -> None:
    for attempt in range(3):
        try:
            _commit(rows, ctx, part, batch, dry_run=dry_run, on_batch=on_batch)
            return
        except IntegrityError:
            # Another import created the same person or household meanwhile: read again and retry.
            if attempt == 2:
                raise


class _DryRun(Exception):
    pass


def _commit(
    rows: list[dict[str, Any]],
    ctx: Context,
    part: ImportResult,
    batch: list[tuple[int, list[str], set[int]]],
    *,
    dry_run: bool,
    on_batch: Callable[[int, ImportResult], None] | None,
) -> None:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    rejected: list[RowError] = []
    outcome = ImportResult(columns=part.columns)
    try:
        with transaction.atomic():
            _write(rows, ctx, counts, rejected)
            outcome.created, outcome.updated, outcome.unchanged = (
                counts["created"],
                counts["updated"],
                counts["unchanged"],
            )
            outcome.errors = [*part.errors, *rejected]
            outcome.rejected_rows = part.rejected_rows | {e.row for e in rejected}
            cells = {n: c for n, c, _x in batch}
            outcome.source_rows = {n: cells[n] for n in outcome.rejected_rows}
            if on_batch is not None and not dry_run:
                on_batch(batch[-1][0], outcome)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    part.created, part.updated, part.unchanged = outcome.created, outcome.updated, outcome.unchanged
    part.errors, part.rejected_rows, part.source_rows = outcome.errors, outcome.rejected_rows, outcome.source_rows


def _write(rows: list[dict[str, Any]], ctx: Context, counts: dict[str, int], rejected: list[RowError]) -> None:
    if not rows:
        return
    for row in rows:
        row["__hash"] = services.id_hash(row["id_number"])
    existing = _existing_persons([r["__hash"] for r in rows])
    known = _existing_households(rows)
    heads_in_db = dict(
        Person.objects.filter(
            household_id__in=[h.pk for h in known.values()], relation=Relation.HEAD, state=PersonState.ACTIVE
        ).values_list("household_id", "id_hash")
    )
    kept = []
    for row in rows:
        household = known.get((row["village"], row["household"]))
        if household is None and not row["__household_has_head_in_file"]:
            rejected.append(
                RowError(
                    row["__row"],
                    "与户主关系",
                    row["relation"],
                    _("该户在系统中不存在，文件中也没有户主；每户必须有一位户主。"),
                )
            )
        elif (
            household is not None
            and row["__relation"] == Relation.HEAD
            and heads_in_db.get(household.pk, row["__hash"]) != row["__hash"]
        ):
            rejected.append(
                RowError(
                    row["__row"],
                    "与户主关系",
                    row["relation"],
                    _("该户在系统中已有户主；如需更换户主，请先修改原户主的与户主关系。"),
                )
            )
        else:
            kept.append(row)
    rows = kept
    households = _create_missing_households(rows, known)
    open_spells = {
        s.person_id: s
        for s in EmploymentSpell.objects.filter(person_id__in=[p.pk for p in existing.values()], end__isnull=True)
    }
    groups_of: dict[int, set[str]] = defaultdict(set)
    for person_id, group in PersonGroup.objects.filter(person_id__in=[p.pk for p in existing.values()]).values_list(
        "person_id", "group"
    ):
        groups_of[person_id].add(group)

    new_persons: list[tuple[Any, ...]] = []
    new_groups: list[tuple[str | int, tuple[str, ...]]] = []
    new_spells: list[tuple[str | int, dict[str, Any]]] = []
    changed_persons: list[Person] = []
    spell_updates: list[EmploymentSpell] = []
    spell_closes: list[EmploymentSpell] = []
    group_replacements: dict[int, tuple[str, ...]] = {}
    touched: set[int] = set()
    audit_created: list[int] = []
    audit_updated: list[int] = []
    now = timezone.now()
    db_now = db_datetime(now)
    adapted: dict[date, Any] = {}

    def db_day(day: date) -> Any:
        if day not in adapted:
            adapted[day] = db_date(day)
        return adapted[day]

    for row in rows:
        household = households[(row["village"], row["household"])]
        spell_fields = {
            "status": row["__status"],
            "place": STATUS_PLACE.get(row["__status"], ""),
            "location": row["location"],
            "employer_name": row["employer"],
            "employer_credit_code": row["credit_code"],
            "monthly_income": row["__income"],
        }
        wanted = {
            "household_id": household.pk,
            "region_id": household.region_id,
            "relation": row["__relation"],
            "name": row["name"],
            "labor_ability": row["__ability"],
            "willing": row["__willing"],
            "education": row["__education"] or "",
            # Compared by keyed hash: the stored phone is never decrypted for the comparison.
            "phone_hash": services.phone_hash(row["phone"]) if row["phone"] else "",
            "note": row["note"],
        }
        person = existing.get(row["__hash"])
        if person is None:
            phone = row["phone"]
            new_persons.append(
                (
                    household.pk,
                    household.region_id,
                    row["__relation"],
                    row["name"],
                    name_pinyin(row["name"]),
                    encrypt(row["id_number"], purpose=services.ID_PURPOSE),
                    row["__hash"],
                    mask_id_number(row["id_number"]),
                    "M" if int(row["id_number"][16]) % 2 else "F",
                    db_day(row["__birth"]),
                    encrypt(phone, purpose=services.PHONE_PURPOSE) if phone else "",
                    services.phone_hash(phone) if phone else "",
                    mask_phone(phone) if phone else "",
                    row["__education"] or "",
                    row["__ability"],
                    row["__willing"],
                    row["__status"],
                    db_day(row["__start"]),
                    PersonState.ACTIVE,
                    row["note"],
                    1,
                    db_now,
                    db_now,
                )
            )
            new_groups.append((row["__hash"], row["__groups"]))
            new_spells.append((row["__hash"], {**spell_fields, "start": row["__start"]}))
            touched.add(household.pk)
            continue
        if not person.region_id.startswith(ctx.prefix):
            rejected.append(
                RowError(
                    row["__row"],
                    "公民身份号码",
                    row["id_number"],
                    _("此人已在其他地区的台账中登记，需由原登记地办理迁移。"),
                )
            )
            continue
        changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        spell = open_spells.get(person.pk)
        status_changed = person.status != row["__status"]
        if status_changed and spell is not None and row["__start"] < spell.start:
            rejected.append(
                RowError(
                    row["__row"],
                    "就业开始日期",
                    row["start"] or ctx.as_of.isoformat(),
                    _("就业开始日期早于系统中现有状态的开始日期（%(date)s）。") % {"date": spell.start.isoformat()},
                )
            )
            continue
        spell_changed = False
        if status_changed:
            if spell is not None and row["__start"] == spell.start:
                for k, v in spell_fields.items():
                    setattr(spell, k, v)
                spell.source = Source.IMPORT
                spell_updates.append(spell)
            else:
                if spell is not None:
                    spell.end = row["__start"] - timedelta(days=1)
                    spell_closes.append(spell)
                new_spells.append((person.pk, {**spell_fields, "start": row["__start"]}))
            person.status, person.status_since = row["__status"], row["__start"]
            changed["status"] = row["__status"]
        elif spell is not None and any(
            getattr(spell, k) != v for k, v in spell_fields.items() if k not in ("status", "place")
        ):
            for k, v in spell_fields.items():
                setattr(spell, k, v)
            spell_updates.append(spell)
            spell_changed = True
        groups_changed = set(row["__groups"]) != groups_of.get(person.pk, set())
        if not changed and not spell_changed and not groups_changed:
            counts["unchanged"] += 1
            continue
        old_household = person.household_id
        for k, v in changed.items():
            setattr(person, k, v)
        if "name" in changed:
            person.name_pinyin = name_pinyin(person.name)
        # Equal hashes mean an equal phone, so the row's phone is the one to keep either way.
        person.phone = row["phone"]
        person.phone_masked = mask_phone(row["phone"]) if row["phone"] else ""
        person.version += 1
        person.updated_at = now
        changed_persons.append(person)
        if groups_changed:
            group_replacements[person.pk] = row["__groups"]
        touched.update({old_household, household.pk})
        counts["updated"] += 1
        audit_updated.append(person.pk)

    insert_many(Person._meta.db_table, _PERSON_COLUMNS, new_persons)
    new_ids = _ids_by_hash([p[6] for p in new_persons])
    audit_created.extend(new_ids.values())
    counts["created"] += len(new_persons)
    if changed_persons:
        Person.objects.bulk_update(
            changed_persons,
            [
                "household",
                "region",
                "relation",
                "name",
                "name_pinyin",
                "labor_ability",
                "willing",
                "education",
                "phone",
                "phone_hash",
                "phone_masked",
                "note",
                "status",
                "status_since",
                "version",
                "updated_at",
            ],
            batch_size=1000,
        )
    if spell_closes:
        EmploymentSpell.objects.bulk_update(spell_closes, ["end"], batch_size=1000)
    if spell_updates:
        EmploymentSpell.objects.bulk_update(
            spell_updates,
            ["status", "place", "location", "employer_name", "employer_credit_code", "monthly_income", "source"],
            batch_size=1000,
        )
    recorder = ctx.user.pk if getattr(ctx.user, "is_authenticated", False) else None
    insert_many(
        EmploymentSpell._meta.db_table,
        _SPELL_COLUMNS,
        [
            (
                new_ids.get(key, key) if isinstance(key, str) else key,
                f["status"],
                f["place"],
                f["location"],
                f["employer_name"],
                f["employer_credit_code"],
                f["monthly_income"],
                db_day(f["start"]),
                Source.IMPORT,
                recorder,
                db_now,
            )
            for key, f in new_spells
        ],
    )
    if group_replacements:
        PersonGroup.objects.filter(person_id__in=list(group_replacements)).delete()
    insert_many(
        PersonGroup._meta.db_table,
        ["person_id", "group"],
        [(new_ids[str(key)], g) for key, groups in new_groups for g in groups]
        + [(pid, g) for pid, groups in group_replacements.items() for g in groups],
    )
    if touched:
        services.households_refresh(household_ids=touched, on=ctx.as_of)
    if new_spells or audit_updated:
        starts = [f["start"] for _key, f in new_spells] + ([ctx.as_of] if audit_updated else [])
        notify_records_changed(Person, since=min(starts))
    if audit_created or audit_updated:
        audit_record(
            action="registry.import_batch",
            actor=ctx.user,
            object_type="registry.person",
            region_code=ctx.prefix.ljust(12, "0") if len(ctx.prefix) < 12 else ctx.prefix,
            after={
                "created": len(audit_created),
                "updated": len(audit_updated),
                "person_ids": ",".join(str(i) for i in audit_created + audit_updated)[:20000],
            },
        )


_PERSON_COLUMNS = [
    "household_id",
    "region_id",
    "relation",
    "name",
    "name_pinyin",
    "id_number",
    "id_hash",
    "id_masked",
    "gender",
    "birth_date",
    "phone",
    "phone_hash",
    "phone_masked",
    "education",
    "labor_ability",
    "willing",
    "status",
    "status_since",
    "state",
    "note",
    "version",
    "created_at",
    "updated_at",
]
_SPELL_COLUMNS = [
    "person_id",
    "status",
    "place",
    "location",
    "employer_name",
    "employer_credit_code",
    "monthly_income",
    "start",
    "source",
    "recorded_by_id",
    "recorded_at",
]


def _ids_by_hash(hashes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    step = lookup_batch_size()
    for start in range(0, len(hashes), step):
        ids.update(Person.objects.filter(id_hash__any=hashes[start : start + step]).values_list("id_hash", "pk"))
    return ids


def _existing_persons(hashes: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    step = lookup_batch_size()
    for start in range(0, len(hashes), step):
        chunk = hashes[start : start + step]
        for person in Person.objects.filter(id_hash__any=chunk).defer("id_number", "phone"):
            found[person.id_hash] = person
    return found


def _existing_households(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Household]:
    keys = sorted({Household.make_key(r["village"], r["household"]) for r in rows})
    found: dict[tuple[str, str], Household] = {}
    step = lookup_batch_size()
    for start in range(0, len(keys), step):
        for h in Household.objects.filter(key__any=keys[start : start + step]):
            found[(h.region_id, h.number)] = h
    return found


def _create_missing_households(
    rows: list[dict[str, Any]], known: dict[tuple[str, str], Household]
) -> dict[tuple[str, str], Household]:
    keys = {(r["village"], r["household"]) for r in rows} - set(known)
    if not keys:
        return known
    now = db_datetime(timezone.now())
    insert_many(
        Household._meta.db_table,
        ["region_id", "number", "key", "relocation_site", "zero_employment", "has_labor", "updated_at"],
        [(v, n, Household.make_key(v, n), "", False, False, now) for v, n in sorted(keys)],
    )
    return {**known, **_existing_households([{"village": v, "household": n} for v, n in keys])}
