"""The annual work report, generated from measurements.

The text lives in an editable template (``templates/reports/annual_report.txt``): one block a
line — ``# `` title, ``## `` heading, ``### `` sub-heading, ``[[chart:…]]``, ``[[table:…]]`` or a
paragraph. Figures are template tags (``{% fig "urban_new_employment" %}``); each becomes a
token that the writers (web page, .docx) render as a number, or as the visible gap marker
“暂无数据” when the figure belongs to a module not built yet or has no measurement — never an
invented number. Every gap is listed at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.template import engines
from django.utils import timezone

from jiuye.indicators import display, targets
from jiuye.indicators.models import Measurement
from jiuye.regions.models import Region

TEMPLATE = "reports/annual_report.txt"
OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ … ⟧ around an inline token
TOKEN = re.compile(f"{OPEN}(.*?){CLOSE}")
BLOCK = re.compile(r"^\[\[(chart|table):([^\]]*)\]\]$")


@dataclass(frozen=True)
class Gap:
    label: str
    module: str
    reason: str


@dataclass(frozen=True)
class Figure:
    code: str
    text: str  # formatted in the indicator's unit and rounding
    value: Decimal  # the stored measurement
    period: date


@dataclass
class ReportContext:
    """What the template tags read: the region, the year and its measurements."""

    region: Region
    year: int
    period: date | None  # the year's last computed month
    values: dict[str, Decimal]
    figures: list[Figure] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)

    def token(self, payload: dict[str, Any]) -> str:
        self.tokens.append(payload)
        return f"{OPEN}{len(self.tokens) - 1}{CLOSE}"

    def gap(self, label: str, module: str, reason: str) -> str:
        self.gaps.append(Gap(label, module, reason))
        return self.token({"kind": "gap", "label": label})


@dataclass
class Block:
    kind: str  # title, heading, subheading, paragraph, chart, table
    parts: list[Any]  # text strings and token payloads; for chart/table: [spec]


@dataclass
class Report:
    context: ReportContext
    blocks: list[Block]

    @property
    def gaps(self) -> list[Gap]:
        return self.context.gaps

    @property
    def figures(self) -> list[Figure]:
        return self.context.figures


def report_period(region: Region, year: int) -> date | None:
    """The last month of ``year`` with measurements (December for a closed year)."""
    latest = (
        Measurement.objects.filter(region_code=region.code, period__year=year)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return latest


def build(region: Region, year: int) -> Report:
    period = report_period(region, year)
    values: dict[str, Decimal] = {}
    if period is not None:
        values = dict(
            Measurement.objects.filter(region_code=region.code, period=period).values_list("indicator", "value")
        )
    context = ReportContext(region=region, year=year, period=period, values=values)
    text = engines["django"].get_template(TEMPLATE).render({"report": context, "generated": timezone.localdate()})
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        block = BLOCK.match(line)
        if block:
            blocks.append(Block(block.group(1), [block.group(2)]))
            continue
        kind = "paragraph"
        for prefix, name in (("### ", "subheading"), ("## ", "heading"), ("# ", "title")):
            if line.startswith(prefix):
                kind, line = name, line[len(prefix) :]
                break
        parts: list[Any] = []
        position = 0
        for match in TOKEN.finditer(line):
            if match.start() > position:
                parts.append(line[position : match.start()])
            parts.append(context.tokens[int(match.group(1))])
            position = match.end()
        if position < len(line):
            parts.append(line[position:])
        blocks.append(Block(kind, parts))
    return Report(context=context, blocks=blocks)


def target_rows(region: Region, year: int, period: date | None) -> list[targets.Progress]:
    """The year's targets of the region and its children, with progress at the report month."""
    if period is None:
        return []
    codes = [region.code, *Region.objects.filter(parent=region).values_list("code", flat=True)]
    rows = targets.targets_for(codes, date(year, 12, 1))
    book = targets.book_for(rows, period)
    return [p for p in (targets.progress_of(t, period, book) for t in rows) if p is not None]


TARGET_HEADERS = ("指标", "区划", "目标", "完成", "完成情况", "状态")


def target_table(region: Region, year: int, period: date | None) -> list[tuple[str, ...]]:
    """The targets table of the report, as text — one rendering for the web page, Word and PDF
    (``indicators.display``: regions by name, counts in 人 below the city, ceilings by margin)."""
    rows = target_rows(region, year, period)
    names = dict(Region.objects.filter(code__in={p.target.region_code for p in rows}).values_list("code", "name"))
    table: list[tuple[str, ...]] = []
    for progress in rows:
        text = display.progress_text(progress)
        table.append(
            (
                str(progress.indicator.name),
                names.get(progress.target.region_code, progress.target.region_code),
                text.target,
                text.actual,
                text.completion,
                text.status,
            )
        )
    return table
