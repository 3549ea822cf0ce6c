/* Building the pages' elements from the API's data: text always goes in as text, never as
   markup, and a link to another site only when it is http(s). */

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/* A link to an outside page (a meeting link) that opens in a new tab, only for an http(s)
   URL: anything else (javascript:, data:, a relative path...) is shown as plain text, never
   followed. Empty when there is no URL. */
export function externalLink(raw) {
  if (!raw) return null;
  let url = null;
  try {
    url = new URL(String(raw));
  } catch (error) {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return el("span", { class: "unsafe-link" }, String(raw));
  }
  return el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, String(raw));
}

/* One line of a <dl>, left out when there is nothing to say. */
export function detail(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return [el("dt", {}, label), el("dd", {}, value)];
}

/* `work()` run with `button` disabled and aria-busy (Telegram's main button, when it stands in
   for it, shows its progress); the button is itself again afterwards. */
export async function whileBusy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
