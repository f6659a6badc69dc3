// What every signed-in page does first: find the user, show them, wire the logout button.
import { logout, requireUser } from "./api.js";
import { $, flash } from "./dom.js";

export async function startPage() {
  const me = await requireUser();
  $("#whoami").textContent = me.is_admin ? `${me.username} (admin)` : me.username;
  const button = $("#logout");
  button.hidden = false;
  button.addEventListener("click", () => logout());
  return me;
}

/** Report an unexpected failure at the top of the page instead of failing silently. */
export function reportError(error) {
  flash(error && error.message ? error.message : String(error));
}
