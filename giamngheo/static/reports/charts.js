/* Draws the report charts from the page's json_script data (Chart.js, served locally). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = JSON.parse(document.getElementById("chart-labels").textContent);
  var number = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var percent = function (v) { return v === null || v === undefined ? "" : number.format(v) + "%"; };
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + percent(c.parsed.y !== undefined && c.chart.options.indexAxis !== "y" ? c.parsed.y : c.parsed.x); } } },
      legend: { position: "bottom" }
    }
  };
  var axis = { ticks: { callback: function (v) { return percent(v); } }, beginAtZero: true };
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }
  if (data.trend) {
    draw("trend-chart", {
      type: "line",
      data: { labels: data.trend.labels, datasets: [
        { label: labels.poor, data: data.trend.poor, borderColor: "#a3141b", backgroundColor: "#a3141b", tension: 0.2 },
        { label: labels.near_poor, data: data.trend.near_poor, borderColor: "#0b5cad", backgroundColor: "#0b5cad", tension: 0.2 }
      ] },
      options: Object.assign({}, common, { scales: { y: axis } })
    });
  }
  if (data.communes) {
    draw("commune-chart", {
      type: "bar",
      data: { labels: data.communes.labels, datasets: [
        { label: labels.poor, data: data.communes.poor, backgroundColor: "#a3141b" },
        { label: labels.near_poor, data: data.communes.near_poor, backgroundColor: "#0b5cad" }
      ] },
      options: Object.assign({}, common, { scales: { y: axis } })
    });
  }
  if (data.deprivations) {
    draw("deprivation-chart", {
      type: "bar",
      data: { labels: data.deprivations.labels, datasets: [
        { label: labels.deprived, data: data.deprivations.share, backgroundColor: "#9a6700" }
      ] },
      options: Object.assign({}, common, { indexAxis: "y", scales: { x: axis } })
    });
  }
})();
