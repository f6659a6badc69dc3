// Add or edit a server; the API's validation errors are shown next to their fields.
// The form is read and filled generically: each input's name is its API field (a dotted name for
// a kind's nested settings, "dns.record_type"), its data-type says how to convert it, and only
// the fields of the chosen kind (fieldsets with data-kinds) are sent.
import { api } from "./api.js";
import { setupAssertions } from "./assertions_editor.js";
import { $, $$, clearErrors, showErrors } from "./dom.js";
import { reportError, startPage } from "./shell.js";
import { renderTrial } from "./trial.js";

const serverId = Number(document.body.dataset.serverId) || null;
const form = $("#server-form");
const KINDS = JSON.parse($("#kinds-data").textContent);
const editor = $("#assertions-editor") && setupAssertions($("#assertions-editor"));

function inputs() {
  // Fields the chosen kind does not use (a push server has no host, port or interval) stay out.
  return $$("[name][data-type]", form).filter((el) => !el.closest(".kind-fields[hidden], .field[hidden]"));
}

/** Convert one input to JSON; numbers stay strings when they are not numbers, so that the API's
 * own message explains what is wrong. undefined: leave the field out (the API's default). */
function valueOf(el) {
  const type = el.dataset.type;
  if (type === "bool") return el.checked;
  const text = el.value.trim();
  if (type === "list") return text.split(",").map((t) => t.trim()).filter(Boolean);
  if (type === "intlist") {
    return text.split(",").map((t) => t.trim()).filter(Boolean).map((t) => (/^-?\d+$/.test(t) ? Number(t) : t));
  }
  if (text === "") return el.dataset.empty === "null" ? null : type === "text" ? "" : undefined;
  if (type === "int") return /^-?\d+$/.test(text) ? Number(text) : text;
  if (type === "float") return Number.isNaN(Number(text)) ? text : Number(text);
  return type === "text" && el.dataset.empty === "null" ? el.value : text;
}

function setPath(body, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  let node = body;
  for (const key of keys) node = node[key] ??= {};
  node[last] = value;
}

function getPath(body, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), body);
}

function read() {
  const body = {};
  for (const el of inputs()) {
    const value = valueOf(el);
    if (value !== undefined) setPath(body, el.name, value);
  }
  if (editor && !$("#assertions-editor").closest(".kind-fields[hidden]")) body.assertions = editor.read();
  return body;
}

function fill(server) {
  for (const el of $$("[name][data-type]", form)) {
    const value = getPath(server, el.name);
    if (value === undefined) continue;
    if (el.dataset.type === "bool") el.checked = Boolean(value);
    else if (["list", "intlist"].includes(el.dataset.type)) el.value = (value || []).join(", ");
    else el.value = value === null ? "" : value;
  }
  if (editor) editor.fill(server.assertions);
  protocolChanged();
}

function protocolChanged() {
  const kind = form.elements.protocol.value;
  for (const el of $$(".kind-fields", form)) el.hidden = !el.dataset.kinds.split(" ").includes(kind);
  const info = KINDS[kind] || {};
  for (const el of $$(".needs-host", form)) el.hidden = info.needs_host === false;
  for (const el of $$(".probed-only", form)) el.hidden = info.active === false;
  const port = info.default_port;
  form.elements.port.placeholder = port ? String(port) : "required";
  $("#port-hint").textContent = port ? `(empty: ${port})` : "";
}

async function main() {
  await startPage();
  form.elements.protocol.addEventListener("change", protocolChanged);
  if (serverId) fill(await api("GET", `/api/servers/${serverId}/`));
  protocolChanged();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const body = read();
      const saved = serverId
        ? await api("PATCH", `/api/servers/${serverId}/`, body)
        : await api("POST", "/api/servers/", body);
      location.assign(`/servers/${saved.id}`);
    } catch (error) {
      showErrors(form, error);
    }
  });
  $("#test-draft").addEventListener("click", async () => {
    clearErrors(form);
    const button = $("#test-draft");
    button.disabled = true;
    try {
      renderTrial($("#trial"), await api("POST", "/api/servers/test/", read()));
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  document.body.dataset.ready = "true";
  form.elements.name.focus();
}

main().catch(reportError);
