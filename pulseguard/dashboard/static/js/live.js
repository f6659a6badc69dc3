// The live stream: SSE with the access token in the query, reconnecting with a fresh token.
import { accessToken, serverNow } from "./api.js";
import { $ } from "./dom.js";

const MAX_DELAY_MS = 5000; // as the stream's own "retry: 5000"

/**
 * Follow /api/events/status/ and call onStatus(obj) / onPing(obj) for each update, and
 * onIncident(incident) / onMaintenance({window, state, servers}) for the owner's notices.
 * Snapshot arrays (sent first on connect) are passed one object at a time as well.
 * Returns a function that closes the stream.
 */
export function followStatus({ serverIds, onStatus, onPing, onIncident, onMaintenance, onOpen }) {
  let source = null;
  let closed = false;
  let delay = 1000;
  let retryTimer = null;
  // Only what changed since the page loaded its data, so 10,000 servers cost no snapshot
  // (a few seconds early: the server's clock is known to the second).
  const sinceNow = () => new Date(serverNow().getTime() - 3000).toISOString();
  let since = sinceNow();
  let opened = false;

  function state(text, kind) {
    const el = $("#live-state");
    if (!el) return;
    el.hidden = false;
    el.textContent = text;
    el.dataset.state = kind;
  }

  function each(data, fn) {
    if (!fn) return;
    const value = JSON.parse(data);
    for (const item of Array.isArray(value) ? value : [value]) fn(item);
  }

  async function connect() {
    if (closed) return;
    let token;
    try {
      token = await accessToken();
    } catch {
      return retry();
    }
    const params = new URLSearchParams({ token, since, limit: "1" });
    if (serverIds) params.set("server_id", serverIds.join(","));
    source = new EventSource(`/api/events/status/?${params}`);
    source.addEventListener("open", () => {
      delay = 1000;
      opened = true;
      state("Live", "live");
      if (onOpen) onOpen();
    });
    source.addEventListener("status", (event) => {
      each(event.data, onStatus);
    });
    source.addEventListener("ping", (event) => {
      each(event.data, onPing);
    });
    source.addEventListener("incident", (event) => {
      each(event.data, onIncident);
    });
    source.addEventListener("maintenance", (event) => {
      each(event.data, onMaintenance);
    });
    source.addEventListener("error", () => {
      // The browser would retry with the same (maybe expired) token: retry ourselves instead.
      source.close();
      // Catch up from when the stream broke, not from when it comes back.
      if (opened) since = sinceNow();
      opened = false;
      retry();
    });
  }

  function retry() {
    if (closed) return;
    state("Reconnecting…", "reconnecting");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
    delay = Math.min(MAX_DELAY_MS, delay * 2);
  }

  state("Connecting…", "reconnecting");
  connect();
  window.addEventListener("pagehide", () => close());
  function close() {
    closed = true;
    clearTimeout(retryTimer);
    if (source) source.close();
  }
  return close;
}
