// Showing a check's assertions (expected vs actual) and the trace of a test run (API-NEXT §1.7).
import { fmtMs, h, statusBadge } from "./dom.js";

const show = (value) => (value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** What an assertion looks at: "json db.ok", "header X-Version", "body". */
export function subjectOf(a) {
  return [a.type, a.path ?? a.name].filter((part) => part !== undefined && part !== null).join(" ");
}

/** A table of verdicts: each assertion with its operator, expected and actual value. */
export function verdictTable(verdicts) {
  return h(
    "table",
    { class: "results verdicts" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Assertion"), h("th", { scope: "col" }, "Expected"),
      h("th", { scope: "col" }, "Actual"), h("th", { scope: "col" }, "Result"))),
    h("tbody", {}, verdicts.map((v) => h("tr", { class: v.passed ? "passed" : "failed" },
      h("td", {}, `${subjectOf(v)} ${v.operator}`),
      h("td", {}, h("code", {}, show(v.expected))),
      h("td", {}, h("code", {}, show(v.actual)), v.message && !v.passed ? h("div", { class: "muted small" }, v.message) : null),
      h("td", {}, statusBadge(v.passed ? "up" : "down", v.passed ? "passed" : "failed"))))),
  );
}

function stepText(step) {
  if (step.step === "assertion") return `#${step.index + 1} ${subjectOf(step)} ${step.operator}`;
  if (step.step === "http") return step.status ? `HTTP ${step.status}` : "";
  if (step.detail && typeof step.detail === "object") return JSON.stringify(step.detail);
  return step.detail || step.host || "";
}

/** Render the answer of a test run: its result, then each step with its time and outcome. */
export function renderTrial(el, answer) {
  const { result, trace } = answer;
  const head = result
    ? h("p", {}, statusBadge(result.status === "success" ? "up" : "down", result.status), " ",
        result.error_message || (result.status_code ? `HTTP ${result.status_code}` : "OK"),
        result.response_time !== null ? ` · ${fmtMs(result.response_time)}` : "")
    : h("p", { class: "muted" }, "Nothing to check now.");
  const steps = h("ol", { class: "trace" }, trace.map((step) => {
    const failed = step.error || step.passed === false;
    return h("li", { class: failed ? "failed" : "passed", dataset: { step: step.step } },
      h("strong", {}, step.step), " ",
      stepText(step),
      step.ms !== undefined ? h("span", { class: "muted" }, ` ${fmtMs(step.ms)}`) : null,
      step.error ? h("span", { class: "step-error" }, ` ${step.error}`) : null,
      step.step === "assertion" ? h("span", { class: failed ? "step-error" : "muted" },
        failed ? ` ${step.message || "failed"}` : ` got ${show(step.actual)}`) : null);
  }));
  el.replaceChildren(h("h2", {}, "Test run"), head, steps);
  el.hidden = false;
}
