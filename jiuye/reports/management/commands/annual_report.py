"""Generate the annual work report from measurements: .docx, and optionally PDF."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuye.regions.models import Region
from jiuye.reports import builder, writers


class Command(BaseCommand):
    help = "由测量值生成年度就业创业工作报告（Word，可选 PDF）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--out", required=True, help="FILE.docx")
        parser.add_argument("--pdf", help="FILE.pdf")
        parser.add_argument("--region", help="region code (default: the city)")

    def handle(self, *args: Any, year: int, out: str, pdf: str | None, region: str | None, **options: Any) -> None:
        place = (
            Region.objects.filter(code=region).first()
            if region
            else Region.objects.filter(level="city").order_by("code").first()
        )
        if place is None:
            raise CommandError("区划不存在（先运行 load_regions）。")
        started = time.perf_counter()
        report = builder.build(place, year)
        if report.context.period is None:
            raise CommandError(f"{year} 年尚未计算指标（先运行 compute_indicators --year {year}）。")
        content = writers.to_docx(report)
        Path(out).write_bytes(content)
        summary: dict[str, Any] = {
            "region": place.code,
            "year": year,
            "period": report.context.period.strftime("%Y-%m"),
            "docx": out,
            "figures": len(report.figures),
            "gaps": len(report.gaps),
            "seconds": round(time.perf_counter() - started, 3),
        }
        if pdf:
            try:
                Path(pdf).write_bytes(writers.to_pdf(content))
            except writers.PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
            summary["pdf"] = pdf
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
