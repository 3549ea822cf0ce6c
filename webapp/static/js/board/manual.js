/* Booking by phone: a manager books a free slot for a client who called
   (POST /api/v1/appointments/manual); the new card flies into the board. */

import { request, t, toast } from "../app.js";
import { el, whileBusy } from "../dom.js";
import { formatTime } from "../format.js";
import { backCloses, haptic, mainButton } from "../telegram.js";
import { place } from "./kanban.js";

const dialog = document.getElementById("manual");
const manualForm = document.getElementById("manual-form");

async function fillSlots() {
  const psychologist = manualForm.elements.psychologist_id.value;
  const query = psychologist ? `?psychologist_id=${psychologist}` : "";
  const slots = await request("GET", `/api/v1/slots/available${query}`);
  manualForm.elements.slot_id.replaceChildren(...slots.map((slot) => el("option", { value: slot.id },
    `${formatTime(slot.starts_at)} — ${slot.psychologist}`)));
}

const opener = document.getElementById("new-booking");
const submit = manualForm.querySelector('button[type="submit"]');

opener.addEventListener("click", async () => {
  manualForm.reset();
  manualForm.querySelector(".form-error").textContent = "";
  const services = await request("GET", "/api/v1/services").catch(() => []);
  manualForm.elements.service_id.replaceChildren(el("option", { value: "" }, "—"),
    ...services.map((service) => el("option", { value: service.id }, service.name)));
  await fillSlots().catch((error) => toast(error.message));
  dialog.showModal();
});
manualForm.elements.psychologist_id.addEventListener("change", () => fillSlots().catch(
  (error) => toast(error.message)));
manualForm.querySelector(".cancel").addEventListener("click", () => dialog.close());
manualForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = manualForm.elements;
  const body = {
    phone: fields.phone.value, name: fields.name.value, slot_id: Number(fields.slot_id.value),
  };
  if (fields.service_id.value) body.service_id = Number(fields.service_id.value);
  await whileBusy(submit, async () => {
    try {
      const appointment = await request("POST", "/api/v1/appointments/manual", body);
      place(appointment, { fresh: true });
      dialog.close();
      toast(t("booked"), "success");
    } catch (error) {
      manualForm.querySelector(".form-error").textContent = error.message;
      haptic("error");
    }
  });
});
// Inside Telegram: its main button books by phone, then books in the dialog; its back button
// closes the dialog.
mainButton(opener);
mainButton(submit);
backCloses(dialog, () => dialog.close());
