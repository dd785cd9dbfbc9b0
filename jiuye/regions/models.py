"""The region tree, keyed by the 12-digit 统计用区划代码."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.permissions import LEVEL_DEPTH, Level
from jiuye.core.scoping import ScopedModel, ScopedQuerySet, code_prefix


class Region(ScopedModel):
    """A city, county, town or village (community), or a zone from the reserved range."""

    scope_field: ClassVar[str] = "code"

    code = models.CharField(_("统计用区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    urban = models.BooleanField(
        _("城镇（社区居委会）"),
        null=True,
        blank=True,
        help_text=_("村级单位：是为社区居委会，否为村委会。"),
    )
    is_zone = models.BooleanField(_("功能区（无官方代码）"), default=False)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return code_prefix(self.code)

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[Level(self.level)]

    def ancestors(self) -> list[Region]:
        """From the root down to the parent, in one query."""
        codes = ancestor_codes(self.code)
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


def ancestor_codes(code: str) -> list[str]:
    """The codes of the city, county and town above ``code`` (those that exist by shape)."""
    prefix = code_prefix(code)
    out = []
    for length in (4, 6, 9):
        if length < len(prefix):
            out.append(prefix[:length].ljust(12, "0"))
    return out
