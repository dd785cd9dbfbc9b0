"""Import kinds of the programs module: the facts other systems hold, read and counted, never
re-computed here.

- ``programs.ui_contributions`` (失业保险参保缴费情况): the insurance agency's year per insured
  unit — months paid, premiums, average insured staff, layoffs; keyed by credit code and year
  (imported again: updated or unchanged). What 稳岗返还 is decided on.
- ``programs.ui_benefits`` (失业保险待遇发放名单): who received unemployment benefit, from when to
  when, how much; keyed by ID number and start date. What 失业保险待遇享受人数 counts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.scoping import can_write, code_level
from jiuye.core.signals import notify_records_changed
from jiuye.core.tabular import parse_count, parse_date
from jiuye.core.text import to_halfwidth
from jiuye.employers.importing.common import Context, prepare
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.programs import actions
from jiuye.programs.models import BenefitFact, InsuranceFact
from jiuye.programs.permissions import IMPORT_FACTS
from jiuye.programs.rules.refund import UNIT_TYPES

EXAMPLE_UNIT = "91610924MA70B2K5QL"
EXAMPLE_ID = "610924199001011233"


def _fen(batch: Batch, n: int, header: str, text: str) -> int | None:
    try:
        return money.parse_yuan(text)
    except money.MoneyError as exc:
        batch.reject(n, header, text, str(exc))
        return None


def _count(batch: Batch, n: int, header: str, text: str, maximum: int) -> int | None:
    value = parse_count(text, maximum=maximum)
    if value is None:
        batch.reject(n, header, text, _("应为 0 到 %(max)d 之间的整数。") % {"max": maximum})
    return value


def _region(batch: Batch, n: int, header: str, text: str) -> str:
    code = text.removesuffix(".0")
    if code_level(code) in (None, "city"):
        batch.reject(n, header, text, _("区划代码应为12位县、镇或村级统计用区划代码。"))
    return code


# --- 失业保险参保缴费情况 -------------------------------------------------------------------------

UI = {
    "credit_code": "统一社会信用代码",
    "name": "单位名称",
    "unit_type": "单位类型",
    "region": "参保地区划代码",
    "year": "缴费年度",
    "months": "实缴月数",
    "premiums": "实缴失业保险费（元）",
    "insured": "年平均参保人数",
    "layoffs": "新领取失业保险金人数",
    "account": "单位银行账号",
}
_UNIT_TYPES = {str(label): code for code, label in UNIT_TYPES}


def validate_contributions(ctx: Context, batch: Batch) -> pl.DataFrame:
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        code = row["credit_code"].upper()
        if not is_valid_credit_code(code):
            batch.reject(n, UI["credit_code"], row["credit_code"], _("统一社会信用代码无效（GB 32100 校验不通过）。"))
        if not row["name"]:
            batch.reject(n, UI["name"], "", _("单位名称不能为空。"))
        if row["unit_type"] not in _UNIT_TYPES:
            batch.reject(
                n, UI["unit_type"], row["unit_type"], _("单位类型应为：%(t)s。") % {"t": "、".join(_UNIT_TYPES)}
            )
        region = _region(batch, n, UI["region"], row["region"])
        year = parse_count(row["year"].removesuffix(".0"), maximum=ctx.today.year)
        if year is None or year < 2000:
            batch.reject(n, UI["year"], row["year"], _("缴费年度应为 2000 至今年之间的四位年份。"))
        months = _count(batch, n, UI["months"], row["months"].removesuffix(".0"), 12)
        premiums = _fen(batch, n, UI["premiums"], row["premiums"])
        insured = _count(batch, n, UI["insured"], row["insured"].removesuffix(".0"), 10_000_000)
        layoffs = _count(batch, n, UI["layoffs"], row["layoffs"].removesuffix(".0"), 10_000_000)
        account = "".join(row["account"].split())
        if account and not (account.isdigit() and 8 <= len(account) <= 30):
            batch.reject(n, UI["account"], row["account"], _("银行账号应为 8 到 30 位数字。"))
        if n in batch.rejected_rows:
            continue
        accepted.append(
            {
                "__row": n,
                "credit_code": code,
                "name": row["name"][:200],
                "unit_type": _UNIT_TYPES[row["unit_type"]],
                "region": region,
                "year": year,
                "months": months,
                "premiums": premiums,
                "insured": insured,
                "layoffs": layoffs,
                "account": account,
            }
        )
    schema = {
        "__row": pl.Int64,
        "credit_code": pl.Utf8,
        "name": pl.Utf8,
        "unit_type": pl.Utf8,
        "region": pl.Utf8,
        "year": pl.Int64,
        "months": pl.Int64,
        "premiums": pl.Int64,
        "insured": pl.Int64,
        "layoffs": pl.Int64,
        "account": pl.Utf8,
    }
    return pl.DataFrame(accepted, schema=schema)


_FACT_FIELDS = ("name", "unit_type", "region_code", "months_paid", "premiums", "avg_insured", "layoffs", "bank_account")


def commit_contributions(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """Upsert by (credit code, year); a unit of another area or a region outside one's own is
    refused with its row."""
    outcome = Outcome()
    if rows.is_empty():
        return outcome
    records = rows.to_dicts()
    existing = {
        (f.credit_code, f.year): f
        for f in InsuranceFact.objects.filter(credit_code__in={r["credit_code"] for r in records})
    }
    seen: set[tuple[str, int]] = set()
    create, update = [], []
    for r in records:
        key = (r["credit_code"], r["year"])
        if not can_write(ctx.user, r["region"]):
            outcome.errors.append(RowError(r["__row"], UI["region"], r["region"], _("区划代码不在您的管辖范围内。")))
            continue
        if key in seen:
            outcome.errors.append(
                RowError(r["__row"], UI["credit_code"], r["credit_code"], _("同一单位同一年度在文件中重复出现。"))
            )
            continue
        seen.add(key)
        values = {
            "name": r["name"],
            "unit_type": r["unit_type"],
            "region_code": r["region"],
            "months_paid": r["months"],
            "premiums": r["premiums"],
            "avg_insured": r["insured"],
            "layoffs": r["layoffs"],
            "bank_account": r["account"],
        }
        old = existing.get(key)
        if old is None:
            create.append(InsuranceFact(credit_code=key[0], year=key[1], **values))
        elif not can_write(ctx.user, old.region_code):
            outcome.errors.append(
                RowError(r["__row"], UI["credit_code"], r["credit_code"], _("该单位已由其他地区导入，不能在此修改。"))
            )
        elif all(getattr(old, k) == v for k, v in values.items()):
            outcome.unchanged += 1
        else:
            for k, v in values.items():
                setattr(old, k, v)
            update.append(old)
    InsuranceFact.objects.bulk_create(create, batch_size=1000)
    InsuranceFact.objects.bulk_update(update, list(_FACT_FIELDS), batch_size=1000)
    outcome.created, outcome.updated = len(create), len(update)
    if create or update:
        audit_record(
            action=actions.FACTS_IMPORT,
            actor=ctx.user,
            object_type="programs.insurancefact",
            region_code=ctx.user.region_id or "",
            after={"created": len(create), "updated": len(update)},
        )
    return outcome


def contributions_kind() -> ImportKind:
    year = timezone.localdate().year - 1
    return ImportKind(
        code="programs.ui_contributions",
        title=gettext_lazy("失业保险参保缴费情况"),
        perm=IMPORT_FACTS,  # type: ignore[arg-type]
        columns=(
            Column(UI["credit_code"], "credit_code", required=True, example=EXAMPLE_UNIT, width=22),
            Column(UI["name"], "name", required=True, example="紫阳县富硒茶业有限公司", width=28),
            Column(UI["unit_type"], "unit_type", required=True, choices=tuple(_UNIT_TYPES), example="企业"),
            Column(UI["region"], "region", required=True, example="610924100000", width=16),
            Column(UI["year"], "year", required=True, example=str(year)),
            Column(UI["months"], "months", required=True, example="12"),
            Column(UI["premiums"], "premiums", required=True, example="38,400.00", width=18),
            Column(UI["insured"], "insured", required=True, example="40"),
            Column(UI["layoffs"], "layoffs", required=True, example="0"),
            Column(UI["account"], "account", example="6217000123456789012", width=24),
        ),
        prepare=prepare,
        validate=validate_contributions,
        commit=commit_contributions,
        description=gettext_lazy(
            "社会保险经办机构提供的参保单位年度失业保险缴费情况；按统一社会信用代码和缴费年度新增或更新。稳岗返还据此免申即享核查。"
        ),
        notes=(
            gettext_lazy(
                "实缴失业保险费为单位和职工个人实际缴纳之和（元）；新领取失业保险金人数即该单位当年的裁员人数。"
            ),
            gettext_lazy("单位银行账号用于发放稳岗返还，可留空，核查后由经办人确认。"),
        ),
        uses_as_of=False,
        template_name="失业保险参保缴费情况模板.xlsx",
        order=80,
    )


# --- 失业保险待遇发放名单 ----------------------------------------------------------------------

BENEFIT = {
    "id_number": "公民身份号码",
    "name": "姓名",
    "region": "参保地区划代码",
    "starts_on": "待遇起始日期",
    "ends_on": "待遇终止日期",
    "monthly": "月发放标准（元）",
    "paid": "累计发放金额（元）",
}


def validate_benefits(ctx: Context, batch: Batch) -> pl.DataFrame:
    from jiuye.registry import idcard

    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]
        number = idcard.normalize(row["id_number"])
        if not idcard.is_valid(number):
            batch.reject(n, BENEFIT["id_number"], row["id_number"], _("公民身份号码无效（GB 11643 校验不通过）。"))
        if not row["name"]:
            batch.reject(n, BENEFIT["name"], "", _("姓名不能为空。"))
        region = _region(batch, n, BENEFIT["region"], row["region"])
        start, end = parse_date(row["starts_on"]), parse_date(row["ends_on"])
        if start is None:
            batch.reject(n, BENEFIT["starts_on"], row["starts_on"], _("日期无法识别。"))
        if end is None:
            batch.reject(n, BENEFIT["ends_on"], row["ends_on"], _("日期无法识别。"))
        elif start is not None and end < start:
            batch.reject(n, BENEFIT["ends_on"], row["ends_on"], _("终止日期不能早于起始日期。"))
        monthly = _fen(batch, n, BENEFIT["monthly"], row["monthly"])
        paid = _fen(batch, n, BENEFIT["paid"], row["paid"])
        if n in batch.rejected_rows or start is None or end is None:
            continue
        accepted.append(
            {
                "__row": n,
                "id_number": number,
                "name": row["name"][:30],
                "region": region,
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat(),
                "monthly": monthly,
                "paid": paid,
            }
        )
    schema = {
        "__row": pl.Int64,
        "id_number": pl.Utf8,
        "name": pl.Utf8,
        "region": pl.Utf8,
        "starts_on": pl.Utf8,
        "ends_on": pl.Utf8,
        "monthly": pl.Int64,
        "paid": pl.Int64,
    }
    return pl.DataFrame(accepted, schema=schema)


def commit_benefits(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    """Upsert by (ID number, start date); linked to the registry person of that ID number when
    there is one. The ID number itself is not kept: its hash and masked form are."""
    from jiuye.core.masking import mask_id_number
    from jiuye.registry.models import Person
    from jiuye.registry.services.common import id_hashes

    outcome = Outcome()
    if rows.is_empty():
        return outcome
    records = rows.to_dicts()
    hashes = id_hashes([r["id_number"] for r in records])
    persons = dict(Person.objects.filter(id_hash__in=set(hashes)).values_list("id_hash", "pk"))
    existing = {(f.id_hash, f.starts_on): f for f in BenefitFact.objects.filter(id_hash__in=set(hashes))}
    seen: set[tuple[str, date]] = set()
    create, update = [], []
    earliest: date | None = None
    for r, h in zip(records, hashes, strict=True):
        start = date.fromisoformat(r["starts_on"])
        key = (h, start)
        if not can_write(ctx.user, r["region"]):
            outcome.errors.append(
                RowError(r["__row"], BENEFIT["region"], r["region"], _("区划代码不在您的管辖范围内。"))
            )
            continue
        if key in seen:
            outcome.errors.append(
                RowError(
                    r["__row"],
                    BENEFIT["id_number"],
                    mask_id_number(r["id_number"]),
                    _("同一人员同一起始日期在文件中重复出现。"),
                )
            )
            continue
        seen.add(key)
        values = {
            "person_id": persons.get(h),
            "name": r["name"],
            "id_masked": mask_id_number(r["id_number"]),
            "region_code": r["region"],
            "ends_on": date.fromisoformat(r["ends_on"]),
            "monthly": r["monthly"],
            "paid": r["paid"],
        }
        old = existing.get(key)
        if old is None:
            create.append(BenefitFact(id_hash=h, starts_on=start, **values))
        elif not can_write(ctx.user, old.region_code):
            outcome.errors.append(
                RowError(r["__row"], BENEFIT["region"], r["region"], _("该记录已由其他地区导入，不能在此修改。"))
            )
            continue
        elif all(getattr(old, k) == v for k, v in values.items()):
            outcome.unchanged += 1
            continue
        else:
            for k, v in values.items():
                setattr(old, k, v)
            update.append(old)
        earliest = min(earliest or start, start)
    BenefitFact.objects.bulk_create(create, batch_size=1000)
    BenefitFact.objects.bulk_update(
        update, ["person_id", "name", "id_masked", "region_code", "ends_on", "monthly", "paid"], batch_size=1000
    )
    outcome.created, outcome.updated = len(create), len(update)
    if create or update:
        audit_record(
            action=actions.FACTS_IMPORT,
            actor=ctx.user,
            object_type="programs.benefitfact",
            region_code=ctx.user.region_id or "",
            after={"created": len(create), "updated": len(update)},
        )
        notify_records_changed(BenefitFact, since=earliest or ctx.today)
    return outcome


def benefits_kind() -> ImportKind:
    year = timezone.localdate().year
    return ImportKind(
        code="programs.ui_benefits",
        title=gettext_lazy("失业保险待遇发放名单"),
        perm=IMPORT_FACTS,  # type: ignore[arg-type]
        columns=(
            Column(BENEFIT["id_number"], "id_number", required=True, example=EXAMPLE_ID, width=22),
            Column(BENEFIT["name"], "name", required=True, example="王某某"),
            Column(BENEFIT["region"], "region", required=True, example="610924100000", width=16),
            Column(BENEFIT["starts_on"], "starts_on", required=True, example=f"{year}-01-01"),
            Column(BENEFIT["ends_on"], "ends_on", required=True, example=f"{year}-12-31"),
            Column(BENEFIT["monthly"], "monthly", required=True, example="1,520.00"),
            Column(BENEFIT["paid"], "paid", required=True, example="18,240.00"),
        ),
        prepare=prepare,
        validate=validate_benefits,
        commit=commit_benefits,
        description=gettext_lazy(
            "社会保险经办机构的失业保险金发放名单：谁领取、起止日期、金额。只统计，不在本系统重新计算待遇。"
        ),
        notes=(gettext_lazy("同一人员多段领取请分行填写；按公民身份号码和待遇起始日期新增或更新。"),),
        uses_as_of=False,
        template_name="失业保险待遇发放名单模板.xlsx",
        order=81,
    )


def register() -> None:
    from jiuye.imports import kinds

    kinds.register(contributions_kind())
    kinds.register(benefits_kind())
    for code in LIST_PROGRAMS:
        kinds.register(application_kind(code))


# --- applications from lists (certificate subsidies) ---------------------------------------------

# The programs whose applications arrive as lists: a training institution's or the skill
# certification centre's list of certificates. Each row is one application through the same
# service as the window's form (the same rule, the same never-twice check).
LIST_PROGRAMS = ("training", "skills_upgrade")

APPLY = {"id_number": "公民身份号码", "year": "享受年度", "bank_account": "收款银行账号", "evidence": "申请材料说明"}


def _fact_header(f: Any) -> str:
    return str(f.label)


def _validate_applications(program: Any) -> Any:
    from jiuye.programs.rules.base import FactKind
    from jiuye.registry import idcard

    def validate(ctx: Context, batch: Batch) -> pl.DataFrame:
        accepted = []
        for row in batch.frame.iter_rows(named=True):
            n = row["__row"]
            if not idcard.is_valid(idcard.normalize(row["id_number"])):
                batch.reject(n, APPLY["id_number"], row["id_number"], _("公民身份号码无效（GB 11643 校验不通过）。"))
            year = parse_count(row["year"].removesuffix(".0"), maximum=ctx.today.year)
            if year is None or year < 2000:
                batch.reject(n, APPLY["year"], row["year"], _("享受年度应为 2000 至今年之间的四位年份。"))
            stated: dict[str, str] = {}
            for f in program.fields:
                text = row[f"fact_{f.key}"]
                if f.kind == FactKind.CHOICE:
                    # the reader folds full-width characters (四级／中级工 arrives as 四级/中级工)
                    by_label = {to_halfwidth(str(label)): code for code, label in f.choices}
                    text = by_label.get(text, text)
                    if text not in {code for code, _label in f.choices}:
                        batch.reject(n, _fact_header(f), row[f"fact_{f.key}"], _("请从所列选项中选择。"))
                elif f.kind == FactKind.DATE:
                    day = parse_date(text)
                    if day is None:
                        batch.reject(n, _fact_header(f), text, _("日期无法识别。"))
                    text = day.isoformat() if day else ""
                elif not text:
                    batch.reject(n, _fact_header(f), "", _("请填写%(label)s。") % {"label": f.label})
                stated[f.key] = text
            if n in batch.rejected_rows:
                continue
            accepted.append(
                {
                    "__row": n,
                    "id_number": idcard.normalize(row["id_number"]),
                    "year": year,
                    "stated": json.dumps(stated, ensure_ascii=False),
                    "bank_account": "".join(row["bank_account"].split()),
                    "evidence": row["evidence"][:2000],
                }
            )
        schema = {
            "__row": pl.Int64,
            "id_number": pl.Utf8,
            "year": pl.Int64,
            "stated": pl.Utf8,
            "bank_account": pl.Utf8,
            "evidence": pl.Utf8,
        }
        return pl.DataFrame(accepted, schema=schema)

    return validate


def _commit_applications(program: Any) -> Any:
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from jiuye.core.masking import mask_id_number
    from jiuye.programs import services
    from jiuye.programs.choices import ClaimSource

    headers = {f.key: _fact_header(f) for f in program.fields} | {
        "id_number": APPLY["id_number"],
        "year": APPLY["year"],
        "bank_account": APPLY["bank_account"],
    }

    def commit(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
        """Each row through ``services.apply`` in its own savepoint: accepted, or reported with the
        column the refusal names (the rule's failed conditions on the ID number's column)."""
        outcome = Outcome()
        for r in rows.to_dicts():
            data = services.Application(
                program=program.code,
                year=r["year"],
                id_number=r["id_number"],
                stated=json.loads(r["stated"]),
                bank_account=r["bank_account"],
                evidence=r["evidence"],
                source=ClaimSource.IMPORT,
            )
            try:
                with transaction.atomic():
                    services.apply(actor=ctx.user, data=data, today=ctx.today)
            except ValidationError as exc:
                fields = exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
                for key, messages in fields.items():
                    column = headers.get(key, APPLY["id_number"])
                    value = mask_id_number(r["id_number"]) if column == APPLY["id_number"] else ""
                    outcome.errors.append(RowError(r["__row"], column, value, "；".join(m for m in messages if m)))
                continue
            outcome.created += 1
        return outcome

    return commit


def application_kind(code: str) -> ImportKind:
    from jiuye.programs import rules
    from jiuye.programs.rules.base import FactKind

    program = rules.get(code)
    if program is None:
        raise LookupError(code)
    today = timezone.localdate()
    examples = {"occupation": "中式烹调师", "level": "四级／中级工", "insured_months": "24"}
    fact_columns = []
    for f in program.fields:
        choices = tuple(str(label) for _code, label in f.choices) if f.kind == FactKind.CHOICE else ()
        example = (today - timedelta(days=30)).isoformat() if f.kind == FactKind.DATE else examples.get(f.key, "")
        fact_columns.append(Column(_fact_header(f), f"fact_{f.key}", required=True, choices=choices, example=example))
    return ImportKind(
        code=f"programs.apply_{code}",
        title=gettext_lazy("%(program)s申请名单") % {"program": program.name},
        perm=IMPORT_FACTS,  # type: ignore[arg-type]
        columns=(
            Column(APPLY["id_number"], "id_number", required=True, example=EXAMPLE_ID, width=22),
            Column(APPLY["year"], "year", required=True, example=str(today.year)),
            *fact_columns,
            Column(APPLY["bank_account"], "bank_account", example="6217000123456789012", width=24),
            Column(APPLY["evidence"], "evidence", example="证书编号 S000001"),
        ),
        prepare=prepare,
        validate=_validate_applications(program),
        commit=_commit_applications(program),
        description=gettext_lazy(
            "培训机构或技能等级认定机构报送的取证人员名单：每行一份申请，与窗口受理相同的条件核对；不符合的行写明原因，符合的进入县级审核。"
        ),
        notes=(gettext_lazy("同一职业同一等级只能享受一次；已申请过的行会被拒绝并注明原编号。"),),
        uses_as_of=False,
        template_name=f"{program.name}申请名单模板.xlsx",
        order=82 + LIST_PROGRAMS.index(code),
    )
