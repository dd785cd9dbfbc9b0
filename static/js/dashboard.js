// The dashboard's charts, drawn from the JSON the page carries (no request of its own).
(function () {
  function init() {
    const source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    // Charts count in whole persons (households) where the headline tile says 万人 (the server
    // chose the unit and rounded the values: indicators.display).
    const unit = data.focus.unit;
    const digits = data.focus.decimals;
    const fmt = (v) => (v === null || v === undefined ? "—"
      : Number(v).toLocaleString("zh-CN", { minimumFractionDigits: digits, maximumFractionDigits: digits }));

    const trendEl = document.getElementById("trend-chart");
    if (trendEl) {
      const chart = echarts.init(trendEl);
      const series = {
        type: "line", smooth: false, symbolSize: 7, connectNulls: false,
        data: data.trend.map((p) => p.value), itemStyle: { color: "#1d5fa8" }, areaStyle: { opacity: 0.08 },
      };
      if (data.trendTarget !== null) {
        series.markLine = { symbol: "none", lineStyle: { color: "#b42318", type: "dashed" },
          label: { formatter: "目标 " + fmt(data.trendTarget), position: "insideEndTop" }, data: [{ yAxis: data.trendTarget }] };
      }
      chart.setOption({
        grid: { left: 56, right: 24, top: 28, bottom: 36 },
        tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) + unit },
        xAxis: { type: "category", data: data.trend.map((p) => p.period) },
        // The target's line stays in view even when the figures are far below it.
        yAxis: { type: "value", name: unit, scale: true,
          max: data.trendTarget === null ? null : (v) => Math.max(v.max, data.trendTarget) },
        series: [series],
      });
      charts.push(chart);
    }

    const compareEl = document.getElementById("compare-chart");
    if (compareEl) {
      const rows = data.children.filter((c) => c.value !== null).sort((a, b) => a.value - b.value);
      const chart = echarts.init(compareEl);
      chart.setOption({
        grid: { left: 96, right: 48, top: 12, bottom: 24 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => fmt(v) + unit },
        xAxis: { type: "value", name: unit },
        yAxis: { type: "category", data: rows.map((c) => c.name), axisLabel: { width: 88, overflow: "truncate" } },
        series: [{ type: "bar", data: rows.map((c) => c.value), itemStyle: { color: "#1d5fa8" },
          label: { show: rows.length <= 30, position: "right", formatter: (p) => fmt(p.value) } }],
      });
      chart.on("click", (p) => { const row = rows[p.dataIndex]; if (row) window.location.href = row.url; });
      charts.push(chart);
    }

    const mapEl = document.getElementById("map-chart");
    if (mapEl && data.map) {
      echarts.registerMap("jiuye-region", data.map);
      const byCode = Object.fromEntries(data.children.map((c) => [c.code, c]));
      const values = data.children.map((c) => c.value).filter((v) => v !== null);
      const chart = echarts.init(mapEl);
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => p.name + "：" + fmt(p.value) + unit },
        visualMap: { min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 1,
          left: 8, bottom: 8, calculable: true, inRange: { color: ["#e8f1fb", "#1d5fa8"] }, text: ["高", "低"] },
        series: [{ type: "map", map: "jiuye-region", nameProperty: "name", roam: true,
          label: { show: true, fontSize: 11 },
          data: data.map.features.map((f) => ({ name: f.properties.name, value: (byCode[f.properties.code] || {}).value ?? null,
            code: f.properties.code })) }],
      });
      chart.on("click", (p) => { const row = byCode[p.data && p.data.code]; if (row) window.location.href = row.url; });
      charts.push(chart);
    }
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
