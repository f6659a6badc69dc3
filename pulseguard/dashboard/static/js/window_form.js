// The maintenance window form: one-off, cron, RRULE or manual, its targets, and a live preview of
// the schedule in words with its next occurrences (POST /api/maintenance-windows/preview/).
import { api } from "./api.js";
import { $, $$, clearErrors, h, showErrors } from "./dom.js";

const PREVIEW_DELAY_MS = 300;
const MINUTE = 60;

/** An occurrence's time in the window's own time zone (cron, RRULE), else in this browser's. */
export function fmtOccurrence(iso, schedule) {
  const zone = schedule.timezone;
  const options = { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const text = new Date(iso).toLocaleString(undefined, zone ? { ...options, timeZone: zone } : options);
  return zone ? `${text} (${zone})` : text;
}

// datetime-local values are this browser's wall clock; the API speaks UTC ISO 8601.
const toIso = (local) => (local ? new Date(local).toISOString() : "");
function toLocal(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function setupForm({ servers, tags, pages = [], onSaved }) {
  const form = $("#window-form");
  const el = form.elements;
  let editing = null; // the id of the window being edited, or null for a new one
  let previewTimer = null;
  let previewSeq = 0;

  $("#w-servers").replaceChildren(
    ...servers.map((s) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "servers", value: s.id }), ` ${s.name}`)),
  );
  $("#w-pages").replaceChildren(
    ...pages.map((p) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "status_pages", value: p.id }), ` ${p.title} (/status/${p.slug})`),
    ),
  );
  $("#w-pages-none").hidden = pages.length > 0;
  $("#known-tags").replaceChildren(...tags.map((t) => h("option", { value: t })));
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
  $("#timezones").replaceChildren(...zones.map((z) => h("option", { value: z })));

  function showForm() {
    const type = el["schedule.type"].value;
    for (const field of $$("[data-form]", form)) field.hidden = !field.dataset.form.split(" ").includes(type);
  }

  function schedule() {
    const type = el["schedule.type"].value;
    if (type === "manual") return { type };
    if (type === "once") return { type, start: toIso(el["schedule.start"].value), end: toIso(el["schedule.end"].value) };
    const minutes = Number(el["schedule.duration"].value);
    const common = { type, timezone: el["schedule.timezone"].value.trim(), duration: Math.round(minutes * MINUTE) };
    if (type === "rrule") return { ...common, rrule: el["schedule.rrule"].value.trim(), dtstart: el["schedule.dtstart"].value };
    return {
      ...common,
      expression: el["schedule.expression"].value.trim(),
      starts_on: el["schedule.starts_on"].value || null,
      ends_on: el["schedule.ends_on"].value || null,
    };
  }

  function body() {
    return {
      name: el.name.value.trim(),
      description: el.description.value,
      schedule: schedule(),
      all_servers: el.all_servers.checked,
      servers: $$("input[name=servers]:checked", form).map((box) => Number(box.value)),
      status_pages: $$("input[name=status_pages]:checked", form).map((box) => Number(box.value)),
      tags: el.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
      tag_match: el.tag_match.value,
      checks: el.checks.value,
      uptime: el.uptime.value,
      notify_start_end: el.notify_start_end.checked,
      enabled: el.enabled.checked,
    };
  }

  // The API counts duration in seconds; this form asks for minutes.
  function inMinutes(error) {
    const json = error.body && error.body.errors && error.body.errors.json;
    const duration = json && json.schedule && json.schedule.duration;
    if (duration && String(duration).includes("between")) json.schedule.duration = ["Must be between 1 minute and 31 days."];
    return error;
  }

  async function preview() {
    const seq = ++previewSeq;
    const summary = $("#schedule-summary");
    const next = $("#schedule-next");
    try {
      const answer = await api("POST", "/api/maintenance-windows/preview/", { schedule: schedule() });
      if (seq !== previewSeq) return;
      clearErrors(form, { prefix: "schedule." });
      summary.textContent = answer.summary;
      summary.classList.remove("invalid");
      next.replaceChildren(...answer.occurrences.map((o) => h("li", {}, fmtOccurrence(o.start, answer.schedule))));
    } catch (error) {
      if (seq !== previewSeq) return;
      if (error.status !== 422) throw error;
      showErrors(form, inMinutes(error), { prefix: "schedule.", focus: false });
      summary.textContent = "Fix the schedule to see when it runs.";
      summary.classList.add("invalid");
      next.replaceChildren();
    }
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => preview().catch(() => {}), PREVIEW_DELAY_MS);
  }

  function fill(window) {
    form.reset();
    clearErrors(form);
    const s = window ? window.schedule : { type: "once" };
    el.name.value = window ? window.name : "";
    el.description.value = window ? window.description : "";
    el["schedule.type"].value = s.type;
    el["schedule.start"].value = toLocal(s.start);
    el["schedule.end"].value = toLocal(s.end);
    el["schedule.expression"].value = s.expression || "";
    el["schedule.starts_on"].value = s.starts_on || "";
    el["schedule.ends_on"].value = s.ends_on || "";
    el["schedule.rrule"].value = s.rrule || "";
    el["schedule.dtstart"].value = s.dtstart || "";
    el["schedule.timezone"].value = s.timezone || browserZone();
    el["schedule.duration"].value = s.duration ? s.duration / MINUTE : 60;
    if (!window) {
      const start = new Date(Date.now() + 3600e3);
      el["schedule.start"].value = toLocal(start.toISOString());
      el["schedule.end"].value = toLocal(new Date(start.getTime() + 3600e3).toISOString());
    }
    el.all_servers.checked = window ? window.all_servers : false;
    const chosen = new Set(window ? window.servers : []);
    for (const box of $$("input[name=servers]", form)) box.checked = chosen.has(Number(box.value));
    const announced = new Set(window ? window.status_pages : []);
    for (const box of $$("input[name=status_pages]", form)) box.checked = announced.has(Number(box.value));
    el.tags.value = window ? window.tags.join(", ") : "";
    el.tag_match.value = window ? window.tag_match : "any";
    el.checks.value = window ? window.checks : "run";
    el.uptime.value = window ? window.uptime : "exclude";
    el.notify_start_end.checked = window ? window.notify_start_end : false;
    el.enabled.checked = window ? window.enabled : true;
  }

  function open(window) {
    editing = window ? window.id : null;
    fill(window);
    $("#editor-title").textContent = window ? `Edit “${window.name}”` : "Plan a window";
    showForm();
    $("#window-editor").hidden = false;
    el.name.focus();
    preview().catch(() => {});
  }

  function close() {
    editing = null;
    $("#window-editor").hidden = true;
  }

  async function save(event) {
    event.preventDefault();
    clearErrors(form);
    try {
      if (editing === null) await api("POST", "/api/maintenance-windows/", body());
      else await api("PATCH", `/api/maintenance-windows/${editing}/`, body());
      close();
      await onSaved();
    } catch (error) {
      showErrors(form, inMinutes(error));
    }
  }

  el["schedule.type"].addEventListener("change", showForm);
  form.addEventListener("input", (event) => {
    if (event.target.name && event.target.name.startsWith("schedule.")) schedulePreview();
  });
  form.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("schedule.")) schedulePreview();
  });
  form.addEventListener("submit", save);
  $("#cancel-window").addEventListener("click", close);
  return { open, close, editing: () => editing };
}
