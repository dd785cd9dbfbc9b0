"""Staged imports: the stored file, its progress checkpoint, and every rejected row."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.crypto import EncryptedTextField
from jiuye.core.scoping import ScopedModel, ScopedQuerySet


class ImportStatus(models.TextChoices):
    STAGED = "staged", _("已上传")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("文件无法导入")


class ImportJob(ScopedModel):
    """One uploaded file and what became of it; scoped by the uploader's write region. Who may
    open it is decided by its kind too (``services.jobs_for``): a ledger's job only by a user who
    may import ledgers."""

    scope_field: ClassVar[str] = "region_code"

    kind = models.CharField(_("类型"), max_length=32)  # an import kind's code (``imports.kinds``)
    original_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(_("存储路径"), max_length=500)
    sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT)
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    as_of = models.DateField(_("数据截至日期"))
    dry_run = models.BooleanField(_("仅校验"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.STAGED)
    message = models.TextField(_("说明"), blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    last_row = models.PositiveIntegerField(_("已提交至源行号"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    columns = models.JSONField(_("源文件列"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def kind_title(self) -> Any:
        from jiuye.imports import kinds

        known = kinds.get(self.kind)
        return known.title if known else self.kind


class ImportRowError(models.Model):
    """A rejected row: its number in the source sheet, the column, the value and the reason."""

    job = models.ForeignKey(ImportJob, verbose_name=_("导入任务"), on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("源行号"))
    column = models.CharField(_("列"), max_length=50)
    # The value and the row as read may hold ID numbers and phones: stored encrypted.
    value = EncryptedTextField(_("值"), purpose="imports.error.value", blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    cells = EncryptedTextField(_("原始行（JSON）"), purpose="imports.error.cells", blank=True)

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ["job", "row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="import_error_job_row")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row} {self.column}"
