// Notification configs of one server: list, add, edit, enable/disable, delete.
import { api } from "./api.js";
import { $, clearErrors, h, showErrors } from "./dom.js";
import { reportError } from "./shell.js";

const PLACEHOLDERS = {
  email: "ops@example.com",
  webhook: "https://hooks.example.com/pulse",
  sms: "+15551234567",
};

export function setupNotifications(serverId) {
  const list = $("#notifications");
  const form = $("#notification-form");
  let configs = [];

  async function load() {
    const { data } = await api("GET", `/api/notification-configs/?server_id=${serverId}&page_size=100`);
    configs = data;
    render();
  }

  function render() {
    if (!configs.length) {
      list.replaceChildren(h("li", { class: "muted" }, "No notifications yet: nobody is told when this server goes down."));
      return;
    }
    list.replaceChildren(
      ...configs.map((config) => {
        const when = [config.notify_on_failure && "down", config.notify_on_recovery && "back up"]
          .filter(Boolean)
          .join(" and ");
        return h(
          "li",
          { class: config.enabled ? "" : "disabled", dataset: { id: config.id } },
          h("span", { class: "channel" }, config.notification_type),
          h("span", { class: "recipient" }, config.recipient),
          h("span", { class: "muted" }, config.enabled ? `when ${when || "never"}` : "disabled"),
          h(
            "span",
            { class: "row-actions" },
            h("button", { type: "button", class: "btn btn-small", onclick: () => edit(config) }, "Edit"),
            h(
              "button",
              { type: "button", class: "btn btn-small", onclick: () => toggle(config) },
              config.enabled ? "Disable" : "Enable",
            ),
            h(
              "button",
              { type: "button", class: "btn btn-small btn-danger", onclick: () => remove(config) },
              "Delete",
            ),
          ),
        );
      }),
    );
  }

  function edit(config) {
    form.elements.id.value = config.id;
    form.elements.notification_type.value = config.notification_type;
    form.elements.recipient.value = config.recipient;
    for (const name of ["enabled", "notify_on_failure", "notify_on_recovery"]) form.elements[name].checked = config[name];
    $("#nf-title").textContent = "Edit the notification";
    $("#nf-submit").textContent = "Save";
    $("#nf-cancel").hidden = false;
    form.elements.recipient.focus();
  }

  function reset() {
    form.reset();
    form.elements.id.value = "";
    clearErrors(form);
    $("#nf-title").textContent = "Add a notification";
    $("#nf-submit").textContent = "Add";
    $("#nf-cancel").hidden = true;
    placeholder();
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

  function placeholder() {
    form.elements.recipient.placeholder = PLACEHOLDERS[form.elements.notification_type.value];
  }

  form.elements.notification_type.addEventListener("change", placeholder);
  $("#nf-cancel").addEventListener("click", reset);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      server: serverId,
      notification_type: form.elements.notification_type.value,
      recipient: form.elements.recipient.value.trim(),
      enabled: form.elements.enabled.checked,
      notify_on_failure: form.elements.notify_on_failure.checked,
      notify_on_recovery: form.elements.notify_on_recovery.checked,
    };
    const id = form.elements.id.value;
    try {
      if (id) await api("PUT", `/api/notification-configs/${id}/`, body);
      else await api("POST", "/api/notification-configs/", body);
      reset();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
  placeholder();
  return load();
}
