"""Loading the region code table from CSV: validate everything, then write all or nothing.

A code table with holes is worse than the old one, so a file with any error changes nothing;
every error is reported with its row number (the header is row 1), column and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuye.core import tabular
from jiuye.core.audit import audit_record
from jiuye.core.permissions import LEVEL_DEPTH, Level
from jiuye.core.scoping import code_level, code_prefix
from jiuye.imports.kinds import RowError
from jiuye.regions import actions
from jiuye.regions.models import Region

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
OPTIONAL_COLUMNS = ("urban", "longitude", "latitude", "population")
_TRUE = {"1", "true", "yes", "是", "urban", "城镇"}
_FALSE = {"0", "false", "no", "否", "rural", "乡村"}
_COMPARED = ("name", "level", "parent_id", "urban", "longitude", "latitude", "population")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len({e.row for e in self.errors}),
            "errors": [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason} for e in self.errors],
        }


class FileError(Exception):
    """The file as a whole cannot be read (encoding, missing columns)."""


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as the field sends it."""
    try:
        return tabular.decode_text(raw)
    except tabular.TableError as exc:
        raise FileError(str(exc)) from exc


def is_urban_name(name: str) -> bool:
    """社区居委会 are urban, 村委会 rural (see data/README.md)."""
    return "居委会" in name or "居民委员会" in name


@dataclass
class _Row:
    number: int
    code: str
    name: str
    level: str
    parent_code: str
    urban: bool | None
    longitude: Decimal | None
    latitude: Decimal | None
    population: int | None


def load_regions_file(path: Path | str, *, actor: Any = None) -> LoadReport:
    return load_regions_text(decode_text(Path(path).read_bytes()), actor=actor)


def load_regions_text(text: str, *, actor: Any = None) -> LoadReport:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileError(_("缺少必需的列：%(columns)s（第1行应为表头）。") % {"columns": "、".join(missing)})
    report = LoadReport()
    numbered = (
        (number, {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None})
        for number, raw in enumerate(reader, start=2)
    )
    rows = parse_rows(numbered, report.errors)
    if not report.errors:
        check_structure(rows, report.errors)
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.column))
        return report
    report.created, report.updated, report.unchanged = write_rows(rows, actor)
    return report


def parse_rows(numbered: Iterable[tuple[int, dict[str, str]]], errors: list[RowError]) -> list[_Row]:
    """Each row on its own: code shape, duplicates, names, levels, the optional columns."""
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, values in numbered:
        errors_before = len(errors)

        def bad(column: str, reason: str, *, n: int = number, v: dict[str, str] = values) -> None:
            errors.append(RowError(n, column, v.get(column, ""), reason))

        code = values.get("code", "")
        shape = code_level(code)
        if shape is None:
            bad("code", _("区划代码格式错误：应为12位数字，且各级代码段有效。"))
        elif code in seen:
            bad("code", _("区划代码重复：与第%(row)d行相同。") % {"row": seen[code]})
        else:
            seen[code] = number
        name = values.get("name", "")
        if not name:
            bad("name", _("名称不能为空。"))
        elif len(name) > 100:
            bad("name", _("名称过长（最多100个字）。"))
        level = values.get("level", "") or (shape or "")
        if level not in Level.values:
            bad("level", _("层级应为 city、county、town 或 village。"))
        elif shape is not None and level != shape:
            bad("level", _("层级与代码不符：代码 %(code)s 表示 %(level)s 级。") % {"code": code, "level": shape})
        parent_code = values.get("parent_code", "")
        if parent_code and code_level(parent_code) is None:
            bad("parent_code", _("上级区划代码格式错误。"))
        urban = _parse_bool(values.get("urban", ""))
        if urban == "bad":
            bad("urban", _("城乡属性应为 是/否、urban/rural 或 1/0。"))
        lon = _parse_decimal(values.get("longitude", ""), Decimal(73), Decimal(136))
        if lon == "bad":
            bad("longitude", _("经度应为 73 到 136 之间的数。"))
        lat = _parse_decimal(values.get("latitude", ""), Decimal(3), Decimal(54))
        if lat == "bad":
            bad("latitude", _("纬度应为 3 到 54 之间的数。"))
        population = values.get("population", "")
        if population and not population.isdecimal():
            bad("population", _("人口应为非负整数。"))
        if len(errors) > errors_before:
            continue
        if urban is None and level == Level.VILLAGE:
            urban = is_urban_name(name)
        rows.append(
            _Row(
                number=number,
                code=code,
                name=name,
                level=level,
                parent_code=parent_code,
                urban=urban if isinstance(urban, bool) else None,
                longitude=lon if isinstance(lon, Decimal) else None,
                latitude=lat if isinstance(lat, Decimal) else None,
                population=int(population) if population else None,
            )
        )
    return rows


def _parse_bool(value: str) -> bool | str | None:
    if not value:
        return None
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return "bad"


def _parse_decimal(value: str, low: Decimal, high: Decimal) -> Decimal | str | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "bad"
    if not (low <= number <= high):
        return "bad"
    return number.quantize(Decimal("0.000001"))


def check_structure(rows: list[_Row], errors: list[RowError]) -> None:
    """What spans rows: cycles, parents in the file or the system, prefixes, one level down."""
    in_file = {r.code: r for r in rows}
    parent_of = {r.code: r.parent_code for r in rows}
    existing = dict(Region.objects.values_list("code", "level"))

    # Cycles first: a parent chain that comes back to where it started.
    in_cycle: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        node = start
        while node in parent_of and node not in path and node not in in_cycle:
            path.append(node)
            node = parent_of[node]
        if node in path:
            in_cycle.update(path[path.index(node) :])
    for code in sorted(in_cycle, key=lambda c: in_file[c].number):
        row = in_file[code]
        others = sorted(in_file[c].number for c in in_cycle if c != code)
        errors.append(
            RowError(
                row.number,
                "parent_code",
                row.parent_code,
                _("上级关系形成循环（涉及第%(rows)s行）。") % {"rows": _rows(others)},
            )
        )

    for row in rows:
        if row.code in in_cycle:
            continue
        if not row.parent_code:
            if row.level != Level.CITY:
                errors.append(RowError(row.number, "parent_code", "", _("只有市级区划可以没有上级。")))
            continue
        parent_level = in_file[row.parent_code].level if row.parent_code in in_file else existing.get(row.parent_code)
        if parent_level is None:
            errors.append(
                RowError(row.number, "parent_code", row.parent_code, _("上级区划不存在（文件和系统中都没有）。"))
            )
            continue
        if not row.code.startswith(code_prefix(row.parent_code)):
            errors.append(
                RowError(
                    row.number,
                    "code",
                    row.code,
                    _("代码 %(code)s 不以上级代码 %(prefix)s 开头。")
                    % {"code": row.code, "prefix": code_prefix(row.parent_code)},
                )
            )
        if LEVEL_DEPTH[Level(row.level)] != LEVEL_DEPTH[Level(parent_level)] + 1:
            errors.append(RowError(row.number, "parent_code", row.parent_code, _("上级区划的层级不是本级的上一级。")))


def _rows(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


def write_rows(rows: list[_Row], actor: Any) -> tuple[int, int, int]:
    """Create and update the regions (parents first); returns (created, updated, unchanged)."""
    unchanged = 0
    now = timezone.now()
    rows = sorted(rows, key=lambda r: (LEVEL_DEPTH[Level(r.level)], r.code))
    current = {r.code: r for r in Region.objects.filter(code__in=[row.code for row in rows])}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in rows:
        wanted = {
            "name": row.name,
            "level": row.level,
            "parent_id": row.parent_code or None,
            "urban": row.urban,
            "longitude": row.longitude,
            "latitude": row.latitude,
            "population": row.population,
        }
        region = current.get(row.code)
        if region is None:
            to_create.append(Region(code=row.code, **wanted))
            continue
        # Optional columns left empty keep what the bureau entered before.
        for name in ("longitude", "latitude", "population"):
            if wanted[name] is None:
                wanted[name] = getattr(region, name)
        if all(getattr(region, k) == wanted[k] for k in _COMPARED):
            unchanged += 1
            continue
        for key, value in wanted.items():
            setattr(region, key, value)
        region.updated_at = now
        to_update.append(region)
    with transaction.atomic():
        # Parents before children, so foreign keys hold at every insert.
        Region.objects.bulk_create(to_create, batch_size=500)
        fields = [("parent" if f == "parent_id" else f) for f in _COMPARED] + ["updated_at"]
        Region.objects.bulk_update(to_update, fields, batch_size=500)
        if to_create or to_update:
            audit_record(
                action=actions.REGIONS_LOAD,
                actor=actor,
                object_type="regions.region",
                after={"created": len(to_create), "updated": len(to_update), "unchanged": unchanged},
            )
    return len(to_create), len(to_update), unchanged
