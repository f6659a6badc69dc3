// Notification configs: list, add, edit, test, enable/disable, delete, and each one's delivery log.
// Used by a server's page (its own configs) and by /channels (configs that cover every server).
import { api } from "./api.js";
import { $, clearErrors, fmtAgo, fmtMs, h, showErrors } from "./dom.js";
import { reportError } from "./shell.js";

// What a newcomer needs to fill in each type: an example recipient and where to find it.
export const TYPES = {
  email: { label: "Email", example: "ops@example.com", help: "An e-mail address; sent through the SMTP server PulseGuard is configured with." },
  webhook: { label: "Webhook", example: "https://hooks.example.com/pulse", help: "Any http(s) URL: PulseGuard POSTs JSON to it. Set a secret to get an X-PulseGuard-Signature (HMAC-SHA256) on every request." },
  sms: { label: "SMS", example: "+15551234567", help: "A phone number in E.164 form (+ and the country code); sent through the configured Twilio account." },
  slack: { label: "Slack", example: "https://hooks.slack.com/services/T…/B…/…", help: "In Slack: Apps → Incoming Webhooks → Add to Slack, pick a channel, and copy the Webhook URL." },
  discord: { label: "Discord", example: "https://discord.com/api/webhooks/<id>/<token>", help: "In Discord: the channel's settings → Integrations → Webhooks → New Webhook → Copy Webhook URL." },
  telegram: { label: "Telegram", example: "123456:ABC-your-bot-token/-1001234567890", help: "Create a bot with @BotFather (it gives the token), add it to your chat, then write <bot_token>/<chat_id>. A group's chat id is negative; @userinfobot tells yours." },
  teams: { label: "Microsoft Teams", example: "https://….logic.azure.com/workflows/…", help: "In Teams: the channel's … → Workflows → \"Post to a channel when a webhook request is received\", then copy the URL it shows. Old Office 365 connector URLs no longer work." },
  pagerduty: { label: "PagerDuty", example: "your Events API v2 routing key", help: "In PagerDuty: Service → Integrations → Add → Events API V2; copy its Integration Key here and a REST API key below. A recovery resolves the alert a failure opened." },
  ntfy: { label: "ntfy", example: "https://ntfy.sh/your-secret-topic", help: "A topic on ntfy.sh or on your own server (https://ntfy.example.com/topic); subscribe to it in the ntfy app. Pick a topic nobody can guess." },
  apprise: { label: "Other (Apprise URL)", example: "gotifys://gotify.example.com/token", help: "Any of Apprise's 100+ services as a URL: gotifys://, matrixs://, pover://, opsgenie://, mailtos://, json://… (see the Apprise wiki for each one's form)." },
};
const EVENTS = [
  ["down", "Down"],
  ["degraded", "Degraded"],
  ["recovery", "Back up"],
  ["cert_expiring", "Certificate expiring"],
  ["maintenance", "Maintenance"],
  ["incident_update", "Incident updates"],
];

/** serverId: a server's id (its page), or null for the configs that cover every server. */
export function setupNotifications(serverId) {
  const list = $("#notifications");
  const form = $("#notification-form");
  const result = $("#nf-test-result");
  let configs = [];
  let editing = null;

  async function load() {
    const query = serverId === null ? "" : `server_id=${serverId}&`;
    const { data } = await api("GET", `/api/notification-configs/?${query}page_size=100`);
    configs = serverId === null ? data.filter((config) => config.server === null) : data;
    render();
  }

  function render() {
    if (!configs.length) {
      const none = serverId === null ? "No channels for every server yet." : "No notifications yet: nobody is told when this server goes down.";
      list.replaceChildren(h("li", { class: "muted" }, none));
      return;
    }
    list.replaceChildren(...configs.map(item));
  }

  function item(config) {
    const reminds = config.reminder_interval ? ` · reminder every ${config.reminder_interval} min${config.max_reminders ? `, at most ${config.max_reminders}` : ""}` : "";
    const when = (config.events.join(", ") || "nothing") + reminds;
    const scope = serverId === null ? (config.tags.length ? ` · servers tagged ${config.tags.join(", ")}` : " · every server") : "";
    const log = h("div", { class: "delivery-log", hidden: true });
    return h(
      "li",
      { class: config.enabled ? "" : "disabled", dataset: { id: config.id } },
      h("span", { class: "channel" }, TYPES[config.notification_type]?.label || config.notification_type),
      h("span", { class: "recipient" }, config.name ? `${config.name}: ${config.recipient}` : config.recipient),
      h("span", { class: "muted" }, config.enabled ? `on ${when}${scope}` : `disabled${config.disabled_reason ? `: ${config.disabled_reason}` : ""}`),
      h(
        "span",
        { class: "row-actions" },
        h("button", { type: "button", class: "btn btn-small", onclick: () => edit(config) }, "Edit"),
        h("button", { type: "button", class: "btn btn-small test-saved", onclick: () => testSaved(config) }, "Send test"),
        h("button", { type: "button", class: "btn btn-small show-log", onclick: () => toggleLog(config, log) }, "Deliveries"),
        h("button", { type: "button", class: "btn btn-small", onclick: () => toggle(config) }, config.enabled ? "Disable" : "Enable"),
        h("button", { type: "button", class: "btn btn-small btn-danger", onclick: () => remove(config) }, "Delete"),
      ),
      log,
    );
  }

  async function toggleLog(config, log) {
    if (!log.hidden) {
      log.hidden = true;
      return;
    }
    try {
      const { data } = await api("GET", `/api/notification-configs/${config.id}/deliveries/?page_size=10`);
      log.replaceChildren(
        data.length
          ? h(
              "table",
              { class: "table" },
              h("thead", {}, h("tr", {}, ...["When", "Event", "Try", "Result", "Took", "Provider's answer"].map((t) => h("th", {}, t)))),
              h(
                "tbody",
                {},
                ...data.map((d) =>
                  h("tr", {}, h("td", {}, fmtAgo(d.created_at)), h("td", {}, d.event), h("td", {}, String(d.attempt)), h("td", {}, d.status || d.outcome), h("td", {}, fmtMs(d.duration_ms)), h("td", { class: "error-text" }, d.error || "")),
                ),
              ),
            )
          : h("p", { class: "muted" }, "Nothing sent yet."),
      );
      log.hidden = false;
    } catch (error) {
      reportError(error);
    }
  }

  function showResult(answer) {
    result.hidden = false;
    result.className = answer.ok ? "test-result ok" : "test-result failed";
    result.textContent = answer.ok ? `Sent in ${fmtMs(answer.duration_ms)}.` : `Not sent (${answer.status}): ${answer.error || "no answer"}`;
  }

  async function testSaved(config) {
    try {
      showResult(await api("POST", `/api/notification-configs/${config.id}/test/`));
    } catch (error) {
      reportError(error);
    }
  }

  function body() {
    const type = form.elements.notification_type.value;
    const options = {};
    if (type === "ntfy" && form.elements.priority.value) options.priority = Number(form.elements.priority.value);
    if (type === "pagerduty") {
      if (form.elements.api_key.value) options.api_key = form.elements.api_key.value;
      if (form.elements.severity.value) options.severity = form.elements.severity.value;
    }
    if (type === "telegram") options.silent = form.elements.silent.checked;
    const data = {
      server: serverId,
      notification_type: type,
      recipient: form.elements.recipient.value.trim(),
      enabled: form.elements.enabled.checked,
      events: EVENTS.map(([name]) => name).filter((name) => form.elements[`event_${name}`].checked),
      reminder_interval: Number(form.elements.reminder_interval.value || 0),
      max_reminders: Number(form.elements.max_reminders.value || 0),
      options,
    };
    const name = form.elements.name.value.trim();
    if (name || editing) data.name = name || null;
    if (type === "webhook" && form.elements.secret.value) data.secret = form.elements.secret.value;
    if (serverId === null) data.tags = form.elements.tags.value.split(",").map((t) => t.trim()).filter(Boolean);
    return data;
  }

  function edit(config) {
    editing = config;
    form.elements.id.value = config.id;
    form.elements.notification_type.value = config.notification_type;
    form.elements.recipient.value = config.recipient;
    form.elements.name.value = config.name || "";
    form.elements.enabled.checked = config.enabled;
    for (const [name] of EVENTS) form.elements[`event_${name}`].checked = config.events.includes(name);
    form.elements.reminder_interval.value = config.reminder_interval || 0;
    form.elements.max_reminders.value = config.max_reminders || 0;
    form.elements.priority.value = config.options.priority || "";
    form.elements.severity.value = config.options.severity || "";
    form.elements.silent.checked = Boolean(config.options.silent);
    form.elements.api_key.value = "";
    form.elements.secret.value = "";
    form.elements.api_key.placeholder = form.elements.secret.placeholder = config.secret_set ? "(kept unless you type a new one)" : "";
    if (serverId === null) form.elements.tags.value = config.tags.join(", ");
    $("#nf-title").textContent = "Edit the notification";
    $("#nf-submit").textContent = "Save";
    $("#nf-cancel").hidden = false;
    typeChanged();
    form.elements.recipient.focus();
  }

  function reset() {
    form.reset();
    editing = null;
    form.elements.id.value = "";
    clearErrors(form);
    result.hidden = true;
    $("#nf-title").textContent = "Add a notification";
    $("#nf-submit").textContent = "Add";
    $("#nf-cancel").hidden = true;
    typeChanged();
  }

  async function toggle(config) {
    try {
      await api("PATCH", `/api/notification-configs/${config.id}/`, { enabled: !config.enabled });
      await load();
    } catch (error) {
      reportError(error);
    }
  }

  async function remove(config) {
    if (!window.confirm(`Delete the ${config.notification_type} notification to ${config.recipient}?`)) return;
    try {
      await api("DELETE", `/api/notification-configs/${config.id}/`);
      await load();
    } catch (error) {
      reportError(error);
    }
  }

  function typeChanged() {
    const type = form.elements.notification_type.value;
    form.elements.recipient.placeholder = TYPES[type].example;
    $("#nf-help").textContent = TYPES[type].help;
    for (const el of form.querySelectorAll("[data-for-types]")) el.hidden = !el.dataset.forTypes.split(" ").includes(type);
  }

  form.elements.notification_type.addEventListener("change", typeChanged);
  $("#nf-cancel").addEventListener("click", reset);
  $("#nf-test").addEventListener("click", async () => {
    clearErrors(form);
    result.hidden = true;
    const data = body();
    try {
      // A saved config whose form is unchanged is tested as saved (its stored secrets included).
      const saved = editing && data.recipient === editing.recipient && !data.secret && !data.options.api_key;
      const answer = saved ? await api("POST", `/api/notification-configs/${editing.id}/test/`) : await api("POST", "/api/notification-configs/test/", data);
      showResult(answer);
    } catch (error) {
      showErrors(form, error);
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const id = form.elements.id.value;
    try {
      if (id) await api("PATCH", `/api/notification-configs/${id}/`, body());
      else await api("POST", "/api/notification-configs/", body());
      reset();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
  typeChanged();
  return load();
}
