// What both pages draw with: elements from plain data (text always as text), money in minor
// units, and the toast that confirms each action. Loaded before viewer.js and admin.js.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  /** replaceChildren that skips the null and false of conditional parts */
  const put = (node, ...kids) => node.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c != null) node.append(c);
    return node;
  };
  const formats = new Map();
  const format = (currency) => {
    if (!formats.has(currency)) {
      let f = null;
      try {
        f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
      } catch {}
      formats.set(currency, f);
    }
    return formats.get(currency);
  };
  /** digits after the point in a currency (2 for EUR, 0 for JPY) */
  const exponent = (currency) => (format(currency) ? format(currency).resolvedOptions().maximumFractionDigits : 2);
  const money = (minor, currency) => (format(currency) ? format(currency).format(minor / 10 ** exponent(currency)) : `${minor} ${currency}`);
  let toastTimer = 0;
  const toast = (text, error = false) => {
    const t = $('toast');
    t.textContent = text;
    t.className = `toast show${error ? ' error' : ''}`;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (t.className = 'toast'), 3500);
  };
  window.HawkerUI = Object.freeze({ $, put, el, exponent, money, toast });
})();
