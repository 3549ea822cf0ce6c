/* The board's client search (GET /api/v1/clients?query=): a part of the name, or of the
   phone's digits in any writing; a client picked from the matches opens in the drawer with
   their card. */

import { request, t, toast } from "../app.js";
import { el } from "../dom.js";
import { openClientDrawer } from "./drawer.js";

const form = document.getElementById("client-search");
const input = form.elements.query;
const results = form.querySelector(".search-results");
const MIN_LENGTH = 2;
const PAUSE_MS = 300;
let timer = null;
let asked = "";

function show(clients) {
  results.replaceChildren(...clients.map((client) => el("li", {},
    el("button", {
      type: "button", class: "search-result", dataset: { clientId: client.id },
      onclick: () => {
        results.hidden = true;
        openClientDrawer(client);
      },
    },
    el("span", { class: "name" }, client.name || t("no_name")),
    client.phone ? el("span", { class: "phone" }, client.phone) : null))));
  if (!clients.length) results.replaceChildren(el("li", { class: "empty" }, t("search_nothing")));
  results.hidden = false;
}

async function search() {
  const query = input.value.trim();
  if (query.length < MIN_LENGTH) {
    results.hidden = true;
    return;
  }
  asked = query;
  const clients = await request("GET", `/api/v1/clients?${new URLSearchParams({ query })}`);
  if (asked === query) show(clients); // a later search may have been asked meanwhile
}

input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search().catch((error) => toast(error.message)), PAUSE_MS);
});
// The matches close on a click elsewhere, as a menu does.
document.addEventListener("click", (event) => {
  if (!form.contains(event.target)) results.hidden = true;
});
input.addEventListener("focus", () => {
  if (results.childElementCount && input.value.trim().length >= MIN_LENGTH) results.hidden = false;
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  search().catch((error) => toast(error.message));
});
