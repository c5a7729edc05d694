/* Coverage per district, grid or industry as horizontal bars: enterprises and those covered.
 * The figures come from the page (json_script "coverage-chart-data"); nothing is fetched. */
(function () {
  "use strict";

  var holder = document.getElementById("coverage-chart");
  var source = document.getElementById("coverage-chart-data");
  if (!holder || !source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);

  // Horizontal bars keep long Chinese names readable on a phone; the chart grows with the groups.
  holder.style.height = Math.max(220, data.labels.length * 44 + 80) + "px";

  var css = getComputedStyle(document.documentElement);
  var colour = function (name, fallback) {
    return css.getPropertyValue(name).trim() || fallback;
  };

  var chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    color: [colour("--chart-total", "#e3d5ca"), colour("--chart-covered", "#b3261e")],
    animationDuration: 400,
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      // Our own text: ECharts' default tooltip writes style attributes, which the page's
      // Content-Security-Policy (style-src 'self') refuses. The names come escaped from ECharts' helper.
      formatter: function (items) {
        var lines = [echarts.format.encodeHTML(items[0].name)];
        items.forEach(function (item) {
          lines.push(echarts.format.encodeHTML(item.seriesName) + ": " + item.value);
        });
        return lines.join("<br>");
      }
    },
    legend: { top: 0, data: [data.series.total, data.series.covered] },
    grid: { top: 36, left: 8, right: 24, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category",
      inverse: true,
      data: data.labels,
      axisLabel: { width: 120, overflow: "truncate" }
    },
    series: [
      { name: data.series.total, type: "bar", data: data.total, barGap: "-100%", barMaxWidth: 22 },
      {
        name: data.series.covered,
        type: "bar",
        data: data.covered,
        barMaxWidth: 22,
        // "covered / total" at the end of each bar: the two figures a committee reads together.
        label: {
          show: true,
          position: "right",
          formatter: function (item) {
            return item.value + " / " + data.total[item.dataIndex];
          }
        }
      }
    ]
  });
  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
