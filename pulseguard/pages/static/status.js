// The public page updates itself: it polls its summary JSON every refresh_seconds (an ETag
// makes an unchanged page a 304) and rewrites the statuses in place. Without JavaScript the
// page reloads itself instead (<noscript> meta refresh).
const body = document.body;
const url = body.dataset.summaryUrl;
const every = Math.max(30, Number(body.dataset.refresh) || 60) * 1000;
const words = (status) => status.replace(/_/g, " ");
const zone = body.dataset.timezone || "UTC";
const pct = (value) => (value === null || value === undefined ? "n/a" : `${value.toFixed(2)}%`);

// "2026-03-29 03:30:12 CEST" in the page's zone, as the server writes it (local_time.py). The
// abbreviation comes from the first locale that has one for the zone (en-US lacks CEST, en-GB
// lacks EDT); otherwise it is the offset ("GMT+5:30").
export function localText(iso) {
  const moment = new Date(iso);
  const parts = (locale, name) =>
    Object.fromEntries(
      new Intl.DateTimeFormat(locale, {
        timeZone: zone, hourCycle: "h23", timeZoneName: name,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
      }).formatToParts(moment).map((p) => [p.type, p.value]),
    );
  const p = parts("en-US", "short");
  const names = ["en-US", "en-GB"].map((locale) => parts(locale, "short").timeZoneName);
  const name = names.find((n) => !/^GMT[+-]/.test(n)) || names[0];
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${name}`;
}

function setStatus(element, status, text) {
  element.className = element.className.replace(/\bs-\S+/g, "").trim() + ` s-${status}`;
  if (text !== undefined) element.querySelector(".label, .message").textContent = text;
}

// Incidents and maintenance are whole sections: when the set shown changes, load the page again.
const shownIds = () =>
  [...document.querySelectorAll("[data-incident], [data-maintenance]")]
    .map((e) => e.dataset.incident || e.dataset.maintenance)
    .join(" ");
const summaryIds = (s) =>
  [
    ...(s.incidents ? s.incidents.active : []),
    ...(s.maintenance ? [...s.maintenance.active, ...s.maintenance.upcoming] : []),
    ...(s.incidents ? s.incidents.recent : []),
  ]
    .map((i) => i.id)
    .join(" ");

function apply(summary) {
  if (summaryIds(summary) !== shownIds()) {
    window.location.reload();
    return;
  }
  const overall = document.getElementById("overall");
  setStatus(overall, summary.overall.status, summary.overall.message);
  overall.dataset.status = summary.overall.status;
  document.title = `${summary.title}: ${summary.overall.message}`;
  for (const group of summary.groups) {
    for (const c of group.components) {
      const row = document.querySelector(`[data-component="${c.id}"]`);
      if (!row) continue;
      row.dataset.status = c.status;
      setStatus(row.querySelector(".state"), c.status, words(c.status));
      for (const cell of row.querySelectorAll("[data-uptime]")) {
        cell.textContent = pct(c.uptime && c.uptime[cell.dataset.uptime]);
      }
      const response = row.querySelector("[data-response]");
      if (response && c.response_time_ms !== null) response.textContent = `${Math.round(c.response_time_ms)} ms`;
    }
  }
  const generated = document.getElementById("generated");
  generated.dateTime = summary.generated_at;
  generated.textContent = localText(summary.generated_at);
}

async function poll() {
  try {
    const response = await fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } });
    if (response.ok) apply(await response.json());
  } catch (error) {
    // Offline for a moment: keep what is shown and try again at the next tick.
  }
  setTimeout(poll, every);
}

setTimeout(poll, every);
