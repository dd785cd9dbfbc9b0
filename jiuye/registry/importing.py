"""The labour-force ledger import (劳动力信息采集表, IMPORT-TEMPLATES §1).

Columnar end to end, streaming, in batches:
1. a first pass over four columns for what spans rows: the first row of each ID number and the
   rows naming a head, per household (two small polars frames);
2. each batch becomes a polars frame and every rule runs over the whole batch at once: expressions
   and joins, and where a rule is not an expression (dates as the field writes them, key-group
   lists, credit codes) a Python check per *distinct* value; errors are keyed by source row;
3. one transaction per batch: persons already in the registry are found by keyed hash in one
   query and compared column by column, so unchanged rows cost nothing more; new persons are
   hashed and encrypted in tight loops, their ids drawn before writing, and persons, status spells
   and key groups written straight from frames (``COPY`` on PostgreSQL, ``executemany`` on
   SQLite); the few changed persons go through a per-row path; the households touched are
   refreshed by four set-based statements; one audit row per batch.

Every input row ends created, updated, unchanged or rejected (with row, column, value, reason).
A person is found again by the keyed hash of the ID number, so re-importing changes nothing.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import polars as pl
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiuye.core import db
from jiuye.core.audit import audit_record
from jiuye.core.bulk import allocate_ids, db_datetime, fetch_frame, insert_frame, insert_many, is_one_of
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.crypto import encrypt_many
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.money import yuan_expr
from jiuye.core.permissions import can_view_sensitive
from jiuye.core.scoping import write_prefix
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import Table, TableError, parse_date, read_table
from jiuye.core.text import FULLWIDTH_FROM, FULLWIDTH_TO, PHONE_PATTERN, values_by_label
from jiuye.regions.models import Region
from jiuye.registry import actions, idcard, services
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
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
    # Added after the first release of the template (the contract grows only by adding): a
    # household's resettlement site, on any of its rows; rows of one household must agree.
    ("易地搬迁安置点", "site", False),
]
HEADERS = [h for h, _k, _r in COLUMNS]
REQUIRED = [h for h, _k, r in COLUMNS if r]
KEY_TO_HEADER = {k: h for h, k, _r in COLUMNS}
_GROUP_SPLIT = re.compile(r"[、,，;；/]+")


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
    # The uploader holds the security label: without it the sensitive key groups are neither set
    # by the file nor compared or removed (those stored are kept as they are).
    sensitive: bool = True


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
        relation=values_by_label(Relation),
        ability=values_by_label(LaborAbility),
        status=values_by_label(EmploymentStatus),
        education=values_by_label(Education),
        gender=values_by_label(Gender),
        groups=values_by_label(KeyGroup),
        sensitive=can_view_sensitive(user),
    )


def _open(path: Path) -> Table:
    return read_table(path, known_headers=HEADERS, required=REQUIRED)


Row = tuple[int, list[str], set[int]]  # (source row number, cells, indexes of cells Excel kept as numbers)
_KEYS = [k for _h, k, _r in COLUMNS]
_TEXT = pl.Utf8


@dataclass(frozen=True)
class _Spans:
    """What the first pass learns about the whole file."""

    first_seen: pl.DataFrame  # id_number → __first (the first row carrying it)
    # (village, household) → __heads (the rows naming a head, sorted), __sites (relocation sites named)
    heads: pl.DataFrame


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
    with large_page_cache(), _without_cycle_collection():
        return _run(path, ctx, dry_run, batch_size, start_after_row, on_batch)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while the import runs: a batch is tens of thousands
    of short-lived lists and strings (freed by reference counting; the import makes no cycles),
    and each full collection walks every live object again: 40 % of the first pass's time at 50,000
    rows. One collection at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


@contextmanager
def large_page_cache(mebibytes: int = 128) -> Iterator[None]:
    """SQLite only: a larger page cache for this connection while the import runs. The keyed
    hashes are random keys, so every insert lands on another page of their indexes; with the
    default 2 MiB cache most of those pages are read again (inserting 50,000 persons beside 50,000:
    5.6 s with the default cache, 3.8 s with this one)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{mebibytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _run(
    path: Path,
    ctx: Context,
    dry_run: bool,
    batch_size: int,
    start_after_row: int,
    on_batch: Callable[[int, ImportResult], None] | None,
) -> ImportResult:
    result = ImportResult()
    spans = _first_pass(_open(path), ctx)
    table = _open(path)
    result.columns = table.columns
    unknown = [c[1:] for c in table.columns if c.startswith("?")]
    if unknown:
        result.warnings.append(_("以下列不是模板中的列，已忽略：%(columns)s") % {"columns": "、".join(unknown)})
    index = _column_index(table)

    def prepare(batch: list[Row]) -> tuple[list[Row], ImportResult, pl.DataFrame]:
        """Everything that needs no database: validation, hashes, ciphertexts, masks, pinyin."""
        part = ImportResult(columns=table.columns)
        accepted = _validate(_frame(batch, index), batch, ctx, part, spans, index.get("公民身份号码"))
        return batch, part, _sealed(accepted)

    for read, prepared in _ahead(_batches(table.rows, batch_size), start_after_row, prepare):
        result.rows_read += read
        if prepared is None:
            continue
        batch, part, accepted = prepared
        _commit_with_retry(accepted, ctx, part, batch, dry_run=dry_run, on_batch=on_batch)
        result.merge(part)
    return result


def _ahead(
    batches: Iterator[list[Row]], start_after_row: int, prepare: Callable[[list[Row]], Any]
) -> Iterator[tuple[int, Any]]:
    """(rows read, prepared batch or None when all its rows were done before) — the next batch is
    read and prepared in a worker thread while the caller writes the current one. The worker
    needs no database; the database waits release the interpreter lock, so the two overlap."""
    language = translation.get_language()

    def step() -> tuple[int, Any] | None:
        with translation.override(language):
            batch = next(batches, None)
            if batch is None:
                return None
            todo = [row for row in batch if row[0] > start_after_row]
            return len(batch), (prepare(todo) if todo else None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool:
        pending = pool.submit(step)
        while (item := pending.result()) is not None:
            pending = pool.submit(step)
            yield item


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _normalised(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Full-width characters to ASCII, surrounding blanks off; ID numbers in upper case."""
    return frame.with_columns(
        pl.col(k).str.replace_many(FULLWIDTH_FROM, FULLWIDTH_TO).str.strip_chars() for k in keys
    ).with_columns(pl.col("id_number").str.to_uppercase())


def _columns(batch: list[Row], wanted: dict[str, int | None]) -> dict[str, list[str]]:
    """The batch's cells as columns (key → texts), by one transposition of the padded rows."""
    width = max((i for i in wanted.values() if i is not None), default=-1) + 1
    padded = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for _n, cells, _x in batch]
    transposed = list(zip(*padded, strict=False)) if padded else []
    empty = [""] * len(batch)
    return {key: (list(transposed[i]) if i is not None and transposed else empty) for key, i in wanted.items()}


def _first_pass(table: Table, ctx: Context) -> _Spans:
    """The first row of each ID number; per household, the rows naming a head, whether exactly
    one of them passes validation, and the relocation sites named.

    The head rows are validated here too (by the rules of a single row), so that a household new
    to the registry whose head row is rejected does not come in headless with its other members."""
    wanted = {
        "id_number": "公民身份号码",
        "village": "村(社区)代码",
        "household": "户编号",
        "relation": "与户主关系",
        "site": "易地搬迁安置点",
    }
    where = {key: (table.columns.index(h) if h in table.columns else None) for key, h in wanted.items()}
    index = _column_index(table)
    parts, bad_heads = [], ImportResult()
    for chunk in _batches(table.rows, 50_000):
        part = pl.DataFrame(
            {"__row": [n for n, _c, _x in chunk], **_columns(chunk, dict(where))},
            schema={"__row": pl.Int64, **dict.fromkeys(where, _TEXT)},
        )
        parts.append(part)
        relation = part.get_column("relation").str.replace_many(FULLWIDTH_FROM, FULLWIDTH_TO).str.strip_chars()
        head_rows = [chunk[i] for i in (relation == "户主").arg_true().to_list()]
        if head_rows:
            _validate(_frame(head_rows, index), head_rows, ctx, bad_heads, _NO_SPANS, index.get("公民身份号码"))
    frame = _normalised(pl.concat(parts) if parts else _empty_first_pass(), list(where))
    first_seen = (
        frame.filter(pl.col("id_number") != "").group_by("id_number").agg(pl.col("__row").min().alias("__first"))
    )
    heads = frame.group_by("village", "household").agg(
        pl.col("__row").filter(pl.col("relation") == "户主").sort().alias("__heads"),
        pl.col("site").filter(pl.col("site") != "").unique().sort().alias("__sites"),
    )
    # A head row also falls to the rules that span rows: a repeated ID number, a second head,
    # a relocation site other than the one its household's other rows name.
    repeated = first_seen.join(frame, on="id_number").filter(pl.col("__row") != pl.col("__first"))
    conflicting = frame.join(
        heads.filter(pl.col("__sites").list.len() > 1).select("village", "household"), on=["village", "household"]
    ).filter(pl.col("site") != "")
    bad = (
        bad_heads.rejected_rows
        | set(repeated.get_column("__row").to_list())
        | set(conflicting.get_column("__row").to_list())
    )
    heads = heads.with_columns(
        __head_ok=(pl.col("__heads").list.len() == 1) & ~pl.col("__heads").list.first().is_in(sorted(bad))
    )
    return _Spans(first_seen=first_seen, heads=heads)


def _column_index(table: Table) -> dict[str, int]:
    """Template column → position in the file (columns not in the template left out)."""
    return {name: i for i, name in enumerate(table.columns) if not name.startswith("?")}


def _empty_first_pass() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"__row": pl.Int64, **dict.fromkeys(["id_number", "village", "household", "relation", "site"], _TEXT)}
    )


# Validating rows on their own, without what the whole file says (the first pass's head rows).
_NO_SPANS = _Spans(
    first_seen=pl.DataFrame(schema={"id_number": _TEXT, "__first": pl.Int64}),
    heads=pl.DataFrame(
        schema={
            "village": _TEXT,
            "household": _TEXT,
            "__heads": pl.List(pl.Int64),
            "__sites": pl.List(_TEXT),
            "__head_ok": pl.Boolean,
        }
    ),
)


def _frame(batch: list[Row], index: dict[str, int]) -> pl.DataFrame:
    data: dict[str, list[Any]] = {
        "__row": [n for n, _c, _x in batch],
        **_columns(batch, {key: index.get(header) for header, key, _r in COLUMNS}),
    }
    frame = pl.DataFrame(data, schema={"__row": pl.Int64, **dict.fromkeys(_KEYS, _TEXT)})
    return _normalised(frame, _KEYS)


def _apply(frame: pl.DataFrame, result: ImportResult, rules: list[tuple[str, pl.Expr, str]]) -> None:
    """Evaluate every rule over the batch in one pass; report each hit with its row and value."""
    masks = frame.select(
        "__row", *_KEYS, *(bad.fill_null(False).alias(f"__rule{i}") for i, (_k, bad, _r) in enumerate(rules))
    )
    hits = masks.filter(pl.any_horizontal(pl.col(f"__rule{i}") for i in range(len(rules))))
    if hits.is_empty():
        return
    for i, (key, _bad, reason) in enumerate(rules):
        for row, value in hits.filter(pl.col(f"__rule{i}")).select("__row", key).iter_rows():
            result.reject(row, KEY_TO_HEADER[key], value or "", reason)


def _lookup(key: str, mapping: dict[Any, Any], dtype: Any) -> pl.Expr:
    """``mapping[value]`` for a column, null where the value is not a key."""
    if not mapping:
        return pl.lit(None, dtype=dtype)
    return pl.col(key).replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=dtype)


def _per_value(frame: pl.DataFrame, key: str, check: Callable[[str], Any]) -> dict[str, Any]:
    """A rule that is not an expression, run once per distinct non-empty value of the batch."""
    return {value: check(value) for value in frame.get_column(key).unique().to_list() if value}


def _validate(
    frame: pl.DataFrame,
    batch: list[Row],
    ctx: Context,
    result: ImportResult,
    spans: _Spans,
    id_column: int | None,
) -> pl.DataFrame:
    """Every rule over the whole batch; returns the accepted rows with their typed values."""
    col = pl.col
    empty = {key: col(key) == "" for key in _KEYS}
    rules: list[tuple[str, pl.Expr, str]] = []

    def flag(key: str, bad: pl.Expr, reason: str) -> None:
        rules.append((key, bad, reason))

    for header, key, required in COLUMNS:
        if required:
            flag(key, empty[key], _("“%(column)s”为必填项。") % {"column": header})

    # 村(社区)代码: a known village inside the importer's scope.
    village = col("village")
    known_level = village.replace_strict(list(ctx.levels), list(ctx.levels.values()), default=None)
    in_scope = village.replace_strict(list(ctx.villages), list(ctx.villages.values()), default=None)
    flag("village", ~empty["village"] & known_level.is_null(), _("系统中没有这个村(社区)代码。"))
    flag(
        "village",
        known_level.is_not_null() & (known_level != "village"),
        _("这是乡镇或更高一级的代码，请填写村(社区)的12位代码。"),
    )
    flag("village", in_scope.eq(False), _("该村(社区)不在您的管辖范围内。"))
    flag("household", col("household").str.len_chars() > 40, _("户编号过长（最多40个字符）。"))
    flag("name", col("name").str.len_chars() > 30, _("姓名过长（最多30个字）。"))
    flag("site", col("site").str.len_chars() > 100, _("易地搬迁安置点名称过长（最多100个字）。"))

    # 公民身份号码 (GB 11643), checked column-wise.
    idc = col("id_number")
    digits = [idc.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    checksum = pl.sum_horizontal(d * w for d, w in zip(digits, idcard.WEIGHTS, strict=True)) % 11
    expected = checksum.replace_strict(
        list(range(11)), list(idcard.CHECK_CHARACTERS), default=None, return_dtype=pl.Utf8
    )
    birth = idc.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    shape_ok = idc.str.contains(r"^[0-9]{17}[0-9X]$")
    frame = frame.with_columns(
        __birth=pl.when(shape_ok).then(birth).otherwise(None),
        __id_ok=shape_ok & (expected == idc.str.slice(17, 1)),
    )
    id_reasons = [
        (idc.str.contains(r"^[0-9]{15}$"), _("15位旧身份证号码不再受理，请填写18位公民身份号码。")),
        (
            ~empty["id_number"] & ~idc.str.contains(r"^[0-9]{15}$") & (idc.str.len_chars() != 18),
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
    flag(
        "id_number",
        as_number,
        _("公民身份号码被 Excel 存成了数字，末几位已经丢失；请把该列设为文本格式后重新填写。"),
    )
    for bad, reason in id_reasons:
        flag("id_number", bad & ~as_number, reason)

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
        flag(
            key,
            ~empty[key] & mapped[key].is_null(),
            _("不是有效选项，应为：%(allowed)s。") % {"allowed": allowed},
        )
    willing = col("willing").replace_strict(["是", "否"], [True, False], default=None, return_dtype=pl.Boolean)
    flag("willing", ~empty["willing"] & willing.is_null(), _("就业意愿应为“是”或“否”。"))
    derived_gender = (
        pl.when(idc.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1).then(pl.lit("M")).otherwise(pl.lit("F"))
    )
    flag(
        "gender",
        mapped["gender"].is_not_null() & col("__id_ok") & (mapped["gender"] != derived_gender),
        _("性别与公民身份号码不一致。"),
    )
    phone_ok = col("phone").str.contains(f"^(?:{PHONE_PATTERN})$")
    flag("phone", ~empty["phone"] & ~phone_ok, _("联系电话应为以1开头的11位手机号，或带区号的固定电话。"))
    flag("income", ~empty["income"] & yuan_expr("income").is_null(), _("月收入应为不小于0的数，最多两位小数。"))

    # Dates as the field writes them (one parse per distinct text).
    given_birth = _lookup("birth", _per_value(frame, "birth", parse_date), pl.Date)
    flag(
        "birth",
        ~empty["birth"] & given_birth.is_null(),
        _("出生日期无法识别，请写成 2026-03-01 这样的日期。"),
    )
    flag(
        "birth",
        given_birth.is_not_null() & col("__birth").is_not_null() & (given_birth != col("__birth")),
        _("出生日期与公民身份号码不一致。"),
    )
    start = _lookup("start", _per_value(frame, "start", parse_date), pl.Date)
    flag(
        "start",
        ~empty["start"] & start.is_null(),
        _("就业开始日期无法识别，请写成 2026-03-01 这样的日期。"),
    )
    flag("start", start > ctx.today, _("就业开始日期不能晚于今天。"))

    # 人员类别: a list of labels; every unknown one is reported.
    split = _per_value(frame, "groups", lambda text: _split_groups(text, ctx.groups))
    for text, (_codes, unknown_parts) in split.items():
        for row in frame.filter(col("groups") == text).get_column("__row").to_list():
            for part in unknown_parts:
                result.reject(
                    row,
                    "人员类别",
                    text,
                    _("人员类别“%(value)s”不是有效选项，应为：%(allowed)s。")
                    % {"value": part, "allowed": "、".join(ctx.groups)},
                )
    if not ctx.sensitive:
        names = {code: label for label, code in ctx.groups.items()}
        for text, (codes, _bad) in split.items():
            barred = sorted(set(codes.split(",")) & SENSITIVE_GROUPS)
            for row in frame.filter(col("groups") == text).get_column("__row").to_list() if barred else ():
                result.reject(
                    row,
                    "人员类别",
                    text,
                    _("您没有查看敏感信息的授权，不能登记“%(value)s”；请由有授权的人员导入，或联系安全管理员。")
                    % {"value": "、".join(names[c] for c in barred)},
                )
    groups = _lookup("groups", {text: codes for text, (codes, _bad) in split.items()}, _TEXT).fill_null("")

    credit_ok = _lookup("credit_code", _per_value(frame, "credit_code", is_valid_credit_code), pl.Boolean)
    flag("credit_code", credit_ok.eq(False), _("统一社会信用代码无效（GB 32100 校验不通过）。"))

    _apply(frame, result, rules)

    # What spans rows: duplicates in the file, heads per household.
    frame = frame.join(spans.first_seen, on="id_number", how="left", maintain_order="left").join(
        spans.heads, on=["village", "household"], how="left", maintain_order="left"
    )
    duplicates = ~empty["id_number"] & col("__first").is_not_null() & (col("__first") != col("__row"))
    for row, value, first in frame.filter(duplicates).select("__row", "id_number", "__first").iter_rows():
        result.reject(row, "公民身份号码", value, _("与第%(row)d行的公民身份号码重复。") % {"row": first})
    head_count = col("__heads").list.len().fill_null(0)
    for row, value, household, head_rows in (
        frame.filter(head_count > 1).select("__row", "relation", "household", "__heads").iter_rows()
    ):
        result.reject(
            row,
            "与户主关系",
            value,
            _("同一户（户编号 %(household)s）有%(n)d位户主：第%(rows)s行。")
            % {"household": household, "n": len(head_rows), "rows": "、".join(str(r) for r in head_rows)},
        )

    site_count = col("__sites").list.len().fill_null(0)
    for row, value, household, sites in (
        frame.filter((site_count > 1) & ~empty["site"]).select("__row", "site", "household", "__sites").iter_rows()
    ):
        result.reject(
            row,
            "易地搬迁安置点",
            value,
            _("同一户（户编号 %(household)s）填写了不同的易地搬迁安置点：%(sites)s。")
            % {"household": household, "sites": "、".join(sites)},
        )

    return frame.filter(~col("__row").is_in(sorted(result.rejected_rows))).select(
        "__row",
        "village",
        "household",
        "name",
        "id_number",
        "relation",
        "phone",
        "note",
        "location",
        "employer",
        "credit_code",
        "start",
        "__birth",
        __relation=mapped["relation"],
        __ability=mapped["ability"],
        __status=mapped["status"],
        __education=mapped["education"].fill_null(""),
        __willing=willing,
        __gender=derived_gender,
        __start=start.fill_null(ctx.as_of),
        __groups=groups,
        __income=yuan_expr("income"),
        __household_has_head_in_file=head_count > 0,
        __household_head_ok=col("__head_ok").fill_null(False),
        # The household's site as the whole file names it (empty: the file does not say).
        __site=pl.when(site_count == 1).then(col("__sites").list.first()).otherwise(pl.lit("")),
    )


def _sealed(rows: pl.DataFrame) -> pl.DataFrame:
    """Keyed hashes for every accepted row (to find persons again), and what a new person needs
    written: the ciphertexts, masked forms and pinyin keys (computed for all rows, ahead of the
    database; a row that turns out to be a known person simply does not use them)."""
    numbers = rows.get_column("id_number").to_list()
    phones = rows.get_column("phone").to_list()
    present = [p for p in phones if p]
    sealed = iter(encrypt_many(present, purpose=services.PHONE_PURPOSE))
    digests = iter(services.phone_hashes(present))
    return rows.with_columns(
        __hash=pl.Series(services.id_hashes(numbers), dtype=_TEXT),
        __phone_hash=pl.Series([next(digests) if p else "" for p in phones], dtype=_TEXT),
        __id_sealed=pl.Series(encrypt_many(numbers, purpose=services.ID_PURPOSE), dtype=_TEXT),
        __id_masked=pl.Series([mask_id_number(n) for n in numbers], dtype=_TEXT),
        __phone_sealed=pl.Series([next(sealed) if p else "" for p in phones], dtype=_TEXT),
        __phone_masked=pl.Series([mask_phone(p) if p else "" for p in phones], dtype=_TEXT),
        __pinyin=pl.Series([name_pinyin(n) for n in rows.get_column("name").to_list()], dtype=_TEXT),
    )


def _split_groups(text: str, labels: dict[str, str]) -> tuple[str, list[str]]:
    """ "脱贫人口、残疾人" → ("disabled,poverty", []) — the codes sorted and joined, and the unknown labels."""
    codes: set[str] = set()
    unknown: list[str] = []
    for part in _GROUP_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        if part in labels:
            codes.add(labels[part])
        else:
            unknown.append(part)
    return ",".join(sorted(codes)), unknown


# --- writing ----------------------------------------------------------------------------------


def _commit_with_retry(
    rows: pl.DataFrame,
    ctx: Context,
    part: ImportResult,
    batch: list[Row],
    *,
    dry_run: bool,
    on_batch: Callable[[int, ImportResult], None] | None,
) -> None:
    for attempt in range(1, db.ATTEMPTS + 1):
        try:
            _commit(rows, ctx, part, batch, dry_run=dry_run, on_batch=on_batch)
            return
        except IntegrityError:
            # Another import created the same person or household meanwhile: read again and retry.
            if attempt == db.ATTEMPTS:
                raise
        except OperationalError as exc:
            # A deadlock with a clerk's write or another import (C-4): the batch again, from the start.
            if not db.is_conflict(exc) or attempt == db.ATTEMPTS:
                raise
            db.pause(attempt)


class _DryRun(Exception):
    pass


def _commit(
    rows: pl.DataFrame,
    ctx: Context,
    part: ImportResult,
    batch: list[Row],
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
            cells = {n: c for n, c, _x in batch if n in outcome.rejected_rows}
            outcome.source_rows = {n: cells[n] for n in outcome.rejected_rows}
            if on_batch is not None and not dry_run:
                on_batch(batch[-1][0], outcome)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    part.created, part.updated, part.unchanged = outcome.created, outcome.updated, outcome.unchanged
    part.errors, part.rejected_rows, part.source_rows = outcome.errors, outcome.rejected_rows, outcome.source_rows


def _reject_rows(rows: pl.DataFrame, bad: pl.Expr, column: str, key: str, reason: str, out: list[RowError]) -> None:
    for row, value in rows.filter(bad).select("__row", key).iter_rows():
        out.append(RowError(row, column, value or "", reason))


@dataclass
class _Written:
    """What a batch changed, for the household refresh, the statistics and the audit row."""

    households: set[int] = field(default_factory=set)
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    starts: list[date] = field(default_factory=list)
    sites: list[int] = field(default_factory=list)  # households given another relocation site


def _write(rows: pl.DataFrame, ctx: Context, counts: dict[str, int], rejected: list[RowError]) -> None:
    if rows.is_empty():
        return
    col = pl.col
    # Households: those already registered, and each one's active head.
    rows = rows.join(_households(rows), on=["village", "household"], how="left", maintain_order="left")
    rows = rows.join(_heads_in_db(rows), on="__hid", how="left", maintain_order="left")
    _reject_rows(
        rows,
        col("__hid").is_null() & ~col("__household_has_head_in_file"),
        "与户主关系",
        "relation",
        _("该户在系统中不存在，文件中也没有户主；每户必须有一位户主。"),
        rejected,
    )
    head_taken = (
        col("__hid").is_not_null()
        & (col("__relation") == Relation.HEAD)
        & col("__head_hash").is_not_null()
        & (col("__head_hash") != col("__hash"))
    )
    _reject_rows(
        rows,
        head_taken,
        "与户主关系",
        "relation",
        _("该户在系统中已有户主；如需更换户主，请先修改原户主的与户主关系。"),
        rejected,
    )
    held_back = _(
        "该户在系统中不存在，文件中本户的户主行未能导入（原因见户主行）；本行暂不导入，更正户主行后重新导入即可。"
    )
    head_rejected = col("__hid").is_null() & col("__household_has_head_in_file") & ~col("__household_head_ok")
    _reject_rows(rows, head_rejected, "与户主关系", "relation", held_back, rejected)
    rows = rows.filter(~(col("__hid").is_null() & ~col("__household_has_head_in_file")) & ~head_taken & ~head_rejected)

    # Persons already registered; those registered elsewhere are not this importer's to change.
    rows = rows.join(
        _existing_persons(rows.get_column("__hash").to_list()), on="__hash", how="left", maintain_order="left"
    )
    outside = col("__pid").is_not_null() & ~col("p_region").str.starts_with(ctx.prefix)
    _reject_rows(
        rows, outside, "公民身份号码", "id_number", _("此人已在其他地区的台账中登记，需由原登记地办理迁移。"), rejected
    )
    # A household new to the registry whose head was just turned away: its other rows wait with it.
    lost = rows.filter(outside & col("__hid").is_null() & (col("__relation") == Relation.HEAD))
    held = rows.join(lost.select("village", "household"), on=["village", "household"], how="semi")
    held_rows = col("__row").is_in(held.get_column("__row").to_list()) & ~outside
    _reject_rows(rows, held_rows, "与户主关系", "relation", held_back, rejected)
    rows = rows.filter(~outside & ~held_rows)
    if rows.is_empty():
        return
    if rows.get_column("__hid").null_count():
        _create_households(rows.filter(col("__hid").is_null()))
        rows = rows.drop("__hid", "h_site").join(
            _households(rows), on=["village", "household"], how="left", maintain_order="left"
        )
    written = _Written(sites=_update_sites(rows))
    now = timezone.now()
    known = rows.filter(col("__pid").is_not_null())
    if not known.is_empty():
        known = _with_unchanged(known, ctx)
        counts["unchanged"] += int(known.get_column("__unchanged").sum())
        gone = ~col("__unchanged") & (col("p_state") != str(PersonState.ACTIVE))
        _reject_rows(
            known,
            gone,
            "公民身份号码",
            "id_number",
            _("此人在系统中已登记为死亡、迁出或出国（境）定居，本行未导入；如有误，请先在人员页面更正在册状态。"),
            rejected,
        )
        changed = known.filter(~col("__unchanged") & ~gone)
        if not changed.is_empty():
            _write_changed(changed, ctx, counts, rejected, written, now)
    new = rows.filter(col("__pid").is_null())
    if not new.is_empty():
        _write_new(new, ctx, written, now)
        counts["created"] += new.height
    if written.households:
        services.households_refresh(household_ids=written.households, on=ctx.as_of)
    if written.sites:
        written.starts.append(ctx.as_of)
    if written.starts:
        notify_records_changed(Person, since=min(written.starts))
    if written.created or written.updated or written.sites:
        audit_record(
            action=actions.IMPORT_BATCH,
            actor=ctx.user,
            object_type="registry.person",
            region_code=ctx.prefix.ljust(12, "0") if len(ctx.prefix) < 12 else ctx.prefix,
            after={
                "created": len(written.created),
                "updated": len(written.updated),
                "person_ids": ",".join(str(i) for i in written.created + written.updated)[:20000],
                "relocation_site_households": ",".join(map(str, sorted(written.sites)))[:20000],
            },
        )


def _write_new(new: pl.DataFrame, ctx: Context, written: _Written, now: Any) -> None:
    """Persons, their first status spell and their key groups, straight from the frame."""
    col = pl.col
    ids = allocate_ids(Person._meta.db_table, new.height)
    stamp = str(db_datetime(now))
    new = new.with_columns(__pid=pl.Series(ids, dtype=pl.Int64))
    persons = new.select(
        id=col("__pid"),
        household_id=col("__hid"),
        region_id=col("village"),
        relation=col("__relation"),
        name=col("name"),
        name_pinyin=col("__pinyin"),
        id_number=col("__id_sealed"),
        id_hash=col("__hash"),
        id_masked=col("__id_masked"),
        gender=col("__gender"),
        birth_date=col("__birth"),
        phone=col("__phone_sealed"),
        phone_hash=col("__phone_hash"),
        phone_masked=col("__phone_masked"),
        education=col("__education"),
        labor_ability=col("__ability"),
        willing=col("__willing"),
        status=col("__status"),
        status_since=col("__start"),
        state=pl.lit(str(PersonState.ACTIVE)),
        note=col("note"),
        version=pl.lit(1, dtype=pl.Int64),
        created_at=pl.lit(stamp),
        updated_at=pl.lit(stamp),
    )
    insert_frame(Person._meta.db_table, persons)
    insert_frame(EmploymentSpell._meta.db_table, _spells(new, ctx, stamp))
    groups = (
        new.filter(col("__groups") != "")
        .select(person_id=col("__pid"), group=col("__groups").str.split(","))
        .explode("group")
    )
    insert_frame(PersonGroup._meta.db_table, groups)
    written.households.update(new.get_column("__hid").to_list())
    written.created.extend(ids)
    written.starts.append(new.get_column("__start").min())  # type: ignore[arg-type]


def _spells(rows: pl.DataFrame, ctx: Context, stamp: str) -> pl.DataFrame:
    recorder = ctx.user.pk if getattr(ctx.user, "is_authenticated", False) else None
    places = {str(k): str(v) for k, v in STATUS_PLACE.items()}
    return rows.select(
        person_id=pl.col("__pid"),
        status=pl.col("__status"),
        place=pl.col("__status").replace_strict(list(places), list(places.values()), default=""),
        location=pl.col("location"),
        employer_name=pl.col("employer"),
        employer_credit_code=pl.col("credit_code"),
        monthly_income=pl.col("__income"),
        start=pl.col("__start"),
        source=pl.lit(str(Source.IMPORT)),
        recorded_by_id=pl.lit(recorder, dtype=pl.Int64),
        recorded_at=pl.lit(stamp),
    )


def _with_unchanged(known: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Mark the rows that would change nothing: the person, the open spell and the groups as stored
    (as far as the uploader may see them)."""
    col = pl.col
    pids = known.get_column("__pid").to_list()
    known = known.join(_open_spells(pids), on="__pid", how="left", maintain_order="left").join(
        _groups_of(pids, hidden=frozenset() if ctx.sensitive else SENSITIVE_GROUPS),
        on="__pid",
        how="left",
        maintain_order="left",
    )
    same_spell = col("s_open").is_null() | (
        (col("s_location") == col("location"))
        & (col("s_employer") == col("employer"))
        & (col("s_credit") == col("credit_code"))
        & col("s_income").eq_missing(col("__income"))
    )
    unchanged = (
        (col("p_household") == col("__hid"))
        & (col("p_region") == col("village"))
        & (col("p_relation") == col("__relation"))
        & (col("p_name") == col("name"))
        & (col("p_ability") == col("__ability"))
        & (col("p_willing") == col("__willing"))
        & (col("p_education") == col("__education"))
        & (col("p_phone_hash") == col("__phone_hash"))
        & (col("p_note") == col("note"))
        & (col("p_status") == col("__status"))
        & (col("g_groups").fill_null("") == col("__groups"))
        & same_spell
    )
    return known.with_columns(__unchanged=unchanged.fill_null(False))


def _write_changed(
    rows: pl.DataFrame, ctx: Context, counts: dict[str, int], rejected: list[RowError], written: _Written, now: Any
) -> None:
    """Persons whose row differs from what is stored: compared and written one by one (few)."""
    persons = {p.pk: p for p in Person.objects.filter(pk__in=rows.get_column("__pid").to_list()).defer("id_number")}
    open_spells = {
        s.person_id: s for s in EmploymentSpell.objects.filter(person_id__in=list(persons), end__isnull=True)
    }
    new_spells: list[dict[str, Any]] = []
    changed_persons: list[Person] = []
    spell_updates: list[EmploymentSpell] = []
    spell_closes: list[EmploymentSpell] = []
    group_replacements: dict[int, list[str]] = {}
    for row in rows.iter_rows(named=True):
        person = persons[row["__pid"]]
        spell_fields = {
            "status": row["__status"],
            "place": STATUS_PLACE.get(row["__status"], ""),
            "location": row["location"],
            "employer_name": row["employer"],
            "employer_credit_code": row["credit_code"],
            "monthly_income": row["__income"],
        }
        wanted = {
            "household_id": row["__hid"],
            "region_id": row["village"],
            "relation": row["__relation"],
            "name": row["name"],
            "labor_ability": row["__ability"],
            "willing": row["__willing"],
            "education": row["__education"],
            # Compared by keyed hash: the stored phone is never decrypted for the comparison.
            "phone_hash": row["__phone_hash"],
            "note": row["note"],
        }
        changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        spell = open_spells.get(person.pk)
        status_changed = person.status != row["__status"]
        spell_changed = False
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
                new_spells.append(row)
                written.starts.append(row["__start"])
            person.status, person.status_since = row["__status"], row["__start"]
        elif spell is not None and any(
            getattr(spell, k) != v for k, v in spell_fields.items() if k not in ("status", "place")
        ):
            for k, v in spell_fields.items():
                setattr(spell, k, v)
            spell_updates.append(spell)
            spell_changed = True
        groups_changed = (row["g_groups"] or "") != row["__groups"]
        if not changed and not status_changed and not spell_changed and not groups_changed:
            counts["unchanged"] += 1
            continue
        if groups_changed:
            group_replacements[person.pk] = [g for g in row["__groups"].split(",") if g]
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
        written.households.update({old_household, row["__hid"]})
        written.updated.append(person.pk)
        counts["updated"] += 1
    if not changed_persons:
        return
    written.starts.append(ctx.as_of)
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
    # Closed before the new spells open: one open spell per person at any moment.
    EmploymentSpell.objects.bulk_update(spell_closes, ["end"], batch_size=1000)
    EmploymentSpell.objects.bulk_update(
        spell_updates,
        ["status", "place", "location", "employer_name", "employer_credit_code", "monthly_income", "source"],
        batch_size=1000,
    )
    if new_spells:
        frame = pl.DataFrame(new_spells, schema=rows.schema)
        insert_frame(EmploymentSpell._meta.db_table, _spells(frame, ctx, str(db_datetime(now))))
    if group_replacements:
        replaced = PersonGroup.objects.filter(person_id__in=list(group_replacements))
        if not ctx.sensitive:  # the sensitive groups the uploader cannot see stay as they are
            replaced = replaced.exclude(group__in=SENSITIVE_GROUPS)
        replaced.delete()
        insert_many(
            PersonGroup._meta.db_table,
            ["person_id", "group"],
            [(pid, g) for pid, groups in group_replacements.items() for g in groups],
        )


# --- lookups: one query per batch, answered as frames ---------------------------------------------


def _frame_of(sql: str, column: str, values: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql`` (its ``{where}`` standing for "``column`` is one of ``values``") into a frame."""
    if not values:
        return pl.DataFrame(schema=schema)
    where, params = is_one_of(column, values)
    return fetch_frame(sql.format(where=where), params, schema)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _existing_persons(hashes: list[str]) -> pl.DataFrame:
    schema = {
        "__pid": pl.Int64,
        "__hash": _TEXT,
        "p_household": pl.Int64,
        "p_region": _TEXT,
        "p_relation": _TEXT,
        "p_name": _TEXT,
        "p_ability": _TEXT,
        "p_willing": pl.Boolean,
        "p_education": _TEXT,
        "p_phone_hash": _TEXT,
        "p_note": _TEXT,
        "p_status": _TEXT,
        "p_state": _TEXT,
    }
    return _frame_of(
        "SELECT id, id_hash, household_id, region_id, relation, name, labor_ability, willing, education,"  # noqa: S608
        f" phone_hash, note, status, state FROM {_table(Person)} WHERE {{where}}",
        "id_hash",
        hashes,
        schema,
    )


def _households(rows: pl.DataFrame) -> pl.DataFrame:
    keys = rows.select(pl.concat_str("village", pl.lit("/"), "household").unique()).to_series().sort().to_list()
    return _frame_of(
        f"SELECT region_id, number, id, relocation_site FROM {_table(Household)} WHERE {{where}}",  # noqa: S608
        "key",
        keys,
        {"village": _TEXT, "household": _TEXT, "__hid": pl.Int64, "h_site": _TEXT},
    )


def _heads_in_db(rows: pl.DataFrame) -> pl.DataFrame:
    frame = _frame_of(
        f"SELECT household_id, id_hash FROM {_table(Person)} WHERE {{where}}"  # noqa: S608
        f" AND relation = '{Relation.HEAD}' AND state = '{PersonState.ACTIVE}' ORDER BY id",
        "household_id",
        rows.get_column("__hid").drop_nulls().unique().to_list(),
        {"__hid": pl.Int64, "__head_hash": _TEXT},
    )
    return frame.unique(subset="__hid", keep="last")


def _open_spells(pids: list[int]) -> pl.DataFrame:
    return _frame_of(
        "SELECT person_id, 1, location, employer_name, employer_credit_code, monthly_income"  # noqa: S608
        f' FROM {_table(EmploymentSpell)} WHERE {{where}} AND "end" IS NULL',
        "person_id",
        pids,
        {
            "__pid": pl.Int64,
            "s_open": pl.Int64,
            "s_location": _TEXT,
            "s_employer": _TEXT,
            "s_credit": _TEXT,
            "s_income": pl.Int64,
        },
    )


def _groups_of(pids: list[int], *, hidden: frozenset[str] = frozenset()) -> pl.DataFrame:
    frame = _frame_of(
        f'SELECT person_id, "group" FROM {_table(PersonGroup)} WHERE {{where}}',  # noqa: S608
        "person_id",
        pids,
        {"__pid": pl.Int64, "group": _TEXT},
    )
    if hidden:
        frame = frame.filter(~pl.col("group").is_in(list(hidden)))
    return frame.group_by("__pid").agg(g_groups=pl.col("group").unique().sort().str.join(","))


def _create_households(rows: pl.DataFrame) -> None:
    keys = (
        rows.select("village", "household", "__site")
        .unique(subset=["village", "household"])
        .sort("village", "household")
        .rows()
    )
    now = db_datetime(timezone.now())
    insert_many(
        Household._meta.db_table,
        ["region_id", "number", "key", "relocation_site", "zero_employment", "has_labor", "updated_at"],
        [(v, n, Household.make_key(v, n), site, False, False, now) for v, n, site in keys],
    )


def _update_sites(rows: pl.DataFrame) -> list[int]:
    """Households the file gives a relocation site other than the one stored (never cleared by an
    empty cell: a ledger without the column says nothing about sites)."""
    changes = (
        rows.filter((pl.col("__site") != "") & (pl.col("__site") != pl.col("h_site")))
        .select("__hid", "__site")
        .unique()
        .rows()
    )
    by_site: dict[str, list[int]] = defaultdict(list)
    for hid, site in changes:
        by_site[site].append(hid)
    now = timezone.now()
    for site, ids in by_site.items():  # one statement per site named (a batch names few)
        Household.objects.filter(pk__any=ids).update(relocation_site=site, updated_at=now)
    return [hid for hid, _site in changes]
