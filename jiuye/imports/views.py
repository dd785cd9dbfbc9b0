"""The import page: the kinds this user may import (each with its template), uploading a file of
one kind, watching it import, downloading its error report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiuye.core.access import staff_view
from jiuye.core.forms import DateInput
from jiuye.core.permissions import Perm, has_perm
from jiuye.core.scoping import get_visible_or_404
from jiuye.imports import kinds, services
from jiuye.imports.kinds import ImportRefused
from jiuye.imports.models import ImportRowError, ImportStatus
from jiuye.imports.report import write_error_report
from jiuye.imports.tasks import run_import_job
from jiuye.imports.template import template_name, write_template

MAX_UPLOAD = 200 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入类型"), required=False)
    file = forms.FileField(label=gettext_lazy("文件（.xlsx、.xls、.csv）"))
    as_of = forms.DateField(
        label=gettext_lazy("数据截至日期"),
        initial=timezone.localdate,
        widget=DateInput,
        help_text=gettext_lazy("台账反映的是哪一天的情况；未填就业开始日期的行按此日期记录。"),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("先校验，不写入"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "先检查每一行，列出将新增、将更新和被拒绝的行，数据库不作任何改动；"
            "看过结果后在结果页点“确认导入”正式写入，无需重新上传。"
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = kinds.kinds_for(user)
        field: Any = self.fields["kind"]
        field.choices = [(k.code, k.title) for k in allowed]
        if allowed:
            self.fields["kind"].initial = allowed[0].code

    def clean_kind(self) -> str:
        """The kind chosen; a post without one (an older client) means the first offered, the ledger."""
        field: Any = self.fields["kind"]
        return str(self.cleaned_data.get("kind") or (field.choices[0][0] if field.choices else ""))

    def clean_as_of(self) -> Any:
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("数据截至日期不能晚于今天。"))
        return as_of

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in services.ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（最大 200 MB）。"))
        return upload


def _allowed(user: Any) -> list[kinds.ImportKind]:
    allowed = kinds.kinds_for(user)
    if not allowed:
        raise PermissionDenied
    return allowed


@staff_view(Perm.IMPORT_DATA)
def job_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    allowed = _allowed(user)
    form = UploadForm(request.POST or None, request.FILES or None, user=user, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            job = services.import_stage(
                user=user,
                source=Path(handle.name),
                original_name=upload.name,
                as_of=form.cleaned_data["as_of"],
                kind=form.cleaned_data["kind"],
                dry_run=form.cleaned_data["dry_run"],
            )
        run_import_job.enqueue(job_id=job.pk)
        if job.dry_run:
            messages.success(request, _("文件已上传，正在后台校验（不写入）。"))
        else:
            messages.success(request, _("文件已上传，正在后台导入。"))
        return redirect("imports:job_detail", pk=job.pk)
    jobs = services.jobs_for(user).select_related("uploaded_by")
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "imports/job_list.html", {"form": form, "page": page, "query": "", "kinds": allowed}, status=status
    )


@staff_view(Perm.IMPORT_DATA)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    job = get_visible_or_404(services.jobs_for(user).select_related("uploaded_by"), user, pk=pk)
    errors = ImportRowError.objects.filter(job=job).order_by("row", "id")[:20]
    context = {
        "job": job,
        "errors": errors,
        "running": job.status in (ImportStatus.STAGED, ImportStatus.RUNNING),
        "confirmable": services.confirmable(job) and job.uploaded_by_id == user.pk,
    }
    if getattr(request, "htmx", False):
        return render(request, "imports/_job_status.html", context)
    return render(request, "imports/job_detail.html", context)


@staff_view(Perm.IMPORT_DATA)
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the file a finished preview checked."""
    user: Any = request.user
    job = get_visible_or_404(services.jobs_for(user), user, pk=pk)
    try:
        real = services.import_confirm(user=user, job=job)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:job_detail", pk=job.pk)
    run_import_job.enqueue(job_id=real.pk)
    messages.success(request, _("已确认，正在后台导入。"))
    return redirect("imports:job_detail", pk=real.pk)


@staff_view(Perm.IMPORT_DATA)
def job_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: Any = request.user
    job = get_visible_or_404(services.jobs_for(user), user, pk=pk)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = write_error_report(job=job, path=Path(handle.name))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"导入错误报告-{job.pk}.xlsx")
    path.unlink()
    return response


@staff_view(Perm.IMPORT_DATA)
def template_download(request: HttpRequest) -> HttpResponseBase:
    """``?kind=`` — a kind the user may not import is refused (403); an unknown one is a 404."""
    user: Any = request.user
    kind = kinds.get(request.GET.get("kind", "registry.persons"))
    if kind is None:
        raise Http404
    if not has_perm(user, kind.perm):
        raise PermissionDenied
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = write_template(kind, Path(handle.name))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=template_name(kind))
    path.unlink()
    return response
