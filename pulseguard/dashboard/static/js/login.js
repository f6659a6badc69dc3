// The sign-in form: tokens go to localStorage, then back to where the user was going.
import { login } from "./api.js";
import { $, clearErrors, showErrors } from "./dom.js";

const form = $("#login-form");

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  // Only paths on this site, never another origin.
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const data = Object.fromEntries(new FormData(form));
  try {
    await login(data.username, data.password);
    location.assign(nextPage());
  } catch (error) {
    showErrors(form, error);
  }
});
