// The maintenance page: every window with its state and next occurrences; start, stop, edit, delete.
import { api } from "./api.js";
import { $, h, statusBadge } from "./dom.js";
import { followStatus } from "./live.js";
import { reportError, startPage } from "./shell.js";
import { fmtOccurrence, setupForm } from "./window_form.js";

const NEXT_SHOWN = 3;
let serverNames = new Map();
let form = null;

const list = (answer) => (Array.isArray(answer) ? answer : answer.data);

/** What the state column says: the API's state, with "upcoming" and "manual" for scheduled. */
function stateWord(window) {
  if (window.state !== "scheduled") return window.state;
  return window.schedule.type === "manual" ? "manual" : "upcoming";
}

function targets(window) {
  const parts = [];
  if (window.all_servers) parts.push(h("b", {}, "all servers"));
  for (const id of window.servers) {
    if (parts.length) parts.push(", ");
    parts.push(h("a", { href: `/servers/${id}` }, serverNames.get(id) ?? `#${id}`));
  }
  if (window.tags.length) {
    if (parts.length) parts.push(", ");
    const match = window.tags.length > 1 ? ` (${window.tag_match})` : "";
    parts.push(`tagged ${window.tags.join(", ")}${match}`);
  }
  return parts.length ? parts : h("span", { class: "muted" }, "status pages only");
}

function next(window) {
  const items = [];
  if (window.current) {
    const until = window.current.end ? fmtOccurrence(window.current.end, window.schedule) : "stopped";
    items.push(h("li", { class: "now" }, `now, until ${until}`));
  }
  for (const o of window.occurrences.slice(0, NEXT_SHOWN)) {
    items.push(h("li", {}, fmtOccurrence(o.start, window.schedule)));
  }
  return items.length ? h("ol", { class: "occurrences" }, items) : h("span", { class: "muted" }, "–");
}

function row(window) {
  const active = window.state === "active";
  const action = (label, fn, cls = "btn btn-small") =>
    h("button", { type: "button", class: cls, onclick: () => fn(window).catch(reportError) }, label);
  return h(
    "tr",
    { dataset: { id: window.id, state: window.state } },
    h(
      "td",
      { class: "c-name" },
      h("b", {}, window.name),
      window.description ? h("span", { class: "target muted" }, window.description) : null,
    ),
    h("td", { class: "c-summary" }, window.summary),
    h("td", { class: "c-servers" }, targets(window)),
    h("td", { class: "c-state" }, statusBadge(`window-${stateWord(window)}`, stateWord(window))),
    h("td", { class: "c-next" }, next(window)),
    h(
      "td",
      { class: "row-actions" },
      active ? action("Stop", stop) : null,
      !active && window.enabled ? action(window.schedule.type === "manual" ? "Start" : "Start now", start) : null,
      action("Edit", async (w) => form.open(w)),
      action("Delete", remove, "btn btn-small btn-danger"),
    ),
  );
}

async function load() {
  const windows = list(await api("GET", "/api/maintenance-windows/?page_size=500"));
  $("#windows tbody").replaceChildren(...windows.map(row));
  $("#no-windows").hidden = windows.length > 0;
}

async function start(window) {
  await api("POST", `/api/maintenance-windows/${window.id}/start/`, {});
  await load();
}

async function stop(window) {
  await api("POST", `/api/maintenance-windows/${window.id}/stop/`);
  await load();
}

async function remove(window) {
  if (!confirm(`Delete the maintenance window “${window.name}”? One in force ends now.`)) return;
  await api("DELETE", `/api/maintenance-windows/${window.id}/`);
  if (form.editing() === window.id) form.close();
  await load();
}

async function main() {
  await startPage();
  const [servers, summary, pages] = await Promise.all([
    api("GET", "/api/servers/?page_size=500"),
    api("GET", "/api/server-status/summary/"),
    api("GET", "/api/status-pages/?page_size=100"),
  ]);
  serverNames = new Map(list(servers).map((s) => [s.id, s.name]));
  form = setupForm({ servers: list(servers), tags: summary.tags, pages: list(pages), onSaved: load });
  $("#new-window").addEventListener("click", () => form.open(null));
  await load();
  document.body.dataset.ready = "true";
  // A window that starts or ends on its schedule changes its row without a reload.
  followStatus({ onMaintenance: () => load().catch(reportError), onOpen: () => load().catch(reportError) });
}

main().catch(reportError);
