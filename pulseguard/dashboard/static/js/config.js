// Config as code: show the export of your servers (YAML or JSON), download it; import a file.
import { accessToken } from "./api.js";
import { startImport } from "./config_import.js";
import { $ } from "./dom.js";
import { reportError, startPage } from "./shell.js";

let current = { text: "", format: "yaml" };

async function load() {
  const format = $("#format").value;
  const response = await fetch(`/api/config/export/?format=${format}`, {
    headers: { Authorization: `Bearer ${await accessToken()}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(JSON.parse(text).message || `HTTP ${response.status}`);
  current = { text, format };
  $("#document").textContent = text;
  $("#revision").textContent = (response.headers.get("ETag") || "–").replaceAll('"', "").slice(0, 12);
}

function download() {
  const type = current.format === "json" ? "application/json" : "application/yaml";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([current.text], { type }));
  link.download = `pulseguard.${current.format === "json" ? "json" : "yaml"}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function main() {
  await startPage();
  $("#format").addEventListener("change", () => load().catch(reportError));
  $("#download").addEventListener("click", download);
  startImport();
  document.addEventListener("config-applied", () => load().catch(reportError));
  await load();
  document.body.dataset.ready = "true";
}

main().catch(reportError);
