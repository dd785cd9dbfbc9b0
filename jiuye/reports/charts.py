"""Charts for the report (PNG, drawn with matplotlib from measurements)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from jiuye.indicators import catalogue, display
from jiuye.indicators.models import Measurement
from jiuye.regions.models import Region

_CJK = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")


def _font() -> list[str]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in _CJK if name in installed] or ["DejaVu Sans"]


def _figure() -> tuple[plt.Figure, plt.Axes]:
    plt.rcParams["font.family"] = _font()
    plt.rcParams["axes.unicode_minus"] = False
    figure, axes = plt.subplots(figsize=(6.4, 3.0), dpi=150)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def chart(spec: str, region: Region, year: int, period: date | None) -> tuple[bytes, str] | None:
    """``trend:<code>`` (the year's months) or ``compare:<code>`` (the subdivisions at the
    report month). None when the indicator or its figures are missing."""
    kind, _sep, code = spec.partition(":")
    indicator = catalogue.get(code)
    if indicator is None or period is None:
        return None
    figure, axes = _figure()
    if kind == "trend":
        rows = list(
            Measurement.objects.filter(indicator=code, region_code=region.code, period__year=year)
            .order_by("period")
            .values_list("period", "value")
        )
        if not rows:
            plt.close(figure)
            return None
        scale = display.scale_for(indicator, region_code=region.code, values=[v for _p, v in rows])
        unit = scale.unit
        xs = [f"{p.month}月" for p, _v in rows]
        ys = [float(scale.value(v) or 0) for _p, v in rows]
        axes.plot(xs, ys, marker="o", color="#1d5fa8")
        axes.fill_between(xs, ys, alpha=0.08, color="#1d5fa8")
        title = (
            f"{region.name}{year}年{indicator.name}（{unit}，年初至各月累计）"
            if indicator.kind == "flow"
            else f"{region.name}{year}年各月{indicator.name}（{unit}）"
        )
    elif kind == "compare":
        children = dict(Region.objects.filter(parent=region).values_list("code", "name"))
        bars: list[tuple[str, Decimal]] = list(
            Measurement.objects.filter(indicator=code, region_code__in=list(children), period=period).values_list(
                "region_code", "value"
            )
        )
        if not bars:
            plt.close(figure)
            return None
        bars.sort(key=lambda r: r[1])
        unit = indicator.base.unit  # the subdivisions are below the city: whole persons
        values = [float(indicator.base.value(v) or 0) for _c, v in bars]
        axes.barh([children[c] for c, _v in bars], values, color="#1d5fa8")
        axes.tick_params(axis="y", labelsize=8)
        title = f"{period.year}年{period.month}月各下级单位{indicator.name}（{unit}）"
    else:
        plt.close(figure)
        return None
    axes.set_title(title, fontsize=10)
    return _png(figure), title
