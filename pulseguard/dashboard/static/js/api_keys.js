// The API keys page: create (the key is shown once, to copy), list with last use, revoke.
import { api } from "./api.js";
import { $, clearErrors, fmtAgo, fmtTime, h, showErrors, statusBadge } from "./dom.js";
import { reportError, startPage } from "./shell.js";

const STATUS_BADGES = { active: "up", expired: "degraded", revoked: "down" };
let keys = [];
let revoking = null;

async function load() {
  const revoked = $("#show-revoked").checked ? "&include_revoked=true" : "";
  const { data } = await api("GET", `/api/auth/api-keys/?page_size=100${revoked}`);
  keys = data;
  render();
}

function lastUsed(key) {
  if (!key.last_used_at) return "never";
  return h("span", { title: fmtTime(key.last_used_at) }, `${fmtAgo(key.last_used_at)} from ${key.last_used_ip}`);
}

function render() {
  $("#no-keys").hidden = keys.length > 0;
  $("#keys tbody").replaceChildren(
    ...keys.map((key) =>
      h(
        "tr",
        { dataset: { id: key.id } },
        h("td", { class: "c-name" }, key.name),
        h("td", {}, h("code", {}, `${key.prefix}_…`)),
        h("td", {}, key.scopes.join(", ")),
        h("td", {}, statusBadge(STATUS_BADGES[key.status], key.status)),
        h("td", {}, key.expires_at ? fmtTime(key.expires_at) : "never"),
        h("td", { class: "c-last" }, lastUsed(key)),
        h(
          "td",
          {},
          key.status === "revoked"
            ? null
            : h("button", { type: "button", class: "btn btn-small btn-danger", onclick: () => confirmRevoke(key) }, "Revoke"),
        ),
      ),
    ),
  );
}

function confirmRevoke(key) {
  revoking = key;
  $("#cr-name").textContent = key.name;
  $("#confirm-revoke").showModal();
}

async function revoke() {
  const dialog = $("#confirm-revoke");
  if (dialog.returnValue !== "revoke" || !revoking) return;
  try {
    await api("DELETE", `/api/auth/api-keys/${revoking.id}/`);
    revoking = null;
    await load();
  } catch (error) {
    reportError(error);
  }
}

function expiresAt(days) {
  if (!days) return null;
  return new Date(Date.now() + Number(days) * 86400 * 1000 - 60 * 1000).toISOString();
}

async function create(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const body = {
    name: form.elements.name.value.trim(),
    scopes: [...form.querySelectorAll("input[name=scopes]:checked")].map((box) => box.value),
    expires_at: expiresAt(form.elements.expiry.value),
  };
  try {
    const created = await api("POST", "/api/auth/api-keys/", body);
    showNewKey(created.key);
    form.reset();
    await load();
  } catch (error) {
    showErrors(form, error);
  }
}

function showNewKey(key) {
  $("#new-key-value").textContent = key;
  $("#copy-state").textContent = "";
  $("#new-key").hidden = false;
  $("#copy-key").focus();
}

async function copyKey() {
  const value = $("#new-key-value").textContent;
  try {
    await navigator.clipboard.writeText(value);
    $("#copy-state").textContent = "Copied.";
  } catch {
    // No clipboard access (an insecure origin, a refused permission): select it for Ctrl+C.
    getSelection().selectAllChildren($("#new-key-value"));
    $("#copy-state").textContent = "Selected: press Ctrl+C to copy.";
  }
}

function forgetNewKey() {
  $("#new-key-value").textContent = "";
  $("#new-key").hidden = true;
  $("#k-name").focus();
}

async function main() {
  const me = await startPage();
  $("#k-admin").hidden = !me.is_admin;
  $("#key-form").addEventListener("submit", create);
  $("#show-revoked").addEventListener("change", () => load().catch(reportError));
  $("#confirm-revoke").addEventListener("close", revoke);
  $("#copy-key").addEventListener("click", copyKey);
  $("#done-key").addEventListener("click", forgetNewKey);
  await load();
  document.body.dataset.ready = "true";
}

main().catch(reportError);
