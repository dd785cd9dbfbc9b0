"""Programs' parameters as dated, region-scoped data. The value in force for a region on a day is
that of the nearest region above it (its own first) with the latest ``effective_from`` on or
before the day; without one, the program's shipped default. Setting a value adds a row (with
its reason, audited); nothing is overwritten, so a decision made last year can be re-read with
last year's values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from jiuye.core import money
from jiuye.core.audit import audit_record
from jiuye.core.db import retrying_atomic
from jiuye.core.permissions import has_perm
from jiuye.core.scoping import code_level, require_writable
from jiuye.programs import actions
from jiuye.programs.models import Parameter
from jiuye.programs.permissions import MANAGE_PROGRAMS
from jiuye.programs.rules.base import BP, ParamKind, ParamSpec, Program, percent
from jiuye.regions.models import ancestor_codes

MAX_COUNT = 10_000
REASON_MIN = 4


def region_chain(code: str) -> list[str]:
    """A region's code and those above it, nearest first."""
    return [code, *reversed(ancestor_codes(code))]


class Resolver:
    """The values of one program's parameters on one day, for any region: the rows are read once."""

    def __init__(self, program: Program, day: date, rows: Iterable[Parameter] | None = None) -> None:
        self.program = program
        self.day = day
        if rows is None:
            rows = Parameter.objects.filter(program=program.code, effective_from__lte=day)
        # (key, region) → the latest row on or before the day
        self._latest: dict[tuple[str, str], Parameter] = {}
        for row in rows:
            if row.effective_from > day:
                continue
            slot = (row.key, row.region_code)
            held = self._latest.get(slot)
            if held is None or (row.effective_from, row.pk or 0) > (held.effective_from, held.pk or 0):
                self._latest[slot] = row
        self._cache: dict[str, dict[str, Any]] = {}

    def row_for(self, key: str, region_code: str) -> Parameter | None:
        for code in region_chain(region_code):
            row = self._latest.get((key, code))
            if row is not None:
                return row
        return None

    def values(self, region_code: str) -> dict[str, Any]:
        cached = self._cache.get(region_code)
        if cached is None:
            cached = {}
            for spec in self.program.params:
                row = self.row_for(spec.key, region_code)
                cached[spec.key] = row.value if row is not None else spec.default
            self._cache[region_code] = cached
        return cached


def in_force(program: Program, region_code: str, day: date) -> dict[str, Any]:
    return Resolver(program, day).values(region_code)


def parse_percent(raw: Any) -> int:
    """A percentage as typed (``60``, ``5.5``, ``3.85%``) to 万分之一 (6000, 550, 385): at most two
    decimals, from 0 to 100; never through a float. ValidationError with the reason."""
    try:
        pct = Decimal(str(raw).strip().removesuffix("%"))
    except InvalidOperation as exc:
        raise ValidationError(_("比例应为百分数，如 60 或 5.5。")) from exc
    bp = pct * 100
    if not pct.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= BP:
        raise ValidationError(_("比例应在 0 到 100 之间，最多两位小数。"))
    return int(bp)


def parse_value(spec: ParamSpec, raw: Any) -> Any:
    """A value as a person typed it (元, a percentage, a count, a list of codes), checked and
    converted to how it is stored (分, 万分之一, an int, a list). ValidationError with the reason."""
    if spec.kind == ParamKind.FEN:
        try:
            return money.parse_yuan(str(raw))
        except money.MoneyError as exc:
            raise ValidationError({"value": str(exc)}) from exc
    if spec.kind == ParamKind.BP:
        try:
            return parse_percent(raw)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from exc
    if spec.kind == ParamKind.COUNT:
        text = str(raw).strip()
        if not text.isdigit() or int(text) > MAX_COUNT:
            raise ValidationError({"value": _("应为 0 到 %(max)d 之间的整数。") % {"max": MAX_COUNT}})
        return int(text)
    codes = [str(c) for c in (raw if isinstance(raw, list | tuple) else str(raw).split(","))]
    codes = [c.strip() for c in codes if c.strip()]
    allowed = {c for c, _label in spec.choices}
    if not codes or not set(codes) <= allowed:
        raise ValidationError({"value": _("请至少选择一项，且只能从所列类别中选择。")})
    return sorted(set(codes))


def shown(spec: ParamSpec, value: Any) -> str:
    """A stored value as a person reads it."""
    if spec.kind == ParamKind.FEN:
        return money.format_yuan(int(value)) + _("元")
    if spec.kind == ParamKind.BP:
        return percent(int(value))
    if spec.kind == ParamKind.COUNT:
        return str(value)
    labels = dict(spec.choices)
    return "、".join(str(labels.get(c, c)) for c in value)


def as_typed(spec: ParamSpec, value: Any) -> Any:
    """A stored value as a form shows it for editing."""
    if spec.kind == ParamKind.FEN:
        return str(money.fen_to_yuan(int(value)))
    if spec.kind == ParamKind.BP:
        return percent(int(value)).removesuffix("%")
    return value


@retrying_atomic
def set_value(
    *, actor: Any, program: Program, key: str, region_code: str, effective_from: date, raw: Any, reason: str
) -> Parameter:
    """A new value from a day on, for a region and below it; the reason is required and audited."""
    if not has_perm(actor, MANAGE_PROGRAMS):
        raise PermissionDenied
    try:
        spec = program.spec(key)
    except KeyError as exc:
        raise ValidationError({"key": _("没有这个参数。")}) from exc
    if code_level(region_code) is None:
        raise ValidationError({"region": _("请选择适用区划。")})
    require_writable(actor, region_code)
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("请写明调整理由（依据的文件或会议）。")})
    value = parse_value(spec, raw)
    before = in_force(program, region_code, effective_from)[key]
    row = Parameter.objects.create(
        program=program.code,
        key=key,
        region_code=region_code,
        effective_from=effective_from,
        value=value,
        reason=reason[:300],
        set_by=actor,
    )
    audit_record(
        action=actions.PARAM_SET,
        actor=actor,
        obj=row,
        region_code=region_code,
        before={"value": before},
        after={
            "program": program.code,
            "key": key,
            "value": value,
            "from": effective_from.isoformat(),
            "reason": reason,
        },
    )
    return row
