// One server: status, chart, history, recent results, notifications and actions; updated live.
import { ApiError, api } from "./api.js";
import { renderCert } from "./cert.js";
import { drawChart } from "./chart.js";
import { $, $$, flash, fmtAgo, fmtMs, fmtPct, fmtTime, h, statusBadge } from "./dom.js";
import { followStatus } from "./live.js";
import { setupNotifications } from "./notifications.js";
import { renderPush, scheduleOf } from "./push.js";
import { reportError, startPage } from "./shell.js";
import { renderTrial, verdictTable } from "./trial.js";

const serverId = Number(document.body.dataset.serverId);
const RESULTS = 20;
let server = null;
let status = null;
let chartWindow = "1h";
let plot = null;
let frame = 0;
let results = [];

function target(s) {
  if (s.protocol === "push") return "push (heartbeat)";
  if (s.protocol === "tcp") return `tcp://${s.host}:${s.port}`;
  if (s.protocol === "icmp") return `icmp://${s.host}`;
  if (s.protocol === "dns") {
    const resolver = s.dns.resolvers.length ? `//${s.dns.resolvers[0]}/` : "";
    return `dns:${resolver}${s.host}?type=${s.dns.record_type}`;  // as kinds/dns.describe writes it
  }
  const port = s.port && ![80, 443].includes(s.port) ? `:${s.port}` : "";
  return `${s.protocol}://${s.host}${port}${s.path}`;
}

function renderServer() {
  document.title = `${server.name} · PulseGuard`;
  $("#server-name").textContent = server.name;
  const tags = (server.tags || []).map((tag) => h("a", { class: "tag", href: `/?tag=${encodeURIComponent(tag)}` }, tag));
  $("#server-target").replaceChildren(target(server), " ", ...tags);
  $("#s-interval").textContent = server.push
    ? scheduleOf(server.push)
    : `every ${server.check_interval} s, timeout ${server.timeout} s`;
  renderPush(server);
  const pause = $("#toggle-pause");
  pause.disabled = false;
  pause.textContent = server.status === "active" ? "Pause" : "Resume";
  renderStatus();
}

function renderStatus() {
  if (!status || !server) return;
  const shown = server.status === "active" ? status.status : "paused";
  const label = server.status === "active" ? status.status : server.status;
  $("#s-status").replaceWith(Object.assign(statusBadge(shown, label), { id: "s-status" }));
  $("#s-message").textContent = status.message || "–";
  $("#s-last").textContent = fmtAgo(status.last_check);
  $("#s-last").title = fmtTime(status.last_check);
  $("#s-rt").textContent = fmtMs(status.last_response_time);
  const u = status.uptime || {};
  $("#s-uptime").textContent = `${fmtPct(u["24h"])} / ${fmtPct(u["7d"])} / ${fmtPct(u["30d"])}`;
  renderCert(server.protocol === "https" ? status.cert : null);
}

function renderResults() {
  const body = $("#results");
  if (!results.length) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No checks yet.")));
    return;
  }
  body.replaceChildren(
    ...results.map((r) =>
      h(
        "tr",
        { dataset: { id: r.id } },
        h("td", { title: fmtTime(r.check_timestamp) }, new Date(r.check_timestamp).toLocaleTimeString()),
        h("td", {}, statusBadge(r.status === "success" ? "up" : "down", r.status)),
        h("td", { class: "num" }, fmtMs(r.response_time)),
        h("td", {}, detailOf(r)),
      ),
    ),
  );
}

function renderVerdicts() {
  const latest = results.find((r) => !r.kind || r.kind === "check");
  const card = $("#verdicts-card");
  card.hidden = !(latest && latest.assertions && latest.assertions.length);
  if (card.hidden) return;
  $("#verdicts-when").textContent = `Checked ${fmtAgo(latest.check_timestamp)}.`;
  $("#verdicts").replaceChildren(verdictTable(latest.assertions));
}

function detailOf(r) {
  const text = r.error_message || (r.status_code ? `HTTP ${r.status_code}` : "");
  if (!r.kind || r.kind === "check") return text;
  const msg = r.details && r.details.msg;
  return [r.kind, text || msg].filter(Boolean).join(": "); // push: start, success, fail, log, missed
}

async function loadHistory() {
  const list = $("#history");
  try {
    const { data } = await api("GET", `/api/status-changes/?server_id=${serverId}&page_size=20`);
    if (!data.length) {
      list.replaceChildren(h("li", { class: "muted" }, "No status changes yet."));
      return;
    }
    list.replaceChildren(
      ...data.map((c) =>
        h(
          "li",
          {},
          statusBadge(c.old_status),
          h("span", { "aria-hidden": "true" }, " → "),
          h("span", { class: "sr-only" }, " to "),
          statusBadge(c.new_status),
          h("span", { class: "when", title: fmtTime(c.created_at) }, ` ${fmtAgo(c.created_at)}`),
          c.message ? h("span", { class: "muted" }, ` · ${c.message}`) : null,
        ),
      ),
    );
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      list.replaceChildren(h("li", { class: "muted" }, "This PulseGuard does not record status history."));
    } else throw error;
  }
}

async function loadChart() {
  const answer = await api("GET", `/api/servers/${serverId}/response-times/?window=${chartWindow}`);
  plot = drawChart($("#chart"), answer, plot);
  const checks = answer.buckets.reduce((n, b) => n + b.checks, 0);
  const failures = answer.buckets.reduce((n, b) => n + b.failures, 0);
  $("#chart-note").textContent = checks
    ? `${checks} checks, ${failures} failed; each point averages ${answer.bucket_seconds / 60} min.`
    : "No checks in this period yet.";
}

function throttled(fn, ms) {
  let timer = null;
  return () => {
    if (!timer) timer = setTimeout(() => ((timer = null), fn()), ms);
  };
}
const refreshChart = throttled(() => loadChart().catch(reportError), 3000);
const refreshHistory = throttled(() => loadHistory().catch(reportError), 1000);

function onStatus(update) {
  if (update.server !== serverId) return;
  if (status && update.status !== status.status) refreshHistory();
  status = { ...status, ...update, uptime: update.uptime || (status && status.uptime) };
  schedule();
}

function onPing(ping) {
  if (ping.server !== serverId || results.some((r) => r.id === ping.id)) return;
  results = [ping, ...results].slice(0, RESULTS);
  schedule();
  refreshChart();
}

function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    renderStatus();
    renderResults();
    renderVerdicts();
  });
}

function bindActions(me) {
  $("#toggle-pause").addEventListener("click", async () => {
    try {
      const next = server.status === "active" ? "paused" : "active";
      server = await api("PATCH", `/api/servers/${serverId}/`, { status: next });
      renderServer();
      flash(next === "paused" ? "Monitoring paused." : "Monitoring resumed.", "info");
    } catch (error) {
      reportError(error);
    }
  });
  const check = $("#check-now");
  check.hidden = !me.is_admin || server.protocol === "push"; // nothing to probe
  check.addEventListener("click", async () => {
    try {
      await api("POST", "/api/checks/run/", { server_ids: [serverId] });
      flash("Check queued: the result appears here as soon as it is in.", "info");
    } catch (error) {
      reportError(error);
    }
  });
  const test = $("#test-server");
  test.hidden = false;
  test.addEventListener("click", async () => {
    test.disabled = true;
    try {
      renderTrial($("#trial"), await api("POST", `/api/servers/${serverId}/test/`));
      $("#trial").scrollIntoView({ block: "nearest" });
    } catch (error) {
      reportError(error);
    } finally {
      test.disabled = false;
    }
  });
  const dialog = $("#confirm-delete");
  $("#delete").addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      await api("DELETE", `/api/servers/${serverId}/`);
      location.assign("/");
    } catch (error) {
      reportError(error);
    }
  });
  for (const tab of $$(".tab")) {
    tab.addEventListener("click", () => {
      chartWindow = tab.dataset.window;
      for (const other of $$(".tab")) other.setAttribute("aria-pressed", String(other === tab));
      loadChart().catch(reportError);
    });
  }
  setInterval(() => status && ($("#s-last").textContent = fmtAgo(status.last_check)), 5000);
}

async function main() {
  const me = await startPage();
  try {
    server = await api("GET", `/api/servers/${serverId}/`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $("#main").replaceChildren(h("h1", {}, "Server not found"), h("p", {}, h("a", { href: "/" }, "Back to all servers")));
      return;
    }
    throw error;
  }
  bindActions(me);
  const [statuses, pings] = await Promise.all([
    api("GET", `/api/server-status/?server_id=${serverId}`),
    api("GET", `/api/ping-results/?server_id=${serverId}&page_size=${RESULTS}`),
  ]);
  status = statuses.data[0] || null;
  results = pings.data;
  renderServer();
  renderResults();
  renderVerdicts();
  await Promise.all([loadChart(), loadHistory(), setupNotifications(serverId)]);
  document.body.dataset.ready = "true";
  followStatus({ serverIds: [serverId], onStatus, onPing });
}

main().catch(reportError);
