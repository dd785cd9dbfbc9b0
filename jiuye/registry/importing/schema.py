"""The labour-force ledger's template (劳动力信息采集表, IMPORT-TEMPLATES §1) and what one run of its
import knows: the importer's scope, the code tables, the labels of every choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.permissions import can_view_sensitive
from jiuye.core.scoping import write_prefix
from jiuye.core.text import labels, values_by_label
from jiuye.imports.kinds import Column, ImportRefused
from jiuye.regions.models import Region
from jiuye.registry.choices import Education, EmploymentStatus, Gender, KeyGroup, LaborAbility, Relation

COLUMNS = (
    Column("村(社区)代码", "village", required=True, example="610924100001", width=16),
    Column("户编号", "household", required=True, example="0001"),
    Column("姓名", "name", required=True, example="张三"),
    # A valid number: the example row imports cleanly.
    Column("公民身份号码", "id_number", required=True, example="610924199001011233", width=22),
    Column("与户主关系", "relation", required=True, choices=tuple(labels(Relation).values()), example="户主"),
    Column("劳动能力", "ability", required=True, choices=tuple(labels(LaborAbility).values()), example="普通劳动力"),
    Column("就业意愿", "willing", required=True, choices=("是", "否"), example="是"),
    Column("就业状态", "status", required=True, choices=tuple(labels(EmploymentStatus).values()), example="省外务工"),
    Column("性别", "gender", choices=("男", "女")),
    Column("出生日期", "birth"),
    Column("联系电话", "phone", example="13800000000"),
    Column("文化程度", "education", choices=tuple(labels(Education).values())),
    Column("人员类别", "groups", example="脱贫人口、易地搬迁"),
    Column("就业单位", "employer"),
    Column("统一社会信用代码", "credit_code", width=22),
    Column("就业地点", "location", example="广东省东莞市"),
    Column("月收入(元)", "income", example="4500"),
    Column("就业开始日期", "start", example="2026-03-01"),
    Column("备注", "note", example="示例行，导入前请删除"),
    # Added after the first release of the template (the contract grows only by adding): a
    # household's resettlement site, on any of its rows; rows of one household must agree.
    Column("易地搬迁安置点", "site", example="城关镇幸福社区安置点", width=20),
)
KEYS = [c.key for c in COLUMNS]
HEADER = {c.key: c.header for c in COLUMNS}

NOTES = (
    gettext_lazy("红色表头为必填列。公民身份号码、户编号、村(社区)代码请保持文本格式，不要存成数字。"),
    gettext_lazy("同一村(社区)代码和户编号的行为同一户，每户有且只有一位户主。"),
    gettext_lazy("人员类别可填多个，用顿号、逗号或分号分隔。日期写成 2026-03-01。"),
    gettext_lazy("未填写就业开始日期的，按上传时选择的数据截至日期记录。"),
    gettext_lazy("易地搬迁户填写易地搬迁安置点（同一户各行一致，填在任一行即可）；留空不会清除系统中已有的安置点。"),
)


@dataclass(frozen=True)
class Spans:
    """What the first pass learns about the whole file (kept small: a 3,000,000-row file's
    first pass holds one 64-bit key for each ID number, and the head and site rows)."""

    # id key (``validation.id_key``) → __first: the first row of each ID number found twice or more
    first_seen: pl.DataFrame
    # (village, household) → __heads (the rows naming a head, sorted), __sites (sites named), __head_ok
    heads: pl.DataFrame


@dataclass
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
    spans: Spans | None = field(default=None)


def prepare(*, user: Any, as_of: date, dry_run: bool = False) -> Context:
    prefix = write_prefix(user)
    if prefix is None:
        raise ImportRefused(_("您的角色不能导入台账。"))
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
