// The status page editor: settings, groups of servers in order (up/down buttons), preview.
import { api } from "./api.js";
import { $, $$, clearErrors, flash, h, showErrors, statusBadge } from "./dom.js";
import { reportError, startPage } from "./shell.js";

const pageId = Number(document.body.dataset.pageId);
const form = $("#page-form");
let groups = [];
let servers = new Map(); // id -> server
const BADGE = { operational: "up", outage: "down", degraded: "degraded", maintenance: "maintenance" };

function move(list, index, step) {
  const target = index + step;
  if (target < 0 || target >= list.length) return;
  [list[index], list[target]] = [list[target], list[index]];
  renderGroups();
}

function button(label, title, onclick, disabled = false) {
  return h("button", { type: "button", class: "btn btn-small", "aria-label": title, title, onclick, disabled }, label);
}

function renderGroups() {
  const used = new Set(groups.flatMap((g) => g.servers.map((s) => s.server)));
  $("#groups").replaceChildren(
    ...groups.map((group, gi) => {
      const free = [...servers.values()].filter((s) => !used.has(s.id));
      const picker = h("select", { "aria-label": `Server to add to ${group.name}` },
        ...free.map((s) => h("option", { value: s.id }, s.name)));
      return h("fieldset", { class: "group-edit", dataset: { group: gi } },
        h("legend", {}, `Group ${gi + 1}`),
        h("div", { class: "actions" },
          h("input", { value: group.name, "aria-label": `Name of group ${gi + 1}`, maxlength: 100,
            oninput: (e) => { group.name = e.target.value; } }),
          button("↑", `Move group ${group.name} up`, () => move(groups, gi, -1), gi === 0),
          button("↓", `Move group ${group.name} down`, () => move(groups, gi, 1), gi === groups.length - 1),
          button("Remove", `Remove group ${group.name}`, () => { groups.splice(gi, 1); renderGroups(); }),
        ),
        h("ol", { class: "group-servers" },
          ...group.servers.map((item, si) => {
            const name = servers.get(item.server)?.name ?? `#${item.server}`;
            return h("li", { dataset: { server: item.server } },
              h("span", { class: "server-name" }, name), " ",
              h("input", { value: item.display_name || "", placeholder: "Display name (optional)",
                "aria-label": `Display name of ${name}`, maxlength: 100,
                oninput: (e) => { item.display_name = e.target.value; } }),
              button("↑", `Move ${name} up`, () => move(group.servers, si, -1), si === 0),
              button("↓", `Move ${name} down`, () => move(group.servers, si, 1), si === group.servers.length - 1),
              button("Remove", `Remove ${name}`, () => { group.servers.splice(si, 1); renderGroups(); }),
            );
          }),
        ),
        free.length ? h("div", { class: "actions" }, picker,
          button("Add server", `Add the chosen server to ${group.name}`, () => {
            group.servers.push({ server: Number(picker.value) });
            renderGroups();
          })) : null,
      );
    }),
  );
}

function fill(page) {
  $("#page-title").textContent = page.title;
  for (const el of $$("[name][data-type]", form)) {
    const value = page[el.name];
    if (el.dataset.type === "bool") el.checked = Boolean(value);
    else el.value = value ?? "";
  }
  groups = page.groups.map((g) => ({ name: g.name, servers: g.servers.map((s) => ({ ...s })) }));
  const link = $("#public-link");
  link.href = page.public_url;
  link.hidden = !page.published;
  renderGroups();
}

function read() {
  const body = {};
  for (const el of $$("[name][data-type]", form)) {
    const type = el.dataset.type;
    if (type === "bool") body[el.name] = el.checked;
    else if (type === "int") body[el.name] = /^\d+$/.test(el.value.trim()) ? Number(el.value) : el.value;
    else if (el.dataset.empty === "null" && el.value.trim() === "") body[el.name] = null;
    else body[el.name] = el.value;
  }
  body.groups = groups.map((g) => ({
    name: g.name,
    servers: g.servers.map((s) => (s.display_name ? { server: s.server, display_name: s.display_name } : { server: s.server })),
  }));
  return body;
}

async function preview() {
  const summary = await api("GET", `/api/status-pages/${pageId}/preview/`);
  $("#preview-overall").textContent = summary.overall.message;
  $("#preview-groups").replaceChildren(
    ...summary.groups.map((g) => h("div", {}, h("h3", {}, g.name),
      h("ul", {}, ...g.components.map((c) => h("li", {}, `${c.name} `, statusBadge(BADGE[c.status] || "unknown", c.status.replace(/_/g, " "))))))),
  );
  $("#preview-box").hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  try {
    fill(await api("PATCH", `/api/status-pages/${pageId}/`, read()));
    flash("Saved.", "info");
  } catch (error) {
    showErrors(form, error);
  }
});

$("#add-group").addEventListener("click", () => {
  const input = $("#new-group");
  groups.push({ name: input.value.trim() || `Group ${groups.length + 1}`, servers: [] });
  input.value = "";
  renderGroups();
});
$("#preview").addEventListener("click", () => preview().catch(reportError));
$("#delete").addEventListener("click", async () => {
  if (!confirm("Delete this status page? Its public address stops working at once.")) return;
  await api("DELETE", `/api/status-pages/${pageId}/`);
  location.assign("/status-pages");
});

async function load() {
  const [page, answer] = await Promise.all([
    api("GET", `/api/status-pages/${pageId}/`),
    api("GET", "/api/servers/?page_size=500"),
  ]);
  servers = new Map((answer.data ?? answer).map((s) => [s.id, s]));
  fill(page);
}

startPage()
  .then(load)
  .then(() => { document.body.dataset.ready = "true"; })
  .catch(reportError);
