/* Importing a client base: upload the file, show what the import did, row by row. */

import { managersOnly, request, t, toast } from "./app.js";
import { el, whileBusy } from "./dom.js";
import { haptic, mainButton } from "./telegram.js";

const form = document.getElementById("import-form");
const report = document.getElementById("import-report");
const upload = form.querySelector('button[type="submit"]');

function show(answer) {
  for (const name of ["created", "updated", "skipped"]) {
    report.querySelector(`[data-field="${name}"]`).textContent = answer[name];
  }
  const rows = answer.errors.map((problem) => el("tr", {},
    el("td", {}, problem.row), el("td", {}, problem.reason)));
  report.querySelector("tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "2" }, t("no_problems")))]));
  report.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  await whileBusy(upload, async () => {
    try {
      show(await request("POST", "/api/v1/system/import", new FormData(form)));
      haptic("success");
    } catch (error) {
      toast(error.message);
    }
  });
});
// Inside Telegram its main button uploads.
mainButton(upload);

(async () => {
  if (!(await managersOnly())) form.hidden = true;
})();
