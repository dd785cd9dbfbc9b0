"""Upload a ledger, watch it import, download the error report and the template."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuye.core.access import staff_view
from jiuye.core.forms import DateInput
from jiuye.core.permissions import Perm
from jiuye.core.scoping import get_visible_or_404
from jiuye.imports import services
from jiuye.imports.models import ImportJob, ImportRowError, ImportStatus
from jiuye.imports.report import write_error_report
from jiuye.imports.tasks import run_import_job
from jiuye.registry.exports import registry_template

MAX_UPLOAD = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("台账文件（.xlsx、.xls、.csv）"))
    as_of = forms.DateField(label=gettext_lazy("数据截至日期"), initial=timezone.localdate, widget=DateInput)
    dry_run = forms.BooleanField(label=gettext_lazy("仅校验，不写入"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in services.ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（最大 200 MB）。"))
        return upload


@staff_view(Perm.EDIT_BUSINESS_DATA)
def job_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            job = services.import_stage(
                user=request.user,
                source=Path(handle.name),
                original_name=upload.name,
                as_of=form.cleaned_data["as_of"],
                dry_run=form.cleaned_data["dry_run"],
            )
        run_import_job.enqueue(job_id=job.pk)
        messages.success(request, _("文件已上传，正在后台导入。"))
        return redirect("imports:job_detail", pk=job.pk)
    user: Any = request.user
    jobs = ImportJob.objects.visible_to(user).select_related("uploaded_by")
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "imports/job_list.html", {"form": form, "page": page, "query": ""})


@staff_view(Perm.EDIT_BUSINESS_DATA)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    job = get_visible_or_404(ImportJob.objects.select_related("uploaded_by"), user, pk=pk)
    errors = ImportRowError.objects.filter(job=job).order_by("row", "id")[:20]
    context = {"job": job, "errors": errors, "running": job.status in (ImportStatus.STAGED, ImportStatus.RUNNING)}
    if getattr(request, "htmx", False):
        return render(request, "imports/_job_status.html", context)
    return render(request, "imports/job_detail.html", context)


@staff_view(Perm.EDIT_BUSINESS_DATA)
def job_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: Any = request.user
    job = get_visible_or_404(ImportJob.objects.all(), user, pk=pk)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = write_error_report(job=job, path=Path(handle.name))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"导入错误报告-{job.pk}.xlsx")
    path.unlink()
    return response


@staff_view(Perm.EDIT_BUSINESS_DATA)
def template_download(request: HttpRequest) -> HttpResponseBase:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = registry_template(Path(handle.name))
    response = FileResponse(path.open("rb"), as_attachment=True, filename="劳动力信息采集表-模板.xlsx")
    path.unlink()
    return response
