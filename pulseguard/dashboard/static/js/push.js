// A push server's page: its ping URL with a copy button, and curl and crontab lines to paste.
import { api } from "./api.js";
import { $ } from "./dom.js";

/** How a push server's schedule reads: "every 3600 s" or "cron 5 4 * * * (Europe/Berlin)". */
export function scheduleOf(push) {
  const when = push.cron ? `cron ${push.cron} (${push.timezone})` : `every ${push.period} s`;
  return `expected ${when}, grace ${push.grace} s`;
}

/** The crontab line: the cron itself when there is one, else a daily line to adapt. */
function crontabLine(push) {
  const when = push.cron || "5 4 * * *";
  return `${when} /path/to/job.sh && curl -fsS -m 10 --retry 5 -o /dev/null ${push.ping_url}`;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain http (no Clipboard API): copy through a selected, off-screen text area.
  const area = Object.assign(document.createElement("textarea"), { value: text });
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("The browser refused to copy; select the URL instead.");
}

export function renderPush(server) {
  const card = $("#push-card");
  card.hidden = server.protocol !== "push" || !server.push;
  if (card.hidden) return;
  const push = server.push;
  $("#push-url").textContent = push.ping_url;
  $("#push-schedule").textContent = scheduleOf(push);
  $("#push-curl").textContent = [
    `curl -fsS -m 10 --retry 5 -o /dev/null ${push.ping_url}/start`,
    "/path/to/job.sh",
    `curl -fsS -m 10 --retry 5 -o /dev/null ${push.ping_url}/$?`,
  ].join("\n");
  $("#push-crontab").textContent = crontabLine(push);
  $("#copy-push-url").onclick = async () => {
    try {
      await copy(push.ping_url);
      $("#copy-done").textContent = "Copied.";
    } catch (error) {
      $("#copy-done").textContent = error.message;
    }
  };
  $("#rotate-push-token").onclick = async () => {
    if (!confirm("Give this server a new ping URL? The old one stops working at once.")) return;
    const fresh = await api("POST", `/api/servers/${server.id}/push/rotate-token/`);
    renderPush({ ...server, push: { ...push, ...fresh } });
    $("#copy-done").textContent = "New URL: update your jobs.";
  };
}
