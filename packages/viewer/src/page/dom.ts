type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void) | Record<string, string>>;

/**
 * Builds an element. Text always goes in as text nodes, never as HTML: span names, attributes and
 * messages come from whatever sent the telemetry.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (key === "class") el.className = String(value);
    // Through the CSSOM: the page's Content-Security-Policy forbids style attributes in markup.
    else if (typeof value === "object") for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** Characters of one text shown before "show all": layout of megabytes of text froze the page for seconds. */
export const TEXT_LIMIT = 10_000;

/**
 * A block of text that may be huge (a captured prompt, a tool result): the first TEXT_LIMIT
 * characters, then a "show all" button that puts in the rest.
 */
export function longText(tag: "pre" | "div", text: string, className?: string): HTMLElement {
  const el = h(tag, className ? { class: className } : {});
  if (text.length <= TEXT_LIMIT) {
    el.textContent = text;
    return el;
  }
  const more = h(
    "button",
    {
      type: "button",
      class: "show-all",
      onclick: () => {
        el.textContent = text;
        delete el.dataset.truncated;
      },
    },
    `show all (${text.length / 1024 / 1024 >= 1 ? `${(text.length / 1024 / 1024).toFixed(1)} M` : `${Math.ceil(text.length / 1024)} k`} characters)`,
  );
  el.append(document.createTextNode(`${text.slice(0, TEXT_LIMIT)}…`), h("br"), more);
  el.dataset.truncated = String(text.length);
  return el;
}
