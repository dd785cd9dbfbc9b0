"""The ledger's rules, column-wise over a batch (no database: this runs in the import's worker
thread), and the first pass for the rules that span rows.

Every rule is an expression evaluated over the whole batch at once; where a rule is not an
expression (dates in all the field's forms, lists of key groups, GB 32100 credit codes) it runs
once per distinct value of the batch. The accepted rows then get, in tight loops, their keyed
hashes, ciphertexts, masked forms and pinyin keys (``seal``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl
from django.utils.translation import gettext as _

from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.crypto import encrypt_many
from jiuye.core.masking import mask_id_number, mask_phone
from jiuye.core.money import yuan_expr
from jiuye.core.pinyin import name_pinyin
from jiuye.core.tabular import parse_date
from jiuye.core.text import PHONE_PATTERN
from jiuye.imports.checks import Rule, apply_rules, lookup, per_value
from jiuye.imports.kinds import Batch
from jiuye.registry import idcard, services
from jiuye.registry.choices import SENSITIVE_GROUPS
from jiuye.registry.importing.schema import COLUMNS, HEADER, KEYS, Context, Spans

_TEXT = pl.Utf8
_GROUP_SPLIT = re.compile(r"[、,，;；/]+")
HEAD = "户主"


def id_key(number: pl.Expr) -> pl.Expr:
    """A well-shaped ID number as one 64-bit integer (the 17 digits × 11 + the check character's
    value; exact, so two keys are equal exactly when the numbers are), null otherwise: what the
    first pass keeps of each row to find an ID number given twice in a file."""
    shaped = number.str.contains(r"^[0-9]{17}[0-9X]$")
    body = number.str.slice(0, 17).cast(pl.Int64, strict=False)
    check = number.str.slice(17, 1).replace("X", "10").cast(pl.Int64, strict=False)
    return pl.when(shaped).then(body * 11 + check).otherwise(None)


def first_pass(ctx: Context, frames: Iterator[pl.DataFrame]) -> None:
    """The first row of each ID number given twice or more; per household, the rows naming a
    head, whether exactly one of them passes validation, and the relocation sites named.

    The head rows are validated here too (by the rules of a single row), so that a household new
    to the registry whose head row is rejected does not come in headless with its other members.
    Only a 64-bit key a row, and the head and site rows, are kept: memory follows the file's
    households, not its cells."""
    keys, heads, sites = [], [], []
    bad_heads: set[int] = set()
    for chunk in frames:
        chunk = chunk.with_columns(pl.col("id_number").str.to_uppercase())
        keys.append(chunk.select("__row", __key=id_key(pl.col("id_number"))).drop_nulls("__key"))
        head_rows = chunk.filter(pl.col("relation") == HEAD)
        if not head_rows.is_empty():
            probe = Batch(frame=head_rows, cells={})
            validate_frame(ctx, head_rows, probe, spans=NO_SPANS)
            bad_heads |= probe.rejected_rows
            heads.append(head_rows.select("village", "household", "__row", "site", __key=id_key(pl.col("id_number"))))
        sites.append(chunk.filter(pl.col("site") != "").select("village", "household", "site"))
    every_key = pl.concat(keys) if keys else pl.DataFrame(schema={"__row": pl.Int64, "__key": pl.Int64})
    first_seen = (
        every_key.group_by("__key")
        .agg(pl.col("__row").min().alias("__first"), pl.len().alias("__n"))
        .filter(pl.col("__n") > 1)
        .drop("__n")
    )
    del every_key, keys
    head_frame = pl.concat(heads) if heads else _empty_heads()
    site_frame = (
        pl.concat(sites) if sites else pl.DataFrame(schema=dict.fromkeys(["village", "household", "site"], _TEXT))
    )
    named = (
        head_frame.group_by("village", "household")
        .agg(pl.col("__row").sort().alias("__heads"))
        .join(
            site_frame.group_by("village", "household").agg(pl.col("site").unique().sort().alias("__sites")),
            on=["village", "household"],
            how="full",
            coalesce=True,
        )
        .with_columns(
            pl.col("__heads").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
            pl.col("__sites").fill_null(pl.lit([], dtype=pl.List(_TEXT))),
        )
    )
    # A head row also falls to the rules that span rows: a repeated ID number, a second head,
    # a relocation site other than the one its household's other rows name.
    repeated = head_frame.join(first_seen, on="__key", how="inner").filter(pl.col("__row") != pl.col("__first"))
    conflicting = head_frame.join(
        named.filter(pl.col("__sites").list.len() > 1).select("village", "household"), on=["village", "household"]
    ).filter(pl.col("site") != "")
    bad = bad_heads | set(repeated.get_column("__row").to_list()) | set(conflicting.get_column("__row").to_list())
    named = named.with_columns(
        __head_ok=(pl.col("__heads").list.len() == 1) & ~pl.col("__heads").list.first().is_in(sorted(bad))
    )
    ctx.spans = Spans(first_seen=first_seen, heads=named)


def _empty_heads() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"village": _TEXT, "household": _TEXT, "__row": pl.Int64, "site": _TEXT, "__key": pl.Int64}
    )


# Validating rows on their own, without what the whole file says (the first pass's head rows).
NO_SPANS = Spans(
    first_seen=pl.DataFrame(schema={"__key": pl.Int64, "__first": pl.Int64}),
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


def validate(ctx: Context, batch: Batch) -> pl.DataFrame:
    """The import kind's validation: every rule over the batch; the accepted rows, sealed."""
    frame = batch.frame.with_columns(pl.col("id_number").str.to_uppercase())
    accepted = validate_frame(ctx, frame, batch, spans=ctx.spans or NO_SPANS)
    return seal(accepted)


def validate_frame(ctx: Context, frame: pl.DataFrame, batch: Batch, *, spans: Spans) -> pl.DataFrame:
    """Every rule over the frame; returns the accepted rows with their typed values."""
    col = pl.col
    empty = {key: col(key) == "" for key in KEYS}
    rules: list[Rule] = []

    def flag(key: str, bad: pl.Expr, reason: str) -> None:
        rules.append((key, bad, reason))

    for column in COLUMNS:
        if column.required:
            flag(column.key, empty[column.key], _("“%(column)s”为必填项。") % {"column": column.header})

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

    # 公民身份号码 (GB 11643), the column-wise form of ``idcard.parse``.
    birth, id_valid, id_rules = idcard.column_checks(col("id_number"), today=ctx.today)
    frame = frame.with_columns(__birth=birth, __id_ok=id_valid)
    # Excel kept some IDs as numbers: their last digits are gone; say so instead of "wrong length".
    as_number = col("__row").is_in(sorted(n for n, key in batch.numeric if key == "id_number"))
    flag(
        "id_number",
        as_number,
        _("公民身份号码被 Excel 存成了数字，末几位已经丢失；请把该列设为文本格式后重新填写。"),
    )
    for bad, reason in id_rules:
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
        flag(key, ~empty[key] & mapped[key].is_null(), _("不是有效选项，应为：%(allowed)s。") % {"allowed": allowed})
    willing = col("willing").replace_strict(["是", "否"], [True, False], default=None, return_dtype=pl.Boolean)
    flag("willing", ~empty["willing"] & willing.is_null(), _("就业意愿应为“是”或“否”。"))
    derived_gender = (
        pl.when(col("id_number").str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
    )
    flag(
        "gender",
        mapped["gender"].is_not_null() & col("__id_ok") & (mapped["gender"] != derived_gender),
        _("性别与公民身份号码不一致。"),
    )
    flag(
        "phone",
        ~empty["phone"] & ~col("phone").str.contains(f"^(?:{PHONE_PATTERN})$"),
        _("联系电话应为以1开头的11位手机号，或带区号的固定电话。"),
    )
    flag("income", ~empty["income"] & yuan_expr("income").is_null(), _("月收入应为不小于0的数，最多两位小数。"))

    # Dates as the field writes them (one parse per distinct text).
    given_birth = lookup("birth", per_value(frame, "birth", parse_date), pl.Date)
    flag("birth", ~empty["birth"] & given_birth.is_null(), _("出生日期无法识别，请写成 2026-03-01 这样的日期。"))
    flag(
        "birth",
        given_birth.is_not_null() & col("__birth").is_not_null() & (given_birth != col("__birth")),
        _("出生日期与公民身份号码不一致。"),
    )
    start = lookup("start", per_value(frame, "start", parse_date), pl.Date)
    flag("start", ~empty["start"] & start.is_null(), _("就业开始日期无法识别，请写成 2026-03-01 这样的日期。"))
    flag("start", start > ctx.today, _("就业开始日期不能晚于今天。"))

    # 人员类别: a list of labels; every unknown one is reported.
    split = per_value(frame, "groups", lambda text: split_groups(text, ctx.groups))
    for text, (_codes, unknown_parts) in split.items():
        for row in frame.filter(col("groups") == text).get_column("__row").to_list():
            for part in unknown_parts:
                batch.reject(
                    row,
                    HEADER["groups"],
                    text,
                    _("人员类别“%(value)s”不是有效选项，应为：%(allowed)s。")
                    % {"value": part, "allowed": "、".join(ctx.groups)},
                )
    if not ctx.sensitive:
        names = {code: label for label, code in ctx.groups.items()}
        for text, (codes, _bad) in split.items():
            barred = sorted(set(codes.split(",")) & SENSITIVE_GROUPS)
            for row in frame.filter(col("groups") == text).get_column("__row").to_list() if barred else ():
                batch.reject(
                    row,
                    HEADER["groups"],
                    text,
                    _("您没有查看敏感信息的授权，不能登记“%(value)s”；请由有授权的人员导入，或联系安全管理员。")
                    % {"value": "、".join(names[c] for c in barred)},
                )
    groups = lookup("groups", {text: codes for text, (codes, _bad) in split.items()}, _TEXT).fill_null("")

    credit_ok = lookup("credit_code", per_value(frame, "credit_code", is_valid_credit_code), pl.Boolean)
    flag("credit_code", credit_ok.eq(False), _("统一社会信用代码无效（GB 32100 校验不通过）。"))

    apply_rules(frame, batch, rules, HEADER)

    # What spans rows: duplicates in the file, heads per household.
    frame = (
        frame.with_columns(__key=id_key(col("id_number")))
        .join(spans.first_seen, on="__key", how="left", maintain_order="left")
        .join(spans.heads, on=["village", "household"], how="left", maintain_order="left")
    )
    duplicates = col("__first").is_not_null() & (col("__first") != col("__row"))
    for row, value, first in frame.filter(duplicates).select("__row", "id_number", "__first").iter_rows():
        batch.reject(row, HEADER["id_number"], value, _("与第%(row)d行的公民身份号码重复。") % {"row": first})
    head_count = col("__heads").list.len().fill_null(0)
    for row, value, household, head_rows in (
        frame.filter(head_count > 1).select("__row", "relation", "household", "__heads").iter_rows()
    ):
        batch.reject(
            row,
            HEADER["relation"],
            value,
            _("同一户（户编号 %(household)s）有%(n)d位户主：第%(rows)s行。")
            % {"household": household, "n": len(head_rows), "rows": "、".join(str(r) for r in head_rows)},
        )
    site_count = col("__sites").list.len().fill_null(0)
    for row, value, household, sites in (
        frame.filter((site_count > 1) & ~empty["site"]).select("__row", "site", "household", "__sites").iter_rows()
    ):
        batch.reject(
            row,
            HEADER["site"],
            value,
            _("同一户（户编号 %(household)s）填写了不同的易地搬迁安置点：%(sites)s。")
            % {"household": household, "sites": "、".join(sites)},
        )

    return frame.filter(~col("__row").is_in(sorted(batch.rejected_rows))).select(
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
        __start_given=start.is_not_null(),
        __groups=groups,
        __income=yuan_expr("income"),
        __household_has_head_in_file=head_count > 0,
        __household_head_ok=col("__head_ok").fill_null(False),
        # The household's site as the whole file names it (empty: the file does not say).
        __site=pl.when(site_count == 1).then(col("__sites").list.first()).otherwise(pl.lit("")),
    )


def seal(rows: pl.DataFrame) -> pl.DataFrame:
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


def split_groups(text: str, labels: dict[str, str]) -> tuple[str, list[str]]:
    """ "脱贫人口、残疾人" → ("disabled,poverty_alleviated", []) — the codes sorted and joined, and the
    unknown labels."""
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
