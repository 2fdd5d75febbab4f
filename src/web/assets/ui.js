// What both pages draw with: elements from plain data (text always as text), money in minor
// units, and the toast that confirms each action. An ES module: viewer.js and admin.js import it.

/**
 * An element by id. The pages are drawn by these modules, so an id they ask for exists;
 * the type parameter says which kind of element it is (`$.input('x')` for form fields).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export const $ = (id) => /** @type {T} */ (document.getElementById(id));
/** @param {string} id */
export const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @typedef {Node | string | null | undefined | false} Kid */

/**
 * replaceChildren that skips the null and false of conditional parts
 * @param {Element} node
 * @param {...(Kid | Kid[])} kids
 */
export const put = (node, ...kids) => node.replaceChildren(.../** @type {Array<Node | string>} */ (kids.flat().filter((k) => k != null && k !== false)));

/**
 * Attributes by name; `class` and `text` set className and textContent, `on…` adds a listener,
 * true is an empty attribute and false or null leaves it out.
 * @typedef {Record<string, string | boolean | null | undefined | ((e: any) => unknown)>} Props
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = String(v);
    else if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c != null && c !== false) node.append(c);
  return node;
};

// money as a viewer reads it; typing and converting live in money.js too
export { money } from './money.js';
let toastTimer = 0;
/** @param {string} text @param {boolean} [error] */
export const toast = (text, error = false) => {
  const t = $('toast');
  t.textContent = text;
  t.className = `toast show${error ? ' error' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (t.className = 'toast'), 3500);
};
