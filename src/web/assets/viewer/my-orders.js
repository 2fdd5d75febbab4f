// "My orders": the viewer's orders across the merchant's shows (GET /api/me/orders), newest
// first: the status in words, the hold's countdown while pending, pay again (card) and cancel
// while pending, the carrier and tracking number once shipped. The socket pushes this viewer's
// order changes (`my-order`); while the tab is open it also asks again every 15 s, so orders
// of other shows and a dropped socket are not missed.
import { $, el, put, money, toast } from '../ui.js';
import { api, currentViewer } from './identity.js';
import { holdLeftMs, holdText, statusText } from './order-words.js';

/** @typedef {import('../../wire.js').ViewerOrder} ViewerOrder */
/** @typedef {ViewerOrder & { productTitle?: string, variantLabel?: string | null }} ListedOrder */
/** @typedef {Error & { code?: string }} ApiError */

const REFRESH_MS = 15_000;
/** @type {ListedOrder[]} */
let orders = [];
let loaded = false;
/** @type {{ payAgain(order: ViewerOrder): void, titleOf(order: ViewerOrder): string }} */
let actions = { payAgain: () => undefined, titleOf: () => 'Your order' };

/** what the list can do beyond itself (the buy sheet pays again; the lineup names products) @param {typeof actions} a */
export function wireMyOrders(a) {
  actions = a;
  setInterval(() => {
    if (!$('panel-orders').hidden) {
      tickHolds();
      if (Date.now() - lastLoad >= REFRESH_MS) void loadMyOrders();
    }
  }, 1000);
}

/** the tab, opened from the buy sheet */
export function showMyOrders() {
  $('tab-orders').click();
}

let lastLoad = 0;
let loading = false;
/** asks for the list (the tab opened, or 15 s passed while it is open) */
export async function loadMyOrders() {
  const list = $('my-orders');
  if (!currentViewer()) {
    put(list, el('li', { class: 'muted', text: 'Your orders appear here once you buy something.' }));
    return;
  }
  if (loading) return;
  loading = true;
  lastLoad = Date.now();
  try {
    /** @type {{ orders: ListedOrder[] }} */
    const answer = await api('GET', '/api/me/orders');
    orders = answer.orders;
    loaded = true;
    render();
  } catch (err) {
    if (!loaded) put(list, el('li', { class: 'muted', text: `Your orders could not load: ${/** @type {Error} */ (err).message}` }));
  } finally {
    loading = false;
  }
}

/** a placed order or a pushed change: into the list at once @param {ViewerOrder} order */
export function orderPlaced(order) {
  const i = orders.findIndex((o) => o.id === order.id);
  if (i >= 0) orders[i] = { ...orders[i], ...order };
  else orders.unshift(order);
  if (loaded || i < 0) render();
}
/** the socket's `my-order` @param {ViewerOrder} order */
export function orderPushed(order) {
  const was = orders.find((o) => o.id === order.id);
  orderPlaced(order);
  if (was && was.status !== order.status) toast(`Your order: ${statusText(order)}${order.status === 'shipped' && order.trackingNumber ? ` · tracking ${order.trackingNumber}` : ''}`);
}

function render() {
  put($('my-orders'), orders.length ? null : el('li', { class: 'muted', text: 'No orders yet.' }), ...orders.map(orderItem));
}

/** @param {ListedOrder} o */
function orderItem(o) {
  const title = o.productTitle ?? actions.titleOf(o);
  const pending = o.status === 'pending';
  const running = pending && (holdLeftMs(o.holdExpiresAt) ?? 1) > 0;
  return el('li', { class: `my-order status-${o.status}`, 'data-order-id': o.id, 'data-status': o.status },
    el('div', { class: 'row spread' },
      el('strong', { class: 'title', text: `${o.quantity} × ${title}${o.variantLabel ? ` (${o.variantLabel})` : ''}` }),
      el('span', { class: 'total', text: money(o.total, o.currency) })),
    el('div', { class: 'order-status', 'data-order-status': '', text: statusText(o) }),
    pending && o.holdExpiresAt ? el('div', { class: 'hold', 'data-hold': '', text: holdText(o.holdExpiresAt) }) : null,
    o.status === 'shipped' ? el('div', { class: 'tracking', 'data-tracking': '', text: `${o.carrier ?? 'Carrier'} · tracking ${o.trackingNumber ?? 'not given'}` }) : null,
    el('div', { class: 'muted small', text: `Ordered ${new Date(o.createdAt).toLocaleString()}${o.replay ? ' · from the replay' : ''}` }),
    running
      ? el('div', { class: 'row' },
          o.payment.provider === 'stripe' ? el('button', { type: 'button', class: 'small', onclick: () => actions.payAgain(o) }, 'Pay now') : null,
          el('button', { type: 'button', class: 'secondary small', 'data-cancel-order': o.id, onclick: () => void cancel(o) }, 'Cancel order'))
      : null);
}

/** the countdowns of pending orders, each second while the tab is open */
function tickHolds() {
  for (const o of orders) {
    if (o.status !== 'pending' || !o.holdExpiresAt) continue;
    const item = $('my-orders').querySelector(`[data-order-id="${CSS.escape(o.id)}"]`);
    const hold = item?.querySelector('[data-hold]');
    if (!item || !hold) continue;
    hold.textContent = holdText(o.holdExpiresAt);
    // at zero the buttons go; the server's sweep turns it expired (the next refresh says so)
    if (holdLeftMs(o.holdExpiresAt) === 0 && item.querySelector('[data-cancel-order]')) item.replaceWith(orderItem(o));
  }
}

let cancelling = false;
/** @param {ViewerOrder} o */
async function cancel(o) {
  if (cancelling || !confirm('Cancel this order? The item goes back on sale.')) return;
  cancelling = true;
  try {
    /** @type {ViewerOrder} */
    const done = await api('POST', `/api/orders/${encodeURIComponent(o.id)}/cancel`, {});
    orderPlaced(done);
    toast('Order cancelled');
  } catch (err) {
    const { code, message } = /** @type {ApiError} */ (err);
    toast(code === 'ORDER_STATE' ? 'This order can no longer be cancelled' : message, true);
    void loadMyOrders();
  } finally {
    cancelling = false;
  }
}
