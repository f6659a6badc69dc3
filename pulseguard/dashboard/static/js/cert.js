// The certificate card of an https server's page: what its checks' TLS handshake showed.
import { $, fmtTime, h } from "./dom.js";

function yesNo(value) {
  if (value === null || value === undefined) return "not checked (verify TLS is off)";
  return value ? "yes" : "no";
}

/** Show status.cert (null: hide the card). */
export function renderCert(cert) {
  const card = $("#cert-card");
  card.hidden = !cert;
  if (!cert) return;
  const days = cert.days_remaining;
  const left = days < 0 ? "expired" : `${days} day${days === 1 ? "" : "s"} left`;
  const rows = [
    ["Expires", `${fmtTime(cert.not_after)} (${left})`],
    ["Subject", cert.subject],
    ["Issuer", cert.issuer],
    ["Names (SANs)", (cert.sans || []).join(", ") || "–"],
    ["Valid from", fmtTime(cert.not_before)],
    ["Chain trusted", yesNo(cert.chain_valid)],
    ["Host name matches", yesNo(cert.hostname_valid)],
    ["SHA-256 fingerprint", h("code", { class: "small" }, cert.fingerprint_sha256)],
    ["Read", fmtTime(cert.checked_at)],
  ];
  $("#cert-facts").replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  $("#cert-days").textContent = left;
  $("#cert-days").className = `badge badge-${days < 7 ? "down" : days < 30 ? "degraded" : "up"}`;
}
