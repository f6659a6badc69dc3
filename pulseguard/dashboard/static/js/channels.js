// /channels: the notification configs that cover every server (or every server with a tag).
import { setupNotifications } from "./notifications.js";
import { reportError, startPage } from "./shell.js";

async function main() {
  await startPage();
  await setupNotifications(null);
  document.body.dataset.ready = "true";
}

main().catch(reportError);
