// The incidents page: open ones first, then recent; acknowledge, add an update, the timeline;
// announce and resolve manual incidents; kept current by the stream's `incident` events.
import { api } from "./api.js";
import { $, clearErrors, fmtTime, h, showErrors, statusBadge } from "./dom.js";
import { setupIncidentForm } from "./incident_form.js";
import { followStatus } from "./live.js";
import { reportError, startPage } from "./shell.js";

const RECENT = 50;
let serverNames = new Map();
let shown = null; // the incident whose timeline is open

const list = (answer) => (Array.isArray(answer) ? answer : answer.data);

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function serversOf(incident) {
  if (!incident.servers.length) return h("span", { class: "muted" }, "none");
  return incident.servers.flatMap((id, i) => [
    i ? ", " : null,
    h("a", { href: `/servers/${id}` }, serverNames.get(id) ?? `#${id}`),
  ]);
}

function acked(incident) {
  if (!incident.acknowledged_at) return incident.state === "open" ? "no" : "–";
  const by = incident.acknowledged_by ? ` by ${incident.acknowledged_by.username}` : "";
  return h("span", { title: fmtTime(incident.acknowledged_at) }, `yes${by}`);
}

function row(incident) {
  const duration = incident.state === "open" ? incident.ongoing_seconds : incident.duration_seconds;
  const canAck = incident.state === "open" && !incident.acknowledged_at;
  const canResolve = incident.state === "open" && incident.kind === "manual";
  return h(
    "tr",
    { dataset: { id: incident.id } },
    h("td", { class: "c-name" }, incident.title, incident.kind === "manual" ? h("span", { class: "muted small" }, " (manual)") : null),
    h("td", { class: "c-servers" }, serversOf(incident)),
    h("td", {}, statusBadge(incident.severity)),
    h("td", {}, fmtTime(incident.started_at)),
    h("td", { class: "c-duration" }, fmtDuration(duration), incident.state === "open" ? " so far" : null),
    h("td", { class: "c-acked" }, acked(incident)),
    h(
      "td",
      {},
      canAck ? h("button", { type: "button", class: "btn btn-small", onclick: () => acknowledge(incident) }, "Acknowledge") : null,
      " ",
      canResolve ? h("button", { type: "button", class: "btn btn-small", onclick: () => resolve(incident) }, "Resolve") : null,
      canResolve ? " " : null,
      h("button", { type: "button", class: "btn btn-small", onclick: () => openIncident(incident.id) }, "Timeline"),
    ),
  );
}

async function load() {
  const [open, recent] = await Promise.all([
    api("GET", "/api/incidents/?state=open&page_size=500"),
    api("GET", `/api/incidents/?state=resolved&page_size=${RECENT}`),
  ]);
  const openList = list(open);
  const recentList = list(recent);
  $("#open-incidents tbody").replaceChildren(...openList.map(row));
  $("#recent-incidents tbody").replaceChildren(...recentList.map(row));
  $("#no-open").hidden = openList.length > 0;
  $("#no-recent").hidden = recentList.length > 0;
}

async function acknowledge(incident) {
  try {
    await api("POST", `/api/incidents/${incident.id}/ack/`, {});
    await load();
    if (shown === incident.id) await openIncident(incident.id);
  } catch (error) {
    reportError(error);
  }
}

async function resolve(incident) {
  try {
    await api("POST", `/api/incidents/${incident.id}/resolve/`);
    await refresh(incident.id);
  } catch (error) {
    reportError(error);
  }
}

/** Reload the lists, and the open timeline when it is this incident's (or any, without an id). */
async function refresh(id = null) {
  await Promise.all([load(), shown !== null && (id === null || id === shown) ? openIncident(shown) : null]);
}

// Many incidents at once (a mass outage) reload the lists at most once a second.
let reloadTimer = null;
let reloadIds = new Set();
function onIncident(incident) {
  reloadIds.add(incident.id);
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => {
    const ids = reloadIds;
    reloadTimer = null;
    reloadIds = new Set();
    refresh(ids.has(shown) ? shown : -1).catch(reportError);
  }, 1000);
}

function entry(at, label, text, extra = null) {
  return h(
    "li",
    { class: "timeline-entry" },
    h("time", { datetime: at }, fmtTime(at)),
    " ",
    h("b", {}, label),
    extra,
    text ? h("p", { class: "timeline-text" }, text) : null,
  );
}

function timeline(incident) {
  const entries = incident.updates.map((u) => ({
    at: u.created_at,
    node: entry(
      u.created_at,
      u.status,
      u.message,
      h("span", { class: "muted small" }, ` ${u.author ? `by ${u.author.username} · ` : ""}${u.public ? "public" : "private"}`),
    ),
  }));
  entries.push({ at: incident.started_at, node: entry(incident.started_at, "started", incident.cause) });
  if (incident.acknowledged_at) {
    const by = incident.acknowledged_by ? ` by ${incident.acknowledged_by.username}` : "";
    entries.push({ at: incident.acknowledged_at, node: entry(incident.acknowledged_at, `acknowledged${by}`, incident.ack_note) });
  }
  if (incident.resolved_at) entries.push({ at: incident.resolved_at, node: entry(incident.resolved_at, "resolved", incident.end_reason) });
  entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return entries.map((e) => e.node);
}

async function openIncident(id) {
  const incident = await api("GET", `/api/incidents/${id}/`);
  shown = id;
  $("#incident-title").textContent = incident.title;
  $("#incident-cause").textContent = `${incident.state} · ${incident.severity} · started ${fmtTime(incident.started_at)}`;
  $("#timeline").replaceChildren(...timeline(incident));
  $("#no-updates").hidden = incident.updates.length > 0;
  $("#incident").hidden = false;
}

async function addUpdate(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const body = {
    message: form.elements.message.value.trim(),
    status: form.elements.status.value,
    public: form.elements.public.checked,
  };
  try {
    await api("POST", `/api/incidents/${shown}/updates/`, body);
    form.reset();
    await Promise.all([openIncident(shown), load()]);
  } catch (error) {
    showErrors(form, error);
  }
}

async function main() {
  await startPage();
  const [serverAnswer, pageAnswer] = await Promise.all([
    api("GET", "/api/servers/?page_size=500"),
    api("GET", "/api/status-pages/?page_size=100"),
  ]);
  const servers = list(serverAnswer);
  serverNames = new Map(servers.map((s) => [s.id, s.name]));
  $("#update-form").addEventListener("submit", addUpdate);
  $("#close-incident").addEventListener("click", () => {
    shown = null;
    $("#incident").hidden = true;
  });
  const form = setupIncidentForm({
    servers,
    pages: list(pageAnswer),
    onSaved: async (incident) => {
      await load();
      await openIncident(incident.id);
    },
  });
  $("#new-incident").addEventListener("click", () => form.open());
  await load();
  document.body.dataset.ready = "true";
  followStatus({ onIncident, onOpen: () => refresh().catch(reportError) });
}

main().catch(reportError);
