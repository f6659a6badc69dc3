// The server form's list of HTTP assertions (API-NEXT §1.5): rows to add and remove, read into
// the API's `assertions` list; each row has an error slot per field ("assertions.0.path").
import { $$, h } from "./dom.js";

export const MAX = 20;
const OPERATORS = {
  body: ["contains", "not_contains", "matches", "not_matches", "equals"],
  json: ["==", "!=", "<", "<=", ">", ">=", "contains", "not_contains", "matches", "not_matches", "exists", "not_exists"],
  header: ["exists", "not_exists", "==", "!=", "contains", "matches"],
  response_time: ["<", "<="],
  cert_expiry: [">", ">="],
};
const SUBJECT = { json: "path", header: "name" };
const HINTS = { json: "JMESPath, e.g. db.ok", header: "Header name" };
const VALUE_HINTS = { json: "JSON: true, 2, \"text\"", response_time: "ms", cert_expiry: "days", body: "text or regex", header: "value" };
const VALUELESS = ["exists", "not_exists"];

const slot = (field) => h("p", { class: "field-error", dataset: { errorFor: field } });

function option(value, chosen) {
  return h("option", { value, selected: value === chosen }, value.replace("_", " "));
}

function row(assertion = { type: "json", operator: "==" }) {
  const type = h("select", { class: "a-type", "aria-label": "Assertion type" },
    Object.keys(OPERATORS).map((t) => option(t, assertion.type)));
  const subject = h("input", { class: "a-subject", autocapitalize: "off", spellcheck: "false" });
  const operator = h("select", { class: "a-operator", "aria-label": "Operator" });
  const value = h("input", { class: "a-value", "aria-label": "Expected value", autocapitalize: "off", spellcheck: "false" });
  const ignoreCase = h("input", { type: "checkbox", class: "a-case" });
  const remove = h("button", { type: "button", class: "btn btn-small a-remove" }, "Remove");
  const el = h("div", { class: "assertion-row" },
    h("div", { class: "assertion-fields" }, type, subject, operator, value,
      h("label", { class: "a-case-label" }, ignoreCase, " ignore case"), remove),
    h("div", { class: "assertion-errors" }));
  subject.value = assertion.path ?? assertion.name ?? "";
  value.value = assertion.value === undefined ? "" : shown(assertion.type, assertion.value);
  ignoreCase.checked = assertion.case_sensitive === false;
  const sync = () => {
    const kind = type.value;
    const chosen = OPERATORS[kind].includes(operator.value) ? operator.value : assertion.operator;
    operator.replaceChildren(...OPERATORS[kind].map((o) => option(o, chosen)));
    subject.hidden = !SUBJECT[kind];
    subject.placeholder = HINTS[kind] || "";
    subject.setAttribute("aria-label", HINTS[kind] || "Subject");
    ignoreCase.closest("label").hidden = kind !== "body";
    syncValue();
  };
  const syncValue = () => {
    value.hidden = VALUELESS.includes(operator.value);
    value.placeholder = VALUE_HINTS[type.value] || "";
  };
  type.addEventListener("change", sync);
  operator.addEventListener("change", syncValue);
  remove.addEventListener("click", () => {
    const list = el.parentElement;
    el.remove();
    renumber(list);
  });
  sync();
  return el;
}

/** How a stored value shows in its input: JSON for json values that would not read back as text. */
function shown(type, value) {
  if (type !== "json") return String(value);
  if (typeof value === "string") {
    try {
      JSON.parse(value);
      return JSON.stringify(value); // "2" stays a string
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}

function parsed(type, text) {
  if (type === "json") {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type === "response_time" || type === "cert_expiry") return text !== "" && !Number.isNaN(Number(text)) ? Number(text) : text;
  return text;
}

function renumber(list) {
  $$(".assertion-row", list).forEach((el, index) => {
    el.dataset.index = String(index);
    const errors = el.querySelector(".assertion-errors");
    errors.replaceChildren(...["", ".type", ".path", ".name", ".operator", ".value", ".case_sensitive"].map((f) => slot(`assertions.${index}${f}`)));
  });
  const add = list.parentElement.querySelector(".add-assertion");
  if (add) add.disabled = $$(".assertion-row", list).length >= MAX;
}

/** Wire the editor inside a container holding .assertion-list and .add-assertion. */
export function setupAssertions(container) {
  const list = container.querySelector(".assertion-list");
  container.querySelector(".add-assertion").addEventListener("click", () => {
    list.append(row());
    renumber(list);
    list.lastElementChild.querySelector(".a-subject").focus();
  });
  return {
    fill(assertions) {
      list.replaceChildren(...(assertions || []).map((a) => row(a)));
      renumber(list);
    },
    read() {
      return $$(".assertion-row", list).map((el) => {
        const type = el.querySelector(".a-type").value;
        const operator = el.querySelector(".a-operator").value;
        const assertion = { type, operator };
        if (SUBJECT[type]) assertion[SUBJECT[type]] = el.querySelector(".a-subject").value.trim();
        if (!VALUELESS.includes(operator)) assertion.value = parsed(type, el.querySelector(".a-value").value);
        if (type === "body" && el.querySelector(".a-case").checked) assertion.case_sensitive = false;
        return assertion;
      });
    },
  };
}
