// Draws the indicator chart with Chart.js from the JSON the page carries. The same numbers
// are always in the table on the page, so nothing is lost without JavaScript.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("indicator-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  canvas.closest("figure").hidden = false; // empty without the script: hidden until drawn
  const data = JSON.parse(source.textContent);
  const names = document.getElementById("chart-labels").dataset;
  const flat = (value) => data.labels.map(() => value);
  const datasets = [
    // A year without a measurement is a gap in the line, in its place on the axis: a line
    // across it would read as a measurement (fresh eyes round 22).
    { label: names.value, data: data.values, borderColor: "#0b4f6c", backgroundColor: "#0b4f6c", tension: 0, spanGaps: false },
  ];
  if (data.comparison.some((v) => v !== null)) {
    datasets.push({ label: names.comparison, data: data.comparison, borderColor: "#6c4a00", backgroundColor: "#6c4a00", borderDash: [6, 4], spanGaps: false });
  }
  if (data.baseline !== null) {
    datasets.push({ label: names.baseline, data: flat(data.baseline), borderColor: "#6c757d", pointRadius: 0, borderDash: [2, 3] });
  }
  if (data.target !== null) {
    datasets.push({ label: names.target, data: flat(data.target), borderColor: "#146c43", pointRadius: 0, borderDash: [10, 4] });
  }
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { title: { display: data.unit === "percent", text: "%" } } },
    },
  });
})();
