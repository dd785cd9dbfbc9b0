"""Stored statistics: measurements, entered figures, targets, parameters and period locks.

Indicator *definitions* live in code (``catalogue``); these tables hold what varies by place and
time. Every table is keyed by indicator code and region code (a plain column, so that scoping is
one ``LIKE 'prefix%'`` and a measurement row needs no join).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.scoping import ScopedModel, ScopedQuerySet
from jiuye.indicators import catalogue


def _indicator_name(code: str) -> str:
    indicator = catalogue.get(code)
    return str(indicator.name) if indicator else code


class Measurement(ScopedModel):
    """The value of one indicator for one region and month (the state on the month's last day;
    flows count from 1 January up to that day)."""

    scope_field: ClassVar[str] = "region_code"

    indicator = models.CharField(_("指标代码"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    period = models.DateField(_("统计月份"))  # the first day of the month
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标测量值")
        verbose_name_plural = _("指标测量值")
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "region_code"], name="measurement_unique"),
        ]
        indexes = [models.Index(fields=["region_code", "indicator", "period"], name="measurement_region_idx")]

    def __str__(self) -> str:
        return f"{_indicator_name(self.indicator)} {self.period:%Y-%m}"


class EnteredValue(ScopedModel):
    """A figure that comes from elsewhere (统计局 survey, a denominator), entered with its source."""

    scope_field: ClassVar[str] = "region_code"

    indicator = models.CharField(_("指标代码"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    period = models.DateField(_("统计月份"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("录入指标值")
        verbose_name_plural = _("录入指标值")
        ordering = ["indicator", "region_code", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region_code", "period"], name="entered_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{_indicator_name(self.indicator)} {self.period:%Y-%m}"


class Target(ScopedModel):
    """目标责任制: a target for one indicator, region and span of years (a year: start = end)."""

    scope_field: ClassVar[str] = "region_code"

    indicator = models.CharField(_("指标代码"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("终止年度"))
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["indicator", "region_code", "start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "start_year", "end_year"], name="target_unique"
            ),
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="target_span"),
        ]

    def __str__(self) -> str:
        years = str(self.start_year) if self.start_year == self.end_year else f"{self.start_year}–{self.end_year}"
        return f"{_indicator_name(self.indicator)} {years}"


class IndicatorSetting(models.Model):
    """The parameters of a definition that varies by place (a city-wide setting)."""

    indicator = models.CharField(_("指标代码"), max_length=60, unique=True)
    params = models.JSONField(_("参数"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标口径参数")
        verbose_name_plural = _("指标口径参数")

    def __str__(self) -> str:
        return self.indicator


class PeriodLock(models.Model):
    """A closed month: its measurements are frozen until an authorised officer reopens it."""

    period = models.DateField(_("统计月份"), unique=True)
    locked = models.BooleanField(_("已锁定"), default=True)
    reason = models.CharField(_("原因"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("操作时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计期锁定")
        verbose_name_plural = _("统计期锁定")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period.strftime("%Y-%m")


class StalePeriod(models.Model):
    """A month whose measurements a change of records has made out of date."""

    period = models.DateField(_("统计月份"), unique=True)
    marked_at = models.DateTimeField(_("标记时间"), auto_now=True)

    class Meta:
        verbose_name = _("待重算月份")
        verbose_name_plural = _("待重算月份")

    def __str__(self) -> str:
        return self.period.strftime("%Y-%m")


class MapBoundary(ScopedModel):
    """The bureau's own boundaries (GeoJSON) of a region's subdivisions, for the dashboard map.

    Each feature names its unit by ``properties.code`` (12 or 6 digits) or ``properties.name``.
    """

    scope_field: ClassVar[str] = "region_code"

    region_code = models.CharField(_("上级区划代码"), max_length=12, unique=True)
    geojson = models.JSONField(_("边界数据"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("地图边界")
        verbose_name_plural = _("地图边界")

    def __str__(self) -> str:
        return self.region_code
