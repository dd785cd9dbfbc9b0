"""The postings import kind (招聘岗位表): one row a posting, checked by the same rules as the form
(``services.posting_errors``) and saved through ``services.posting_save``. A row names its
employer by 统一社会信用代码; the same employer, title and start of validity again updates the
posting (or leaves it unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core import money
from jiuye.core.credit_code import is_valid_credit_code
from jiuye.core.permissions import Perm
from jiuye.core.scoping import code_level
from jiuye.core.tabular import parse_count, parse_date
from jiuye.employers.models import Employer
from jiuye.imports.kinds import Batch, Column, ImportKind, Outcome, RowError
from jiuye.jobs import services
from jiuye.jobs.choices import PostingSource, WorkTime
from jiuye.jobs.models import Posting
from jiuye.registry.choices import Education

HEADER = {
    "credit_code": "招聘单位统一社会信用代码",
    "title": "岗位名称",
    "occupation": "职业代码",
    "headcount": "招聘人数",
    "wage_min": "月薪下限（元）",
    "wage_max": "月薪上限（元）",
    "work_time": "用工形式",
    "region": "工作地区划代码",
    "address": "工作地址",
    "min_age": "年龄下限",
    "max_age": "年龄上限",
    "education": "最低学历",
    "skills": "技能要求",
    "certificate": "证书要求",
    "valid_from": "有效期起",
    "valid_until": "有效期止",
    "description": "岗位描述",
}
_TIMES = {str(label): value for value, label in WorkTime.choices}
_EDUCATION = {str(label): value for value, label in Education.choices}
_SERVICE_FIELDS = {
    "title",
    "occupation",
    "headcount",
    "wage_min",
    "wage_max",
    "valid_from",
    "valid_until",
    "min_age",
    "max_age",
    "education",
    "work_time",
}


@dataclass
class Context:
    user: Any
    today: date


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    return Context(user=user, today=timezone.localdate())


def _whole(text: str) -> int | None:
    return parse_count(text, maximum=999_999)


def validate(ctx: Context, batch: Batch) -> pl.DataFrame:
    accepted = []
    for row in batch.frame.iter_rows(named=True):
        n = row["__row"]

        def bad(key: str, reason: str, row: dict[str, Any] = row, n: int = n) -> None:
            batch.reject(n, HEADER[key], row[key], reason)

        code = row["credit_code"].upper()
        if not is_valid_credit_code(code):
            bad("credit_code", _("统一社会信用代码无效（GB 32100 校验不通过）。"))
        values: dict[str, Any] = {}
        for key in ("wage_min", "wage_max"):
            try:
                values[key] = money.parse_yuan(row[key])
            except money.MoneyError as exc:
                values[key] = None
                bad(key, str(exc))
        values["headcount"] = _whole(row["headcount"])
        if values["headcount"] is None:
            bad("headcount", _("招聘人数应为正整数。"))
        for key in ("min_age", "max_age"):
            values[key] = _whole(row[key]) if row[key] else None
            if row[key] and values[key] is None:
                bad(key, _("年龄应为整数。"))
        for key in ("valid_from", "valid_until"):
            values[key] = parse_date(row[key])
            if values[key] is None:
                bad(key, _("日期无法识别。"))
        values["work_time"] = _TIMES.get(row["work_time"] or str(WorkTime.FULL.label))
        if values["work_time"] is None:
            bad("work_time", _("用工形式应为：%(v)s。") % {"v": "、".join(_TIMES)})
        values["education"] = _EDUCATION.get(row["education"], "") if row["education"] else ""
        if row["education"] and not values["education"]:
            bad("education", _("学历应为：%(v)s。") % {"v": "、".join(_EDUCATION)})
        region = row["region"].removesuffix(".0")
        if region and code_level(region) in (None, "city"):
            bad("region", _("区划代码应为12位县、镇或村级统计用区划代码。"))
        if n in batch.rejected_rows:
            continue
        data = services.PostingInput(
            employer=0,
            title=row["title"],
            occupation=row["occupation"],
            **{k: values[k] for k in _SERVICE_FIELDS - {"title", "occupation"}},
        )
        problems = services.posting_errors(data, today=ctx.today, new=True)
        for key, reason in problems.items():
            batch.reject(n, HEADER.get(key, HEADER["title"]), str(row.get(key, "")), reason)
        if problems:
            continue
        accepted.append(
            {
                "__row": n,
                "credit_code": code,
                "region": region,
                "address": row["address"][:200],
                "skills": row["skills"][:200],
                "certificate": row["certificate"][:60],
                "description": row["description"][:4000],
                "title": row["title"].strip()[:100],
                "occupation": row["occupation"],
                **{k: values[k] for k in _SERVICE_FIELDS - {"title", "occupation", "valid_from", "valid_until"}},
                # text: polars' dates do not survive a frozen clock in tests
                "valid_from": values["valid_from"].isoformat(),
                "valid_until": values["valid_until"].isoformat(),
            }
        )
    schema = {
        "__row": pl.Int64,
        "credit_code": pl.Utf8,
        "region": pl.Utf8,
        "address": pl.Utf8,
        "skills": pl.Utf8,
        "certificate": pl.Utf8,
        "description": pl.Utf8,
        "title": pl.Utf8,
        "occupation": pl.Utf8,
        "headcount": pl.Int64,
        "wage_min": pl.Int64,
        "wage_max": pl.Int64,
        "valid_from": pl.Utf8,
        "valid_until": pl.Utf8,
        "min_age": pl.Int64,
        "max_age": pl.Int64,
        "education": pl.Utf8,
        "work_time": pl.Utf8,
    }
    return pl.DataFrame(accepted, schema=schema)


def commit(ctx: Context, rows: pl.DataFrame, batch: Batch) -> Outcome:
    outcome = Outcome()
    records = rows.to_dicts()
    employers = {
        e.credit_code: e
        for e in Employer.objects.editable_by(ctx.user).filter(credit_code__in=[r["credit_code"] for r in records])
    }
    names = {f.name for f in fields(services.PostingInput)}
    for r in records:
        employer = employers.get(r["credit_code"])
        if employer is None:
            outcome.errors.append(
                RowError(
                    r["__row"],
                    HEADER["credit_code"],
                    r["credit_code"],
                    _("招聘单位未登记或不在您的管辖范围内，请先在“用工主体”中登记。"),
                )
            )
            continue
        values = {k: v for k, v in r.items() if k in names and k != "employer"}
        values.update(valid_from=date.fromisoformat(r["valid_from"]), valid_until=date.fromisoformat(r["valid_until"]))
        data = services.PostingInput(employer=employer.pk, **values)
        old = Posting.objects.filter(employer=employer, title=data.title, valid_from=data.valid_from).first()
        if (
            old is not None
            and all(
                getattr(old, k) == getattr(data, k)
                for k in names - {"employer", "region", "longitude", "latitude", "published"}
            )
            and (not data.region or old.region_id == data.region)
        ):
            outcome.unchanged += 1
            continue
        try:
            with transaction.atomic():
                services.posting_save(actor=ctx.user, data=data, posting=old, source=PostingSource.IMPORT)
        except ValidationError as exc:
            for name, reasons in exc.message_dict.items():
                outcome.errors.append(
                    RowError(r["__row"], HEADER.get(name, name), str(r.get(name, "")), "；".join(reasons))
                )
            continue
        if old is None:
            outcome.created += 1
        else:
            outcome.updated += 1
    return outcome


def register() -> None:
    from jiuye.employers.importing import EXAMPLE_FACTORY
    from jiuye.imports import kinds

    today = timezone.localdate()
    kinds.register(
        ImportKind(
            code="jobs.postings",
            title=gettext_lazy("招聘岗位表"),
            perm=Perm.EDIT_BUSINESS_DATA,
            columns=(
                Column(HEADER["credit_code"], "credit_code", required=True, example=EXAMPLE_FACTORY, width=22),
                Column(HEADER["title"], "title", required=True, example="缝纫工", width=20),
                Column(
                    HEADER["occupation"],
                    "occupation",
                    required=True,
                    example="6-05",
                    note="2022年版职业分类大典中类代码",
                ),
                Column(HEADER["headcount"], "headcount", required=True, example="20"),
                Column(HEADER["wage_min"], "wage_min", required=True, example="3000"),
                Column(HEADER["wage_max"], "wage_max", required=True, example="4500"),
                Column(HEADER["work_time"], "work_time", choices=tuple(_TIMES), example="全职"),
                Column(HEADER["region"], "region", example="610924100000", width=16),
                Column(HEADER["address"], "address", width=30),
                Column(HEADER["min_age"], "min_age", example="18"),
                Column(HEADER["max_age"], "max_age", example="55"),
                Column(HEADER["education"], "education", choices=tuple(_EDUCATION), example="初中"),
                Column(HEADER["skills"], "skills", example="缝纫、熨烫", width=20),
                Column(HEADER["certificate"], "certificate", width=16),
                Column(HEADER["valid_from"], "valid_from", required=True, example=today.isoformat()),
                Column(
                    HEADER["valid_until"],
                    "valid_until",
                    required=True,
                    example=(today + timedelta(days=90)).isoformat(),
                ),
                Column(HEADER["description"], "description", width=40),
            ),
            prepare=prepare,
            validate=validate,
            commit=commit,
            description=gettext_lazy("用人单位的招聘岗位，每行一个；同一单位、岗位名称和有效期起再次导入即更新。"),
            notes=(
                gettext_lazy("招聘单位须先在“用工主体”中登记；职业代码为2022年版职业分类大典的中类（如 6-05）。"),
                gettext_lazy("月薪以元填写；有效期最长一年，已过期的岗位不予导入。"),
            ),
            uses_as_of=False,
            template_name="招聘岗位模板.xlsx",
            order=70,
        )
    )
