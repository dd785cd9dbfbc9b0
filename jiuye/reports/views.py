"""The annual report as a web page, a Word document and a PDF, for the user's own region."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuye.core.access import staff_view
from jiuye.core.audit import audit_record
from jiuye.core.permissions import Perm
from jiuye.regions.selectors import region_breadcrumb, region_root
from jiuye.reports import actions, builder, charts, writers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdecimal() and 2000 <= int(raw) <= this_year else this_year


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@staff_view(Perm.VIEW_STATISTICS)
def annual(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    region = region_root(user=user)
    year = _year(request)
    report = builder.build(region, year)
    images: dict[int, tuple[str, str]] = {}
    for n, block in enumerate(report.blocks):
        if block.kind == "chart":
            drawn = charts.chart(block.parts[0], region, year, report.context.period)
            if drawn:
                images[n] = (base64.b64encode(drawn[0]).decode(), drawn[1])
    this_year = timezone.localdate().year
    return render(
        request,
        "reports/annual.html",
        {
            "doc": report,
            "images": images,
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
            "target_headers": builder.TARGET_HEADERS,
            "targets": builder.target_table(region, year, report.context.period),
            "breadcrumb": region_breadcrumb(user=user, region=region),
        },
    )


@staff_view(Perm.VIEW_STATISTICS)
def annual_docx(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    region = region_root(user=user)
    year = _year(request)
    content = writers.to_docx(builder.build(region, year))
    audit_record(
        action=actions.ANNUAL_EXPORT, actor=user, region_code=region.code, after={"year": year, "format": "docx"}
    )
    return _download(content, DOCX, f"{region.name}{year}年就业创业工作报告.docx")


@staff_view(Perm.VIEW_STATISTICS)
def annual_pdf(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    region = region_root(user=user)
    year = _year(request)
    try:
        content = writers.to_pdf(writers.to_docx(builder.build(region, year)))
    except writers.PdfUnavailable as exc:
        return render(request, "reports/pdf_unavailable.html", {"message": str(exc), "year": year}, status=503)
    audit_record(
        action=actions.ANNUAL_EXPORT, actor=user, region_code=region.code, after={"year": year, "format": "pdf"}
    )
    return _download(content, "application/pdf", f"{region.name}{year}年就业创业工作报告.pdf")
