// The list of the user's status pages, and the form that creates one.
import { api } from "./api.js";
import { $, h, showErrors } from "./dom.js";
import { reportError, startPage } from "./shell.js";

async function load() {
  const answer = await api("GET", "/api/status-pages/?page_size=500");
  const pages = answer.data ?? answer;
  $("#pages-empty").hidden = pages.length > 0;
  $("#pages").replaceChildren(
    ...pages.map((p) =>
      h("li", {},
        h("a", { href: `/status-pages/${p.id}` }, p.title), " ",
        h("span", { class: `badge badge-${p.published ? "up" : "unknown"}` }, p.published ? "published" : "draft"), " ",
        p.published ? h("a", { href: p.public_url, class: "hint" }, `/status/${p.slug}`) : h("span", { class: "hint" }, `/status/${p.slug}`),
      ),
    ),
  );
}

$("#new-page").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const page = await api("POST", "/api/status-pages/", {
      title: form.elements.title.value.trim(),
      slug: form.elements.slug.value.trim(),
    });
    location.assign(`/status-pages/${page.id}`);
  } catch (error) {
    showErrors(form, error);
  }
});

startPage()
  .then(load)
  .then(() => { document.body.dataset.ready = "true"; })
  .catch(reportError);
