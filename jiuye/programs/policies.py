"""Policy documents (政策文件): saved by a service, audited; the report's 出台…条措施 counts come
from their measures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.scoping import code_from_typed, code_level, require_writable
from jiuye.core.signals import notify_records_changed
from jiuye.programs import actions, rules
from jiuye.programs.choices import PolicyLevel, PolicyTheme
from jiuye.programs.models import PolicyDocument

FIELDS = ("title", "number", "issuer", "issued_on", "level", "theme", "measures", "programs", "note")


@retrying_atomic
def save(*, actor: Any, data: dict[str, Any], doc: PolicyDocument | None = None) -> PolicyDocument:
    region = code_from_typed(str(data.get("region") or "")) or ""
    if code_level(region) not in ("city", "county"):
        raise ValidationError({"region": _("发文区划应为市或县（市、区）。")})
    require_writable(actor, region)
    if doc is not None:
        require_writable(actor, doc.region_code)
    if data["level"] not in PolicyLevel.values or data["theme"] not in PolicyTheme.values:
        raise ValidationError({"level": _("请选择层级和政策类别。")})
    if data["issued_on"] > timezone.localdate():
        raise ValidationError({"issued_on": _("印发日期不能晚于今天。")})
    unknown = [c for c in data.get("programs") or [] if rules.get(c) is None]
    if unknown:
        raise ValidationError({"programs": _("没有这些政策项目：%(c)s。") % {"c": "、".join(unknown)}})
    if not str(data["title"]).strip() or not str(data["issuer"]).strip():
        raise ValidationError({"title": _("文件标题和发文机关不能为空。")})
    before = {f: str(getattr(doc, f)) for f in FIELDS} if doc else None
    doc = doc or PolicyDocument()
    for f in FIELDS:
        value = data.get(f)
        setattr(doc, f, (value.strip() if isinstance(value, str) else value) if value is not None else "")
    doc.programs = sorted(set(data.get("programs") or []))
    doc.region_code = region
    doc.full_clean(exclude=["programs"])
    doc.save()
    audit_record(
        action=actions.POLICY_SAVE,
        actor=actor,
        obj=doc,
        before=before,
        after={f: str(getattr(doc, f)) for f in FIELDS},
    )
    notify_records_changed(PolicyDocument, since=doc.issued_on)
    return doc
