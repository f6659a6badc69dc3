// Small DOM and formatting helpers shared by the pages.

/** Create an element: h("a", {href: "/"}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return "–";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function fmtPct(value) {
  return value === null || value === undefined ? "–" : `${Number(value).toFixed(2)} %`;
}

/** "12 s ago", "5 min ago", ... with the exact time in a tooltip. */
export function fmtAgo(iso) {
  if (!iso) return "never";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function fmtTime(iso) {
  return iso ? new Date(iso).toLocaleString() : "–";
}

export function statusBadge(status, label = status) {
  return h("span", { class: `badge badge-${status}` }, label);
}

/** Show a message at the top of the page (errors in red). */
export function flash(message, kind = "error") {
  const el = $("#flash");
  if (!el) return;
  el.textContent = message;
  el.className = `flash flash-${kind}`;
  el.hidden = !message;
}

/**
 * Put the API's field errors next to their fields; others go to the form's error line.
 * With a prefix only the fields under it are touched ("schedule."), and focus: false leaves the
 * keyboard focus where it is (for errors shown while the user types).
 */
export function showErrors(form, error, { prefix = "", focus = true } = {}) {
  clearErrors(form, { prefix });
  const fields = error.fieldErrors ? error.fieldErrors() : {};
  const rest = [];
  for (const [path, message] of Object.entries(fields)) {
    if (!path.startsWith(prefix)) continue;
    // A nested error ("dns.expected.0") goes to the nearest field that has a slot ("dns.expected").
    const parts = path.split(".");
    while (parts.length > 1 && !form.querySelector(`[data-error-for="${parts.join(".")}"]`)) parts.pop();
    const field = parts.join(".");
    const slot = form.querySelector(`[data-error-for="${field}"]`);
    const input = form.elements[field];
    if (slot) {
      slot.textContent = message;
      if (input && input.setAttribute) {
        input.setAttribute("aria-invalid", "true");
        if (slot.id === "") slot.id = `err-${form.id}-${field}`;
        input.setAttribute("aria-describedby", slot.id);
      }
      const details = slot.closest("details");
      if (details) details.open = true;
    } else {
      rest.push(`${path}: ${message}`);
    }
  }
  if (prefix) return;
  const line = form.querySelector(".form-error");
  const general = rest.length ? rest.join(" ") : Object.keys(fields).length ? "" : error.message;
  if (line) line.textContent = general || "";
  const first = form.querySelector("[aria-invalid=true]");
  if (first && focus) first.focus();
}

export function clearErrors(form, { prefix = "" } = {}) {
  for (const slot of form.querySelectorAll("[data-error-for]")) {
    if (!slot.dataset.errorFor.startsWith(prefix)) continue;
    slot.textContent = "";
    const input = form.elements[slot.dataset.errorFor];
    if (input && input.removeAttribute) input.removeAttribute("aria-invalid");
  }
  if (prefix) return;
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const line = form.querySelector(".form-error");
  if (line) line.textContent = "";
}
