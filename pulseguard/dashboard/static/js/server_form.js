// Add or edit a server; the API's validation errors are shown next to their fields.
import { api } from "./api.js";
import { $, $$, clearErrors, showErrors } from "./dom.js";
import { reportError, startPage } from "./shell.js";

const serverId = Number(document.body.dataset.serverId) || null;
const form = $("#server-form");
const NUMBERS = ["port", "check_interval", "failure_threshold", "degraded_threshold_ms"];
const TEXTS = ["name", "protocol", "host", "path", "status", "method", "expected_status"];

function fill(server) {
  for (const name of [...TEXTS, ...NUMBERS, "timeout", "keyword"]) {
    const value = server[name];
    form.elements[name].value = value === null || value === undefined ? "" : value;
  }
  form.elements.tags.value = (server.tags || []).join(", ");
  form.elements.verify_tls.checked = server.verify_tls;
  form.elements.follow_redirects.checked = server.follow_redirects;
  protocolChanged();
}

/** Read the form into the API's JSON; numbers stay strings when they are not numbers, so that
 * the API's own message explains what is wrong. */
function read() {
  const body = {};
  for (const name of TEXTS) body[name] = form.elements[name].value.trim();
  for (const name of NUMBERS) {
    const text = form.elements[name].value.trim();
    body[name] = text === "" ? null : /^-?\d+$/.test(text) ? Number(text) : text;
  }
  const timeout = form.elements.timeout.value.trim();
  body.timeout = timeout === "" || Number.isNaN(Number(timeout)) ? timeout : Number(timeout);
  for (const name of ["check_interval", "failure_threshold"]) if (body[name] === null) delete body[name];
  if (body.timeout === "") delete body.timeout;
  const keyword = form.elements.keyword.value;
  body.keyword = keyword === "" ? null : keyword;
  body.tags = form.elements.tags.value
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  body.verify_tls = form.elements.verify_tls.checked;
  body.follow_redirects = form.elements.follow_redirects.checked;
  if (body.protocol === "tcp") {
    for (const name of ["path", "method", "expected_status", "keyword", "degraded_threshold_ms"]) delete body[name];
    delete body.verify_tls;
    delete body.follow_redirects;
  }
  return body;
}

function protocolChanged() {
  const http = form.elements.protocol.value !== "tcp";
  for (const el of $$(".http-only", form)) el.hidden = !http;
  form.elements.port.placeholder = http ? (form.elements.protocol.value === "http" ? "80" : "443") : "required";
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
  document.body.dataset.ready = "true";
  form.elements.name.focus();
}

main().catch(reportError);
