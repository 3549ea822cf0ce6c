/* KPIs of a period with Chart.js: the daily series, the form funnel, the psychologists' load
   and late cancellations. */

import { managersOnly, request, t, toast } from "./app.js";
import { isoDay } from "./format.js";

const period = document.getElementById("period");
const charts = {};
const COLOURS = ["#2481cc", "#1a7f37", "#b35900", "#c62828", "#7a4cc2", "#6b7280"];

function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
  charts[id] = new Chart(document.getElementById(id), config);
}

function render(report) {
  for (const node of document.querySelectorAll("#kpis [data-field]")) {
    node.textContent = report[node.dataset.field];
  }
  const series = [
    ["new_requests", t("chart_new_requests")], ["appointments", t("chart_sessions")],
    ["completed", t("status_completed")], ["cancelled", t("status_cancelled")],
    ["no_show", t("status_no_show")],
  ];
  draw("daily-chart", {
    type: "line",
    data: {
      labels: report.daily.map((day) => day.date.slice(5).split("-").reverse().join(".")),
      datasets: series.map(([field, label], index) => ({
        label, data: report.daily.map((day) => day[field]), borderColor: COLOURS[index],
        backgroundColor: COLOURS[index], tension: 0.25,
      })),
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const funnels = Object.entries(report.funnel);
  const steps = [...new Set(funnels.flatMap(([, list]) => list.map((step) => step.step)))];
  draw("funnel-chart", {
    type: "bar",
    data: {
      labels: steps,
      datasets: funnels.map(([form, list], index) => ({
        label: form, backgroundColor: COLOURS[index % COLOURS.length],
        data: steps.map((name) => (list.find((step) => step.step === name) || { count: 0 }).count),
      })),
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  percentByPsychologist("load-chart", report, "load_percent", COLOURS[0]);
  percentByPsychologist("late-chart", report, "late_cancel_percent", COLOURS[3]);
}

function percentByPsychologist(id, report, field, colour) {
  draw(id, {
    type: "bar",
    data: {
      labels: report.psychologists.map((row) => row.name),
      datasets: [{ label: "%", data: report.psychologists.map((row) => row[field]), backgroundColor: colour }],
    },
    options: { scales: { y: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } },
  });
}

async function load() {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(period)) if (value) query.set(name, value);
  render(await request("GET", `/api/v1/system/reports?${query}`));
  document.body.dataset.loaded = "true";
}

period.addEventListener("change", () => load().catch((error) => toast(error.message)));

(async () => {
  const today = new Date();
  period.elements.date_to.value = isoDay(today);
  period.elements.date_from.value = isoDay(new Date(today.getTime() - 29 * 86400000));
  if (!(await managersOnly())) return;
  await load().catch((error) => toast(error.message));
})();
