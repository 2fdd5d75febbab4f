// The show's products and what is on screen now: a pinned product or a flash sale, applied
// when the video shows it (at its PROGRAM-DATE-TIME), not when the message arrives; buying.
import { $, el, put, money, toast } from '../ui.js';
import { chosenCode, couponUsed } from './coupons.js';
import { api, ensureName } from './identity.js';
import { playingDate } from './player.js';
import { send } from './socket.js';

/** @typedef {import('../../wire.js').LineupItem} LineupItem */
/** @typedef {import('../../wire.js').OverlayView} OverlayView */
/** @typedef {NonNullable<OverlayView['flashSale']>} Sale */
/** @typedef {Error & { code?: string }} ApiError */

const showId = document.body.dataset.showId ?? '';
/** @type {LineupItem[]} */
let products = [];
/** @type {{ productId: string | null, sale: Sale | null }} */
let onScreen = { productId: null, sale: null };

/** @param {string | null} id */
export const productTitle = (id) => products.find((p) => p.id === id)?.title;

/** @param {LineupItem} p */
function productItem(p) {
  const sale = onScreen.sale && onScreen.sale.productId === p.id && onScreen.sale.remaining > 0 && Date.parse(onScreen.sale.endsAt) > Date.now() ? onScreen.sale : null;
  const price = sale ? sale.price : p.price;
  const stockText = sale ? `${sale.remaining} of ${sale.quantity} left at this price` : p.stock > 0 ? `${p.stock} in stock` : 'Sold out';
  return el('li', { class: `product${onScreen.productId === p.id ? ' on-screen' : ''}`, 'data-product-id': p.id },
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '', loading: 'lazy', width: '72', height: '72' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', {}, el('span', { class: 'price', text: money(price, p.currency) }), sale || p.compareAtPrice ? el('s', { text: money(sale ? p.price : p.compareAtPrice ?? 0, p.currency) }) : null),
      el('div', { class: 'stock', 'data-stock': '', text: stockText })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-buy': p.id, disabled: p.stock <= 0, 'aria-label': `Buy ${p.title} for ${money(price, p.currency)}`, onclick: () => buy(p) }, 'Buy'),
      el('button', { type: 'button', class: 'secondary small', onclick: () => requestDemo(p), 'aria-label': `Ask the host to show ${p.title}` }, 'Show me')));
}

function renderProducts() {
  const list = $('products');
  put(list, products.length ? null : el('li', { class: 'muted', text: 'The products of this show appear here.' }), ...products.map(productItem));
  renderNow();
}

/** the product on screen, above the tabs, with its Buy now */
function renderNow() {
  const now = $('now');
  const { sale: onSale } = onScreen;
  const p = products.find((x) => x.id === onScreen.productId) || (onSale && products.find((x) => x.id === onSale.productId));
  if (!p) {
    now.hidden = true;
    return;
  }
  const sale = onSale && onSale.productId === p.id ? onSale : null;
  now.hidden = false;
  put(now,
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '' }) : null,
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', { class: sale ? 'sale' : 'price', text: sale ? `Flash sale ${money(sale.price, p.currency)} · ${sale.remaining} left` : money(p.price, p.currency) })),
    el('button', { type: 'button', 'data-buy-now': p.id, onclick: () => buy(p) }, 'Buy now'));
}

export async function loadProducts() {
  try {
    products = await api('GET', `/api/shows/${showId}/lineup`);
    renderProducts();
  } catch (err) {
    toast(`Products could not load: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** Overlay changes apply when the video shows them: at their PROGRAM-DATE-TIME, not on arrival. */
/** @type {Array<{ pdt: number | null, view: OverlayView | null, arrived: number }>} */
const pendingOverlay = [];
/** @param {OverlayView | null} view */
export function applyOverlay(view) {
  onScreen = { productId: view && view.pinnedProduct ? view.pinnedProduct.id : null, sale: view && view.flashSale ? view.flashSale : null };
  renderProducts();
}
/** @param {OverlayView | null} view @param {string | null} programDateTime */
export function queueOverlay(view, programDateTime) {
  pendingOverlay.push({ pdt: programDateTime ? Date.parse(programDateTime) : null, view, arrived: Date.now() });
  drainOverlay();
}
export function drainOverlay() {
  const at = playingDate();
  while (pendingOverlay.length) {
    const next = pendingOverlay[0];
    if (!next) break;
    // without a video clock (offline, replay of another moment) apply at once
    if (next.pdt != null && at != null && at < next.pdt && Date.now() - next.arrived < 15000) break;
    pendingOverlay.shift();
    applyOverlay(next.view);
  }
}
/** a pushed flash-sale count @param {{ id: string, remaining: number }} sale */
export function saleCount(sale) {
  if (onScreen.sale && onScreen.sale.id === sale.id) {
    onScreen.sale = { ...onScreen.sale, remaining: sale.remaining };
    renderProducts();
  }
}

let buying = false;
/** @param {LineupItem} p */
async function buy(p) {
  if (buying || !(await ensureName())) return;
  buying = true;
  try {
    const couponCode = chosenCode();
    /** @type {import('../../wire.js').PlacedOrder} */
    const order = await api('POST', `/api/shows/${showId}/orders`, { productId: p.id, quantity: 1, ...(couponCode ? { couponCode } : {}) }, { 'idempotency-key': crypto.randomUUID() });
    toast(`Ordered ${p.title} · ${money(order.total, order.currency)}${order.discount ? ` (saved ${money(order.discount, order.currency)})` : ''}`);
    if (order.couponId) couponUsed();
    p.stock = Math.max(0, p.stock - 1);
    renderProducts();
  } catch (err) {
    const { code, message } = /** @type {ApiError} */ (err);
    toast(code === 'SOLD_OUT' ? 'Sold out, sorry!' : message, true);
  } finally {
    buying = false;
  }
}
/** @param {LineupItem} p */
async function requestDemo(p) {
  if (!(await ensureName())) return;
  send({ type: 'demo', productId: p.id });
  toast(`Asked the host to show ${p.title}`);
}
