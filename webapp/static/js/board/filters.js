/* The board's filters: the dates, branch and psychologist of the columns (the calendar takes
   the branch and the psychologist; its dates are its own), and the psychologists to choose
   from, learnt from every appointment and free slot the board is shown. */

import { request } from "../app.js";
import { el } from "../dom.js";
import { isoDay } from "../format.js";

export const filters = document.getElementById("filters");
const psychologists = new Set();

export function filterValues() {
  const values = {};
  for (const [name, value] of new FormData(filters)) if (value) values[name] = value;
  return values;
}

export function matchesFilters(appointment) {
  const values = filterValues();
  const day = isoDay(new Date(appointment.starts_at));
  if (values.date_from && day < values.date_from) return false;
  if (values.date_to && day > values.date_to) return false;
  if (values.psychologist_id && String(appointment.psychologist.id) !== values.psychologist_id) {
    return false;
  }
  return true;
}

/* A psychologist not seen before becomes a choice in every psychologist select (the filter's
   and the booking dialog's). */
export function rememberPsychologist(psychologist) {
  if (psychologists.has(psychologist.id)) return;
  psychologists.add(psychologist.id);
  for (const select of document.querySelectorAll('select[name="psychologist_id"]')) {
    select.append(el("option", { value: psychologist.id }, psychologist.name));
  }
}

export async function loadChoices() {
  const [branches, slots] = await Promise.all([
    request("GET", "/api/v1/branches"),
    request("GET", "/api/v1/slots/available"),
  ]);
  const branchSelect = filters.elements.branch_id;
  for (const branch of branches) branchSelect.append(el("option", { value: branch.id }, branch.name));
  for (const slot of slots) rememberPsychologist({ id: slot.psychologist_id, name: slot.psychologist });
}

/* The columns open on today and the next two weeks. */
export function showNextTwoWeeks() {
  const today = new Date();
  const until = new Date(today.getTime() + 14 * 86400000);
  filters.elements.date_from.value = isoDay(today);
  filters.elements.date_to.value = isoDay(until);
}
