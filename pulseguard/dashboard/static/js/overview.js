// The overview: counts, filters and one page of servers from the server; live updates batched per frame.
import { api } from "./api.js";
import { $, $$, fmtAgo, fmtMs, fmtPct, h, statusBadge } from "./dom.js";
import { followStatus } from "./live.js";
import { reportError, startPage } from "./shell.js";

const PAGE_SIZE = 50;
const STATUS_WORDS = {
  up: "Up",
  down: "Down",
  degraded: "Degraded",
  unknown: "Unknown",
  paused: "Paused",
};
const view = { page: 1, q: "", status: "", tag: "", sort: "status", maintenance: "" };
const rows = new Map(); // server id -> {data, el} for the rows on screen
const known = new Map(); // server id -> last status seen, on screen or not
const pending = new Map(); // server id -> status update waiting for the next frame
const strips = new Set(); // ids of the rows whose strip has new results for the next frame
const STRIP = 30; // results per strip, as /api/overview/ gives them
let frame = 0;
let totalPages = 1;
let loadSeq = 0;

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const key of Object.keys(view)) if (params.has(key)) view[key] = params.get(key);
  view.page = Math.max(1, parseInt(view.page, 10) || 1);
  $("#f-q").value = view.q;
  $("#f-status").value = view.status;
  $("#f-sort").value = view.sort;
}

function writeUrl() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(view)) {
    if (value && !(key === "page" && value === 1) && !(key === "sort" && value === "status")) {
      params.set(key, value);
    }
  }
  const query = params.toString();
  history.replaceState(null, "", query ? `/?${query}` : "/");
}

function query(extra = {}) {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  if (view.tag) params.set("tag", view.tag);
  if (view.maintenance) params.set("maintenance", "true");
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params;
}

// The last 30 results, oldest first: one mark each, its time and outcome in its title.
function renderStrip(recent) {
  const counts = {};
  const marks = (recent || []).map((r) => {
    const kind = r.maintenance ? "maintenance" : r.status === "success" ? "ok" : "bad";
    counts[kind] = (counts[kind] || 0) + 1;
    const time = new Date(r.at).toLocaleString();
    const rt = r.response_time === null || r.response_time === undefined ? "" : `, ${fmtMs(r.response_time)}`;
    return h("i", { class: `r r-${kind}`, title: `${time}: ${r.status}${rt}` });
  });
  const words = [["ok", "succeeded"], ["bad", "failed"], ["maintenance", "in maintenance"]]
    .filter(([kind]) => counts[kind])
    .map(([kind, word]) => `${counts[kind]} ${word}`);
  const label = marks.length ? `Last ${marks.length} results: ${words.join(", ")}` : "No results yet";
  return h("span", { class: "strip", role: "img", "aria-label": label }, marks);
}

function renderRow(server) {
  // In a window the row says "maintenance", as REST does: the measured status, then a badge.
  const maintained = server.status === "maintenance";
  const shown = maintained ? server.measured_status || server.health : server.status;
  const statusText = server.status === "paused" ? server.monitoring : shown;
  const target =
    server.protocol === "push"
      ? "push (heartbeat)"
      : server.protocol === "tcp"
      ? `tcp://${server.host}:${server.port}`
      : `${server.protocol}://${server.host}${server.port && ![80, 443].includes(server.port) ? `:${server.port}` : ""}${server.path}`;
  const uptime = server.uptime || {};
  return h(
    "tr",
    { dataset: { id: server.id, status: server.status, maintenance: String(Boolean(server.in_maintenance)) } },
    h(
      "td",
      { class: "c-status", "data-label": "Status" },
      statusBadge(shown, statusText),
      server.in_maintenance
        ? h("span", { class: "badge badge-maintenance badge-in-window", title: "In maintenance now" }, "maintenance")
        : null,
    ),
    h(
      "td",
      { class: "c-name", "data-label": "Server" },
      h("a", { href: `/servers/${server.id}` }, server.name),
      h("span", { class: "target muted" }, target),
      shown !== "up" && server.message && server.status !== "paused"
        ? h("span", { class: "message" }, server.message)
        : null,
    ),
    h(
      "td",
      { class: "c-last", "data-label": "Last check", title: server.last_check || "" },
      fmtAgo(server.last_check),
    ),
    h("td", { class: "c-strip", "data-label": "Last 30" }, renderStrip(server.recent)),
    h("td", { class: "num c-rt", "data-label": "Response" }, fmtMs(server.response_time)),
    h("td", { class: "num c-u24", "data-label": "Uptime 24 h" }, fmtPct(uptime["24h"])),
    h("td", { class: "num c-u7", "data-label": "7 d" }, fmtPct(uptime["7d"])),
    h("td", { class: "num c-u30", "data-label": "30 d" }, fmtPct(uptime["30d"])),
    h(
      "td",
      { class: "c-tags", "data-label": "Tags" },
      (server.tags || []).map((tag) =>
        h("button", { type: "button", class: "tag", dataset: { tag }, title: `Only ${tag}` }, tag),
      ),
    ),
  );
}

// Change the cells in place: a row that keeps its elements keeps the keyboard focus too.
function updateRow(el, server) {
  const fresh = renderRow(server);
  el.dataset.status = server.status;
  el.dataset.maintenance = String(Boolean(server.in_maintenance));
  for (const cell of ["c-status", "c-last", "c-rt", "c-u24", "c-u7", "c-u30"]) {
    el.querySelector(`.${cell}`).replaceWith(fresh.querySelector(`.${cell}`));
  }
  const message = el.querySelector(".c-name .message");
  const freshMessage = fresh.querySelector(".c-name .message");
  if (message && freshMessage) message.replaceWith(freshMessage);
  else if (message) message.remove();
  else if (freshMessage) el.querySelector(".c-name").append(freshMessage);
}

async function loadPage() {
  const seq = ++loadSeq;
  const params = query({ page: view.page, page_size: PAGE_SIZE, sort: view.sort });
  if (view.status) params.set("status", view.status);
  const { data, pagination } = await api("GET", `/api/overview/?${params}`);
  if (seq !== loadSeq) return; // a newer request has been made meanwhile
  if (view.page > 1 && !data.length && pagination.total) {
    view.page = pagination.last_page || 1;
    return loadPage();
  }
  totalPages = pagination.total_pages || 1;
  const body = $("#servers tbody");
  const fragment = document.createDocumentFragment();
  rows.clear();
  for (const server of data) {
    const el = renderRow(server);
    rows.set(server.id, { data: server, el });
    known.set(server.id, server.status);
    fragment.append(el);
  }
  // Keep the keyboard focus on the same server's link or tag when the rows are redrawn.
  const focused = body.contains(document.activeElement) ? document.activeElement : null;
  const focusRow = focused && focused.closest("tr") ? focused.closest("tr").dataset.id : null;
  const focusTag = focused && focused.dataset.tag;
  body.replaceChildren(fragment);
  if (focusRow) {
    const target = body.querySelector(
      focusTag ? `tr[data-id="${focusRow}"] .tag[data-tag="${CSS.escape(focusTag)}"]` : `tr[data-id="${focusRow}"] a`,
    );
    if (target) target.focus();
  }
  const empty = $("#empty");
  empty.hidden = data.length > 0;
  empty.textContent =
    view.q || view.status || view.tag || view.maintenance
      ? "No server matches these filters."
      : "No servers yet. Add one to start monitoring.";
  const first = pagination.total ? (view.page - 1) * PAGE_SIZE + 1 : 0;
  const last = (view.page - 1) * PAGE_SIZE + data.length;
  $("#page-info").textContent = `${first}–${last} of ${pagination.total.toLocaleString()}`;
  $("#prev").disabled = view.page <= 1;
  $("#next").disabled = view.page >= totalPages;
  writeUrl();
}

async function loadSummary() {
  const summary = await api("GET", `/api/server-status/summary/?${query()}`);
  $('[data-count="total"]').textContent = summary.total.toLocaleString();
  for (const [status, count] of Object.entries(summary.counts)) {
    const el = $(`#counts [data-count="${status}"]`); // maintenance: the glance count below
    if (el) el.textContent = count.toLocaleString();
  }
  for (const button of $$("#counts .count")) {
    button.setAttribute("aria-pressed", String(button.dataset.status === view.status));
  }
  // At a glance: servers in maintenance now (a filter) and open incidents (a link to them).
  $('#glance [data-count="maintenance"]').textContent = summary.maintenance.toLocaleString();
  $("#f-maintenance").setAttribute("aria-pressed", String(Boolean(view.maintenance)));
  $('[data-count="open_incidents"]').textContent = summary.open_incidents.toLocaleString();
  $("#open-incidents").dataset.open = String(summary.open_incidents);
  const select = $("#f-tag");
  const options = [h("option", { value: "" }, "Any tag")];
  for (const tag of summary.tags) options.push(h("option", { value: tag }, tag));
  if (view.tag && !summary.tags.includes(view.tag)) options.push(h("option", { value: view.tag }, view.tag));
  select.replaceChildren(...options);
  select.value = view.tag;
}

function reload() {
  return Promise.all([loadPage(), loadSummary()]).catch(reportError);
}

// Refresh counts or the page at most every two seconds while updates stream in.
function throttled(fn, ms) {
  let timer = null;
  let again = false;
  return () => {
    if (timer) {
      again = true;
      return;
    }
    fn();
    timer = setTimeout(function tick() {
      timer = null;
      if (again) {
        again = false;
        fn();
        timer = setTimeout(tick, ms);
      }
    }, ms);
  };
}
const refreshSummary = throttled(() => loadSummary().catch(reportError), 2000);
const refreshPage = throttled(() => loadPage().catch(reportError), 2000);

// Counted for bench/dashboard/load_time.py, which measures how the page copes with updates.
const liveStats = (window.pulseguardLive = { events: 0 });

function onStatus(event) {
  liveStats.events += 1;
  // The stream says "maintenance" for a server in a window, as the page's own rows do.
  const status = event.status === "maintenance" ? { ...event, in_maintenance: true } : event;
  const previous = known.get(status.server);
  if (previous !== "paused") known.set(status.server, status.status);
  if (previous !== undefined && previous !== "paused" && previous !== status.status) {
    refreshSummary();
  } else if (previous === undefined) {
    refreshSummary(); // a server we had not seen yet: its old status is unknown to us
  }
  if (rows.has(status.server)) {
    pending.set(status.server, status);
    if (!frame) frame = requestAnimationFrame(flush);
  } else if (previous === undefined && rows.size < PAGE_SIZE) {
    refreshPage(); // maybe a new server that belongs on this page
  }
}

// A result of a row on screen joins its strip (the oldest leaves), redrawn at the next frame.
function onPing(ping) {
  const row = rows.get(ping.server);
  if (!row || ping.kind === "start" || ping.kind === "log") return;
  const recent = (row.data.recent = row.data.recent || []);
  const at = ping.check_timestamp;
  if (recent.some((r) => r.at === at || new Date(r.at).getTime() === new Date(at).getTime())) return;
  recent.push({ status: ping.status, at, response_time: ping.response_time, maintenance: ping.in_maintenance });
  recent.sort((a, b) => new Date(a.at) - new Date(b.at));
  if (recent.length > STRIP) recent.splice(0, recent.length - STRIP);
  strips.add(ping.server);
  if (!frame) frame = requestAnimationFrame(flush);
}

// A window started or ended: the counts change, and so do the badges of its servers on screen.
function onMaintenance(notice) {
  refreshSummary();
  if ((notice.servers || []).some((id) => rows.has(id)) || view.maintenance) refreshPage();
}

// Apply every update received since the last frame in one go.
function flush() {
  frame = 0;
  for (const id of strips) {
    const row = rows.get(id);
    if (row) row.el.querySelector(".c-strip").replaceChildren(renderStrip(row.data.recent));
  }
  strips.clear();
  let moved = false;
  for (const [id, status] of pending) {
    const row = rows.get(id);
    if (!row || row.data.status === "paused") continue;
    const server = row.data;
    const changed = server.status !== status.status;
    Object.assign(server, {
      status: status.status,
      measured_status: status.measured_status ?? status.status,
      health: status.measured_status ?? status.status,
      message: status.message ?? server.message,
      last_check: status.last_check ?? server.last_check,
      response_time: status.last_response_time ?? server.response_time,
    });
    if (status.in_maintenance) server.in_maintenance = true;
    if (status.uptime) server.uptime = status.uptime;
    updateRow(row.el, server);
    if (changed && (view.status || view.sort === "status")) moved = true;
  }
  pending.clear();
  if (moved) refreshPage();
}

function bindControls() {
  let typing = null;
  $("#f-q").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.q = event.target.value.trim();
      view.page = 1;
      reload();
    }, 250);
  });
  $("#filters").addEventListener("submit", (event) => event.preventDefault());
  for (const [id, key] of [
    ["#f-status", "status"],
    ["#f-tag", "tag"],
    ["#f-sort", "sort"],
  ]) {
    $(id).addEventListener("change", (event) => {
      view[key] = event.target.value;
      view.page = 1;
      reload();
    });
  }
  $("#f-maintenance").addEventListener("click", () => {
    view.maintenance = view.maintenance ? "" : "true";
    $("#f-maintenance").setAttribute("aria-pressed", String(Boolean(view.maintenance)));
    view.page = 1;
    reload();
  });
  $("#counts").addEventListener("click", (event) => {
    const button = event.target.closest(".count");
    if (!button) return;
    view.status = button.dataset.status;
    $("#f-status").value = view.status;
    view.page = 1;
    reload();
  });
  $("#servers tbody").addEventListener("click", (event) => {
    const tag = event.target.closest(".tag");
    if (!tag) return;
    view.tag = tag.dataset.tag;
    view.page = 1;
    reload();
  });
  $("#prev").addEventListener("click", () => {
    view.page = Math.max(1, view.page - 1);
    loadPage().catch(reportError);
  });
  $("#next").addEventListener("click", () => {
    view.page = Math.min(totalPages, view.page + 1);
    loadPage().catch(reportError);
  });
  // Keep "12 s ago" true without re-rendering rows.
  setInterval(() => {
    for (const { data, el } of rows.values()) {
      const cell = el.querySelector(".c-last");
      if (cell) cell.textContent = fmtAgo(data.last_check);
    }
  }, 5000);
}

async function main() {
  // Who the user is and the data itself load side by side: the rows need not wait.
  const user = startPage();
  readUrl();
  bindControls();
  await Promise.all([reload(), user]);
  performance.mark("overview-ready");
  document.body.dataset.ready = "true";
  followStatus({
    onStatus,
    onPing,
    onMaintenance,
    onIncident: () => refreshSummary(),
    onOpen: () => refreshSummary(),
  });
}

main().catch(reportError);
