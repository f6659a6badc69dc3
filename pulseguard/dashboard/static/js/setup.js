// First run: create the administrator (the first user becomes admin), then sign in.
import { ApiError, api, login } from "./api.js";
import { $, clearErrors, showErrors } from "./dom.js";

const form = $("#setup-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const data = Object.fromEntries(new FormData(form));
  if (data.password !== data.password2) {
    showErrors(form, new ApiError(422, { errors: { json: { password2: ["The passwords differ."] } } }));
    return;
  }
  const body = { username: data.username, password: data.password };
  if (data.email) body.email = data.email;
  try {
    await api("POST", "/api/auth/register/", body, { auth: false });
    await login(data.username, data.password);
    location.assign("/");
  } catch (error) {
    showErrors(form, error);
  }
});
$("#username").focus();
