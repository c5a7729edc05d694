/* The park's coverage rate at the end of each month (the monthly snapshots), then today's, as a line.
 * The figures come from the page (json_script "coverage-trend-data"); nothing is fetched. */
(function () {
  "use strict";

  var holder = document.getElementById("coverage-trend");
  var source = document.getElementById("coverage-trend-data");
  if (!holder || !source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var last = data.rate.length - 1;

  holder.style.height = "260px";

  var css = getComputedStyle(document.documentElement);
  var colour = css.getPropertyValue("--chart-covered").trim() || "#b3261e";

  // Today's point is drawn apart: it is a live figure, the others are month ends.
  var points = data.rate.map(function (value, index) {
    if (index !== last) {
      return value;
    }
    return { value: value, symbol: "diamond", symbolSize: 11, label: { show: true, formatter: data.series.today } };
  });

  var chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    color: [colour],
    animationDuration: 400,
    // Room on the right for the last label, today's date, which is longer than the months'.
    grid: { top: 24, left: 8, right: 40, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      // "84.5% · 251 / 297": the rate and the two figures it comes from.
      formatter: function (items) {
        var index = items[0].dataIndex;
        var rate = data.rate[index] === null ? "—" : data.rate[index].toFixed(1) + "%";
        return data.labels[index] + "<br>" + data.series.rate + ": " + rate +
          " · " + data.covered[index] + " / " + data.total[index];
      }
    },
    xAxis: { type: "category", boundaryGap: false, data: data.labels },
    yAxis: {
      type: "value",
      scale: true,
      max: function (extent) {
        return Math.min(100, Math.ceil(extent.max + 1));
      },
      axisLabel: { formatter: "{value}%" }
    },
    series: [
      {
        name: data.series.rate,
        type: "line",
        data: points,
        symbolSize: 6,
        connectNulls: false,
        areaStyle: { opacity: 0.08 }
      }
    ]
  });
  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
