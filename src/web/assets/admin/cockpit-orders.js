// The cockpit's latest orders of its show: the newest few, kept current by the host socket's
// order pushes (a new one is marked for a moment), with the way to the full orders screen
// filtered to this show, where they are paid, shipped, refunded or cancelled.
import { el, put } from '../ui.js';
import { money } from '../money.js';
import { api } from './api.js';
import { hashOf, mergeOrder, NO_FILTERS } from './order-rules.js';

/** @typedef {import('./order-rules.js').OrderDetail} OrderDetail */

const SHOWN = 6;
const FRESH_MS = 4000;

/**
 * The host socket's order push, when a message is one (`{ type: 'order', order }`).
 * @param {import('../../wire.js').ServerMessage} m @returns {OrderDetail | null}
 */
export const pushedOrder = (m) => (m.type === 'order' ? m.order : null);

/** @param {import('./context.js').Cockpit} c */
export function latestOrdersCard(c) {
  const filters = { ...NO_FILTERS, showId: c.showId };
  /** @type {OrderDetail[]} */
  let orders = [];
  /** @type {Set<string>} */
  const fresh = new Set();
  const list = el('ul', { class: 'cockpit-orders', id: 'cockpit-orders', 'aria-live': 'polite' });
  function draw() {
    put(list, ...orders.slice(0, SHOWN).map((o) =>
      el('li', { 'data-order-id': o.id, class: fresh.has(o.id) ? 'order-fresh' : '' },
        el('span', { class: 'status order-status', 'data-status': o.status, text: o.status }), ' ',
        el('strong', { text: o.viewerName }), ' ',
        el('span', { text: `${o.quantity} × ${o.variantLabel ? `${o.productTitle} · ${o.variantLabel}` : o.productTitle}` }), ' ',
        el('span', { class: 'num', text: money(o.total, o.currency) }))));
    if (!orders.length) put(list, el('li', { class: 'muted', text: 'No orders yet.' }));
  }
  draw();
  return {
    node: [list, el('a', { href: hashOf(filters), id: 'cockpit-orders-all' }, 'All orders of this show: pay, ship, refund')],
    /** the newest orders (on entry and after each reconnect: pushes may have been missed) */
    async reload() {
      const page = /** @type {{ orders: OrderDetail[] }} */ (await api('GET', `/api/orders?showId=${encodeURIComponent(c.showId)}&limit=${SHOWN}`));
      if (!c.current()) return;
      orders = page.orders;
      draw();
    },
    /** @param {OrderDetail} order a pushed order: new, or its state moved */
    push(order) {
      const merged = mergeOrder(orders, order, filters, true);
      if (merged.change === 'none') return;
      orders = merged.list.slice(0, SHOWN);
      fresh.add(order.id);
      window.setTimeout(() => {
        fresh.delete(order.id);
        list.querySelector(`li[data-order-id="${CSS.escape(order.id)}"]`)?.classList.remove('order-fresh');
      }, FRESH_MS);
      draw();
    },
  };
}
