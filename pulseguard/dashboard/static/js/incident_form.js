// The form that announces a manual incident (POST /api/incidents/), with its 422s by the fields.
import { api } from "./api.js";
import { $, $$, clearErrors, h, showErrors } from "./dom.js";

export function setupIncidentForm({ servers, pages = [], onSaved }) {
  const form = $("#incident-form");
  const el = form.elements;
  const pick = (name, id, text) => h("label", { class: "check" }, h("input", { type: "checkbox", name, value: id }), ` ${text}`);
  $("#i-servers").replaceChildren(...servers.map((s) => pick("servers", s.id, s.name)));
  // Status pages to announce it on, even naming no server (the whole page is concerned).
  $("#i-pages").replaceChildren(...pages.map((p) => pick("status_pages", p.id, `${p.title} (/status/${p.slug})`)));
  $("#i-pages-none").hidden = pages.length > 0;

  function close() {
    $("#incident-editor").hidden = true;
  }

  function open() {
    form.reset();
    clearErrors(form);
    $("#incident-editor").hidden = false;
    el.title.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      title: el.title.value.trim(),
      severity: el.severity.value,
      servers: $$("input[name=servers]:checked", form).map((box) => Number(box.value)),
      status_pages: $$("input[name=status_pages]:checked", form).map((box) => Number(box.value)),
      public: el.public.checked,
    };
    const message = el.message.value.trim();
    if (message) body.message = message;
    try {
      const incident = await api("POST", "/api/incidents/", body);
      close();
      await onSaved(incident);
    } catch (error) {
      showErrors(form, error);
    }
  });
  $("#cancel-incident").addEventListener("click", close);
  return { open, close };
}
