"""Excel out: the filtered registry list (masked, formula-safe, watermarked) and the import template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import audit_record
from jiuye.core.permissions import Perm, can_view_sensitive
from jiuye.core.tabular import listing_workbook, safe_cell
from jiuye.core.text import labels as choice_labels
from jiuye.exports.kinds import ExportKind, describe_form
from jiuye.regions.models import Region, ancestor_codes
from jiuye.registry import actions, rules, selectors, services
from jiuye.registry.choices import (
    SENSITIVE_GROUPS,
    CaseStatus,
    Education,
    EmploymentStatus,
    Gender,
    KeyGroup,
    LaborAbility,
    MeasureKind,
    PersonState,
    Relation,
)
from jiuye.registry.forms import case_filters, person_filters
from jiuye.registry.models import CaseMeasure, Person, PersonGroup
from jiuye.registry.selectors import PersonFilters, person_list

EXPORT_COLUMNS = [
    "村(社区)代码",
    "户编号",
    "姓名",
    "公民身份号码（脱敏）",
    "性别",
    "出生日期",
    "联系电话（脱敏）",
    "文化程度",
    "与户主关系",
    "劳动能力",
    "就业意愿",
    "就业状态",
    "状态起始日期",
    "人员类别",
    "易地搬迁安置点",
]


EXPORT_WIDTHS = [14, 9, 10, 22, 6, 12, 14, 12, 10, 16, 9, 14, 13, 28, 18]


def person_export(*, user: Any, filters: PersonFilters, path: Path) -> int:
    """Write the filtered list; returns the number of persons written. Audited."""
    labels = {
        "gender": choice_labels(Gender),
        "education": choice_labels(Education),
        "relation": choice_labels(Relation),
        "ability": choice_labels(LaborAbility),
        "status": choice_labels(EmploymentStatus),
        "group": choice_labels(KeyGroup),
    }
    # Without the security label: ages instead of birth dates, and no sensitive key groups.
    sensitive = can_view_sensitive(user)
    columns = EXPORT_COLUMNS if sensitive else [c if c != "出生日期" else "年龄" for c in EXPORT_COLUMNS]
    if not sensitive:
        labels["group"] = {k: v for k, v in labels["group"].items() if k not in SENSITIVE_GROUPS}
    today = timezone.localdate()
    # The filters are checked (scope, region code, sensitive groups) before any file is opened.
    queryset = person_list(user=user, filters=filters).select_related(None).order_by("region_id", "household_id", "id")
    workbook, sheet = listing_workbook(
        path, user=user, title=_("劳动力台账"), columns=columns, widths=EXPORT_WIDTHS, personal_data=True
    )
    row_number = 2
    chunk: list[Any] = []
    count = 0

    def flush() -> None:
        nonlocal row_number, count
        groups: dict[int, list[str]] = {}
        for person_id, group in PersonGroup.objects.filter(
            person_id__in=[p.pk for p in chunk], group__in=list(labels["group"])
        ).values_list("person_id", "group"):
            groups.setdefault(person_id, []).append(labels["group"].get(group, group))
        for p in chunk:
            values = [
                p.region_id,
                p.household.number,
                p.name,
                p.id_masked,
                labels["gender"].get(p.gender, ""),
                p.birth_date.isoformat() if sensitive else p.age_on(today),
                p.phone_masked,
                labels["education"].get(p.education, ""),
                labels["relation"].get(p.relation, ""),
                labels["ability"].get(p.labor_ability, ""),
                "是" if p.willing else "否",
                labels["status"].get(p.status, ""),
                p.status_since.isoformat(),
                "、".join(sorted(groups.get(p.pk, []))),
                p.household.relocation_site,
            ]
            sheet.write_row(row_number, 0, [safe_cell(v) for v in values])
            row_number += 1
        count += len(chunk)
        chunk.clear()

    for person in (
        queryset.select_related("household")
        .only(
            "region_id",
            "household__number",
            "household__relocation_site",
            "name",
            "id_masked",
            "gender",
            "birth_date",
            "phone_masked",
            "education",
            "relation",
            "labor_ability",
            "willing",
            "status",
            "status_since",
        )
        .iterator(chunk_size=2000)
    ):
        chunk.append(person)
        if len(chunk) >= 2000:
            flush()
    flush()
    workbook.close()
    audit_record(
        action=actions.PERSON_EXPORT,
        actor=user,
        object_type="registry.person",
        after={
            "rows": count,
            "filters": {k: v for k, v in vars(filters).items() if v and k not in ("id_number", "phone")},
            "sensitive": sensitive,
        },
    )
    return count


CASE_EXPORT_COLUMNS = [
    "区县",
    "乡镇(街道)",
    "村(社区)",
    "户编号",
    "户主姓名",
    "户主公民身份号码（脱敏）",
    "户主联系电话（脱敏）",
    "家庭人数",
    "劳动力人数",
    "劳动力",
    "易地搬迁安置点",
    "认定日期",
    "清零期限",
    "状态",
    "是否超期",
    "清零日期",
    "清零说明",
    "责任人",
    "帮扶措施",
]
CASE_EXPORT_WIDTHS = [12, 14, 16, 9, 10, 22, 18, 8, 8, 24, 18, 12, 12, 8, 8, 12, 20, 10, 48]
CASE_CHUNK = 1000


def case_export(
    *,
    user: Any,
    path: Path,
    status: str = CaseStatus.OPEN,
    overdue: bool = False,
    relocated: bool = False,
    region: str = "",
) -> int:
    """The zero-employment households of the case list, as filtered on the page, one row a
    household: where it is, its head (masked), its members and labour as the rule counts them
    today, the case's dates, officer and measures. Returns the number of cases written. Audited."""
    labels = {"status": choice_labels(CaseStatus), "measure": choice_labels(MeasureKind)}
    rule, today = services.zero_rule(), timezone.localdate()
    workbook, sheet = listing_workbook(
        path,
        user=user,
        title=_("零就业家庭台账"),
        columns=CASE_EXPORT_COLUMNS,
        widths=CASE_EXPORT_WIDTHS,
        personal_data=True,
    )
    cases = (
        selectors.case_list(user=user, status=status, overdue=overdue, relocated=relocated, region=region)
        .select_related(None)
        .select_related("household", "assigned_to")
        .order_by("region_code", "household__number", "id")
    )
    row_number, count = 2, 0
    chunk: list[Any] = []

    def flush() -> None:
        nonlocal row_number, count
        household_ids = [c.household_id for c in chunk]
        members: dict[int, list[dict[str, Any]]] = {}
        for member in (
            Person.objects.visible_to(user)
            .filter(household_id__in=household_ids, state=PersonState.ACTIVE)
            .order_by("household_id", "relation", "birth_date", "id")
            .values(
                "household_id",
                "name",
                "relation",
                "id_masked",
                "phone_masked",
                "birth_date",
                "labor_ability",
                "willing",
                "status",
                "state",
            )
        ):
            members.setdefault(member["household_id"], []).append(dict(member))
        measures: dict[int, list[str]] = {}
        for case_id, kind, day, note in (
            CaseMeasure.objects.filter(case_id__in=[c.pk for c in chunk])
            .order_by("date", "id")
            .values_list("case_id", "kind", "date", "note")
        ):
            text = f"{day:%Y-%m-%d} {labels['measure'].get(kind, kind)}" + (f"：{note}" if note else "")
            measures.setdefault(case_id, []).append(text)
        above = {code: ancestor_codes(code) for code in {c.region_code for c in chunk}}  # city, county, town
        codes = set(above) | {a for ancestors in above.values() for a in ancestors}
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        for case in chunk:
            code = case.region_code
            people = members.get(case.household_id, [])
            head = next((m for m in people if m["relation"] == Relation.HEAD), None)
            labor = [
                m["name"]
                for m in people
                if rules.is_labor(
                    rules.MemberFacts(m["birth_date"], m["labor_ability"], m["willing"], m["status"], m["state"]),
                    today,
                    rule,
                )
            ]
            is_open = case.status == CaseStatus.OPEN
            _city, county, town = above[code]  # a case's region is a village: all three exist
            values = [
                names.get(county, ""),
                names.get(town, ""),
                names.get(code, code),
                case.household.number,
                head["name"] if head else "",
                head["id_masked"] if head else "",
                head["phone_masked"] if head else "",
                len(people),
                len(labor),
                "、".join(labor),
                case.household.relocation_site,
                case.opened_on.isoformat(),
                case.deadline.isoformat(),
                labels["status"].get(case.status, case.status),
                "是" if is_open and case.deadline < today else "否",
                case.closed_on.isoformat() if case.closed_on else "",
                case.close_note,
                str(case.assigned_to) if case.assigned_to else "",
                "；".join(measures.get(case.pk, [])),
            ]
            sheet.write_row(row_number, 0, [safe_cell(v) for v in values])
            row_number += 1
        count += len(chunk)
        chunk.clear()

    for case in cases.iterator(chunk_size=CASE_CHUNK):
        chunk.append(case)
        if len(chunk) >= CASE_CHUNK:
            flush()
    flush()
    workbook.close()
    audit_record(
        action=actions.CASE_EXPORT,
        actor=user,
        object_type="registry.zeroemploymentcase",
        after={
            "rows": count,
            "filters": {
                k: v
                for k, v in {"status": status, "overdue": overdue, "relocated": relocated, "region": region}.items()
                if v
            },
        },
    )
    return count


# --- the registry's exports, for the approval workflow (jiuye.exports) --------------------------

FILTER_ERROR = gettext_lazy("筛选条件有误，未导出；请先更正。")


def _person_filters(user: Any, query: QueryDict) -> tuple[Any, PersonFilters]:
    form, filters = person_filters(query, user)
    if form.is_bound and form.errors:  # an export of something else than asked would mislead
        raise ValidationError(FILTER_ERROR)
    return form, filters


def _case_filters(user: Any, query: QueryDict) -> tuple[Any, dict[str, Any]]:
    form, filters = case_filters(query, user)
    if form.is_bound and form.errors:
        raise ValidationError(FILTER_ERROR)
    return form, filters


def _form_filters(form: Any) -> list[tuple[str, str]]:
    return describe_form(form) if form.is_bound else []


PERSON_EXPORT = ExportKind(
    code="registry.person",
    title=gettext_lazy("劳动力台账"),
    list_url="registry:person_list",
    perm=Perm.VIEW_PERSONAL_DATA,
    count=lambda user, query: person_list(user=user, filters=_person_filters(user, query)[1]).count(),
    write=lambda user, query, path: person_export(user=user, filters=_person_filters(user, query)[1], path=path),
    describe=lambda user, query: _form_filters(_person_filters(user, query)[0]),
)

CASE_EXPORT = ExportKind(
    code="registry.case",
    title=gettext_lazy("零就业家庭台账"),
    list_url="registry:case_list",
    perm=Perm.VIEW_PERSONAL_DATA,
    count=lambda user, query: selectors.case_list(user=user, **_case_filters(user, query)[1]).count(),
    write=lambda user, query, path: case_export(user=user, path=path, **_case_filters(user, query)[1]),
    describe=lambda user, query: _form_filters(_case_filters(user, query)[0]),
)
