// The response-time chart: uPlot (vendored), average per bucket, failures as red marks.
import uPlot from "../vendor/uplot/uPlot.esm.js";

function size(el) {
  return { width: Math.max(280, el.clientWidth), height: el.clientWidth < 500 ? 180 : 240 };
}

/** Draw (or redraw) the chart of a /response-times/ answer into el; returns the uPlot. */
export function drawChart(el, answer, previous) {
  const times = answer.buckets.map((b) => Date.parse(b.start) / 1000 + answer.bucket_seconds / 2);
  const avg = answer.buckets.map((b) => b.avg_response_time);
  const max = answer.buckets.map((b) => b.max_response_time);
  const top = Math.max(1, ...avg.filter((v) => v !== null), ...max.filter((v) => v !== null));
  // A failure mark sits along the top of the chart in each bucket that had failures.
  const failures = answer.buckets.map((b) => (b.failures ? top * 1.05 : null));
  const data = [times, avg, max, failures];
  if (previous) {
    previous.setData(data);
    return previous;
  }
  const options = {
    ...size(el),
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, Math.max(10, hi * 1.1)] } },
    axes: [{}, { values: (u, ticks) => ticks.map((v) => `${v} ms`), size: 70 }],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      {},
      { label: "avg ms", stroke: "#2563eb", width: 2, spanGaps: false, fill: "rgba(37,99,235,0.08)" },
      { label: "max ms", stroke: "#94a3b8", width: 1, dash: [4, 4], spanGaps: false },
      {
        label: "failures",
        stroke: "#dc2626",
        paths: () => null,
        points: { show: true, size: 9, fill: "#dc2626", stroke: "#dc2626" },
        value: (u, v, si, i) => (v === null ? "–" : String(answer.buckets[i].failures)),
      },
    ],
  };
  const plot = new uPlot(options, data, el);
  new ResizeObserver(() => plot.setSize(size(el))).observe(el);
  return plot;
}
