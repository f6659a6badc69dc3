// Config as code, import: send a file as a dry run, show the plan, then apply that very plan.
// Apply sends If-Match with the plan's revision, so servers changed since the plan get 412.
import { accessToken } from "./api.js";
import { $, h } from "./dom.js";

let planned = null; // {text, type, revision} of the last good dry run

function clear() {
  $("#import-error").textContent = "";
  $("#import-errors").replaceChildren();
}

async function send(text, type, { dryRun, ifMatch }) {
  const query = new URLSearchParams({
    dry_run: String(dryRun),
    prune: String($("#prune").checked),
    max_deletes: $("#max-deletes").value || "50",
  });
  const headers = { Authorization: `Bearer ${await accessToken()}`, "Content-Type": type };
  if (ifMatch) headers["If-Match"] = `"${ifMatch}"`;
  const response = await fetch(`/api/config/apply/?${query}`, { method: "POST", headers, body: text });
  const body = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
  return { ok: response.ok, status: response.status, body };
}

function describe(change) {
  if (change.action !== "update") return "";
  return Object.entries(change.diff || {})
    .map(([field, [before, after]]) => `${field}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
    .join("; ");
}

function showPlan(plan) {
  const counts = Object.entries(plan.summary)
    .map(([kind, c]) => `${kind}: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${c.unchanged} unchanged, ${c.unmanaged} unmanaged`)
    .join(" · ");
  $("#plan-summary").textContent = `${plan.dry_run ? "Plan (nothing written yet)" : "Applied"} — ${counts}`;
  $("#plan-warnings").replaceChildren(...plan.warnings.map((w) => h("li", {}, w)));
  $("#plan-changes tbody").replaceChildren(
    ...plan.changes.map((c) =>
      h("tr", { dataset: { key: c.key, action: c.action } },
        h("td", {}, c.action), h("td", {}, c.kind), h("td", {}, h("code", {}, c.key)), h("td", {}, describe(c))),
    ),
  );
  $("#plan-result").hidden = false;
}

function showFailure(result) {
  $("#import-error").textContent = result.body.message || `HTTP ${result.status}`;
  const errors = (result.body.errors && result.body.errors.json) || {};
  $("#import-errors").replaceChildren(
    ...Object.entries(errors).map(([path, messages]) => h("li", {}, h("code", {}, path), ": ", [].concat(messages).join(" "))),
  );
}

async function plan(event) {
  event.preventDefault();
  clear();
  planned = null;
  $("#apply").disabled = true;
  $("#plan-result").hidden = true;
  const file = $("#file").files[0];
  if (!file) {
    $("#import-error").textContent = "Choose a file first.";
    return;
  }
  const text = await file.text();
  const type = file.name.endsWith(".json") ? "application/json" : "application/yaml";
  const result = await send(text, type, { dryRun: true });
  if (!result.ok) return showFailure(result);
  showPlan(result.body);
  const c = Object.values(result.body.summary);
  const changes = c.reduce((n, k) => n + k.create + k.update + k.delete, 0);
  planned = { text, type, revision: result.body.revision };
  $("#apply").disabled = changes === 0;
}

async function apply() {
  if (!planned) return;
  clear();
  $("#apply").disabled = true;
  const result = await send(planned.text, planned.type, { dryRun: false, ifMatch: planned.revision });
  if (!result.ok) {
    if (result.status === 412) result.body.message = "Your servers changed since this plan: plan again.";
    return showFailure(result);
  }
  planned = null;
  showPlan(result.body);
  document.dispatchEvent(new CustomEvent("config-applied"));
}

export function startImport() {
  $("#import-form").addEventListener("submit", (event) => plan(event).catch((e) => ($("#import-error").textContent = e.message)));
  $("#apply").addEventListener("click", () => apply().catch((e) => ($("#import-error").textContent = e.message)));
  $("#file").addEventListener("change", () => {
    planned = null;
    $("#apply").disabled = true;
  });
}
