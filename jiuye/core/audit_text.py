"""The audit log in the bureau's words: actions by their Chinese names (the catalogue of
``core.audit``), objects and regions by name, changes as "字段：旧值 → 新值".

Events keep their codes (action code, object type and id, region code, the JSON of the change):
the detail page and the export show them beside the words. The words are looked up for a page
of events at once: a few queries per page, whatever its length.

Apps teach the log their words without core importing them: ``define_field_labels`` names the
keys their events record that are not fields of the object's model, and ``define_value_names``
turns the codes some keys hold (a region code, an indicator code) into names.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.audit import action_for
from jiuye.core.permissions import Role
from jiuye.core.tabular import listing_workbook, safe_cell

# Keys many apps' events use.
_FIELD_LABELS: dict[str, Any] = {
    "reason": gettext_lazy("原因"),
    "note": gettext_lazy("说明"),
    "kind": gettext_lazy("类型"),
    "date": gettext_lazy("日期"),
    "effective": gettext_lazy("生效日期"),
    "year": gettext_lazy("年度"),
    "years": gettext_lazy("年度"),
    "format": gettext_lazy("格式"),
    "rows": gettext_lazy("行数"),
    "file": gettext_lazy("文件"),
    "sha256": gettext_lazy("文件校验值"),
    "created": gettext_lazy("新增"),
    "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"),
    "rejected": gettext_lazy("退回"),
    "ignored": gettext_lazy("忽略"),
    "dry_run": gettext_lazy("仅校验"),
    "field": gettext_lazy("字段"),
    "filters": gettext_lazy("筛选条件"),
    "limit": gettext_lazy("上限"),
    "token": gettext_lazy("令牌"),
    "step": gettext_lazy("步骤"),
    "region_code": gettext_lazy("区划"),
    "per": gettext_lazy("时段"),
    "name": gettext_lazy("名称"),
}
# key → a function from the codes that key holds on a page to their names.
_VALUE_NAMERS: dict[str, Callable[[set[str]], Mapping[str, str]]] = {}
REGION_KEY = "region_code"  # the namer of the events' own region column
EMPTY = "—"
LIST_SHOWN = 10  # a list longer than this (the persons of an import batch) is cut, with its length
TEXT_SHOWN = 200  # and a longer text (the detail page and the export keep it whole, as JSON)
ID_LIST = re.compile(r"^\d+(,\d+)+$")


def define_field_labels(labels: Mapping[str, Any]) -> None:
    """Name the keys an app's events record that are not fields of the object's model."""
    _FIELD_LABELS.update(labels)


def define_value_names(keys: Iterable[str], namer: Callable[[set[str]], Mapping[str, str]]) -> None:
    """Turn the codes these keys hold into names, a page at a time (``namer(codes) → names``)."""
    for key in keys:
        _VALUE_NAMERS[key] = namer


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the key is not in "before" (a value set, nothing replaced)
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.field}：{self.after}"
        return f"{self.field}：{self.before} → {self.after if self.after is not None else EMPTY}"


@dataclass(frozen=True)
class EventText:
    action: str
    actor: str
    role: str
    region: str
    object: str
    changes: list[Change]

    @property
    def changes_text(self) -> str:
        return "；".join(str(c) for c in self.changes)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    return None


def _label(model: type[models.Model] | None, key: str) -> str:
    """The object's own field name first (目标值 for a target's value), then the apps' words."""
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    return str(_FIELD_LABELS.get(key, key))


def _join(texts: list[str]) -> str:
    if not texts:
        return EMPTY
    if len(texts) > LIST_SHOWN:
        return "、".join(texts[:LIST_SHOWN]) + _("…（共 %(n)d 项）") % {"n": len(texts)}
    return "、".join(texts)


class _Names:
    """The names of the codes and objects a page of events mentions, looked up once."""

    def __init__(self, events: list[Any]) -> None:
        wanted: dict[str, set[str]] = {}
        for event in events:
            if event.region_code:
                wanted.setdefault(REGION_KEY, set()).add(event.region_code)
            for values in (event.before, event.after):
                for key, value in (values or {}).items():
                    if key in _VALUE_NAMERS:
                        wanted.setdefault(key, set()).update(_codes(value))
        self.values: dict[str, Mapping[str, str]] = {
            key: _VALUE_NAMERS[key](codes) for key, codes in wanted.items() if key in _VALUE_NAMERS
        }
        ids: dict[str, set[str]] = {}
        for event in events:
            if event.object_type and event.object_id:
                ids.setdefault(event.object_type, set()).add(event.object_id)
        self.objects: dict[tuple[str, str], str] = {}
        for object_type, pks in ids.items():
            model = _model(object_type)
            if model is None or getattr(model, "personal_data", False):
                continue  # personal records are named by number only: the auditor holds no right to them
            try:
                found = model._default_manager.filter(pk__in=list(pks))
                self.objects.update({(object_type, str(o.pk)): str(o) for o in found})
            except (ValueError, TypeError):
                continue
        actors = {e.actor_id for e in events if e.actor_id}
        self.actors: dict[int, str] = {u.pk: str(u) for u in get_user_model()._default_manager.filter(pk__in=actors)}

    def value(self, key: str, value: Any) -> str:
        names = self.values.get(key)
        if names is not None:
            if isinstance(value, list) or (isinstance(value, str) and "," in value):
                return _join([names.get(code, code) for code in _codes(value)])
            return names.get(str(value), str(value)) if value not in (None, "") else EMPTY
        return _plain(value)


def _codes(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and "," in value:
        return value.split(",")  # codes joined in one string, as some events record them
    return [str(value)] if value not in (None, "") else []


def _plain(value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return _join([_plain(v) for v in value])
    if isinstance(value, dict):
        return _cut(json.dumps(value, ensure_ascii=False))
    if isinstance(value, str) and ID_LIST.match(value):
        return _join(value.split(","))  # the record ids of a batch, as the import writes them
    return _cut(str(value))


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def _value(names: _Names, model: type[models.Model] | None, key: str, value: Any) -> str:
    if key in _VALUE_NAMERS:
        return names.value(key, value)
    field = _field(model, key)
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return _join([labels.get(str(v), str(v)) for v in value])
        return labels.get(str(value), _plain(value))
    return _plain(value)


def _changes(
    names: _Names, model: type[models.Model] | None, before: dict[str, Any], after: dict[str, Any]
) -> list[Change]:
    keys = list(after) + [k for k in before if k not in after]
    changes = []
    for key in keys:
        old = _value(names, model, key, before[key]) if key in before else None
        new = _value(names, model, key, after[key]) if key in after else None
        changes.append(Change(_label(model, key), old, new))
    return changes


def _object_text(names: _Names, model: type[models.Model] | None, event: Any) -> str:
    """用户 紫阳县经办员, 人员 #123 (a personal record by its number), 目标任务 城镇新增就业 2026."""
    kind = str(model._meta.verbose_name) if model is not None else event.object_type
    name = names.objects.get((event.object_type, event.object_id))
    if name is not None:
        return f"{kind} {name}"
    return f"{kind} #{event.object_id}" if event.object_id else kind


def describe(events: Iterable[Any]) -> list[tuple[Any, EventText]]:
    """Each event with its text, for a page or a chunk of an export."""
    events = list(events)
    names = _Names(events)
    roles = dict(Role.choices)
    out = []
    for event in events:
        action = action_for(event.action)
        model = _model(event.object_type)
        target = _object_text(names, model, event) if event.object_type else EMPTY
        actor = names.actors.get(event.actor_id) if event.actor_id else None
        username = event.actor_username or _("系统")
        out.append(
            (
                event,
                EventText(
                    action=str(action.label) if action is not None else event.action,
                    actor=f"{actor}（{username}）" if actor and actor != username else username,
                    role=str(roles.get(event.role, event.role or EMPTY)),
                    region=names.value(REGION_KEY, event.region_code) if event.region_code else EMPTY,
                    object=target,
                    changes=_changes(names, model, event.before or {}, event.after or {}),
                ),
            )
        )
    return out


EXPORT_LIMIT = 100_000  # rows in one export; narrow the filters for more
EXPORT_CHUNK = 1000
EXPORT_WIDTHS = (8, 20, 18, 14, 14, 12, 14, 18, 26, 22, 22, 10, 8, 60, 30, 30, 14, 14)
EXPORT_HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("时间"),
    gettext_lazy("用户"),
    gettext_lazy("用户名"),
    gettext_lazy("角色"),
    gettext_lazy("区划"),
    gettext_lazy("区划代码"),
    gettext_lazy("操作"),
    gettext_lazy("操作代码"),
    gettext_lazy("对象"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象ID"),
    gettext_lazy("结果"),
    gettext_lazy("变更"),
    gettext_lazy("变更前（JSON）"),
    gettext_lazy("变更后（JSON）"),
    gettext_lazy("IP地址"),
    gettext_lazy("请求ID"),
)


def workbook(events: Any, *, user: Any) -> tuple[bytes, int]:
    """The events as an .xlsx: the words and, beside them, the codes and the JSON as recorded."""
    with tempfile.TemporaryFile() as buffer:
        # The log names users and their addresses: marked for work use only, as personal lists are.
        book, sheet = listing_workbook(
            buffer,
            user=user,
            title=_("审计日志"),
            columns=[str(h) for h in EXPORT_HEADERS],
            widths=EXPORT_WIDTHS,
            personal_data=True,
        )
        row, count = 2, 0
        chunk: list[Any] = []

        def flush() -> None:
            nonlocal row
            for event, text in describe(chunk):
                values = [
                    event.seq,
                    timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                    text.actor,
                    event.actor_username,
                    text.role,
                    text.region,
                    event.region_code,
                    text.action,
                    event.action,
                    text.object,
                    event.object_type,
                    event.object_id,
                    str(event.get_outcome_display()),
                    text.changes_text,
                    json.dumps(event.before, ensure_ascii=False) if event.before else "",
                    json.dumps(event.after, ensure_ascii=False) if event.after else "",
                    event.ip or "",
                    event.request_id,
                ]
                sheet.write_row(row, 0, [safe_cell(v) for v in values])
                row += 1
            chunk.clear()

        for event in events[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(event)
            count += 1
            if len(chunk) >= EXPORT_CHUNK:
                flush()
        flush()
        if count >= EXPORT_LIMIT:
            sheet.write_string(row, 0, _("仅导出前 %(n)d 条，请缩小筛选范围后分次导出。") % {"n": EXPORT_LIMIT})
        book.close()
        buffer.seek(0)
        return buffer.read(), count
