// The show's products and what is on screen now: a pinned product or a flash sale, applied
// when the video shows it (at its PROGRAM-DATE-TIME), not when the message arrives; buying.
// Prices and stock are the server's pushed lineup state (welcome, then each change): the price
// in force and the stock left, never worked out here.
import { $, el, put, money, toast } from '../ui.js';
import { chosenCode, couponUsed } from './coupons.js';
import { api, ensureName } from './identity.js';
import { send } from './socket.js';

/** @typedef {import('../../wire.js').LineupItem} LineupItem */
/** @typedef {import('../../wire.js').Offer} Offer */
/** @typedef {import('../../wire.js').LineupState} LineupState */
/** @typedef {import('../../wire.js').OverlayView} OverlayView */
/** @typedef {NonNullable<OverlayView['flashSale']>} Sale */
/** @typedef {Error & { code?: string }} ApiError */

const showId = document.body.dataset.showId ?? '';
/** @type {Offer[]} */
let products = [];
/** @type {LineupState['sale']} */
let lastSale = null;
/** the socket's state arrived: the lineup route's answer (no prices in force) must not replace it */
let pushed = false;
/** @type {{ productId: string | null, sale: Sale | null }} */
let onScreen = { productId: null, sale: null };

/** @param {string | null} id */
export const productTitle = (id) => products.find((p) => p.id === id)?.title;

/** @param {Offer} p */
function productItem(p) {
  const sale = p.saleId !== null && lastSale && lastSale.id === p.saleId ? lastSale : null;
  const price = p.priceNow;
  const stockText = p.stockLeft <= 0 ? 'Sold out' : sale ? `${p.stockLeft} of ${sale.quantity} left at this price` : `${p.stockLeft} in stock`;
  return el('li', { class: `product${onScreen.productId === p.id ? ' on-screen' : ''}${linkedId === p.id ? ' linked' : ''}`, 'data-product-id': p.id },
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '', loading: 'lazy', width: '72', height: '72' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', {}, el('span', { class: 'price', text: money(price, p.currency) }), price < p.price || p.compareAtPrice ? el('s', { text: money(price < p.price ? p.price : p.compareAtPrice ?? 0, p.currency) }) : null),
      el('div', { class: 'stock', 'data-stock': '', text: stockText })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-buy': p.id, disabled: p.stockLeft <= 0, 'aria-label': `Buy ${p.title} for ${money(price, p.currency)}`, onclick: () => buy(p) }, 'Buy'),
      el('button', { type: 'button', class: 'secondary small', onclick: () => requestDemo(p), 'aria-label': `Ask the host to show ${p.title}` }, 'Show me')));
}

function renderProducts() {
  const list = $('products');
  put(list, products.length ? null : el('li', { class: 'muted', text: 'The products of this show appear here.' }), ...products.map(productItem));
  renderNow();
  renderSheet();
  if (wanted && products.length) openWanted();
}

/** ?product= (the QR's link): that product's buy sheet once the lineup is known */
let wanted = new URLSearchParams(location.search).get('product');
/** the product the link named: marked in the list */
let linkedId = /** @type {string | null} */ (null);
function openWanted() {
  const id = wanted ?? '';
  wanted = null;
  if (!products.some((p) => p.id === id)) {
    toast('That product is not in this show any more', true);
    return;
  }
  linkedId = id;
  renderProducts();
  $('products').querySelector(`[data-product-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  openBuySheet(id);
}

/** the product whose buy sheet is open */
let sheetProductId = /** @type {string | null} */ (null);

/** Slides up the product's sheet: picture, price in force, stock, Buy. @param {string} id */
export function openBuySheet(id) {
  if (!products.some((p) => p.id === id)) {
    toast('That product is not in this show', true);
    return;
  }
  sheetProductId = id;
  renderSheet();
  const sheet = /** @type {HTMLDialogElement} */ ($('buy-sheet'));
  if (!sheet.open) sheet.showModal();
}

function renderSheet() {
  const sheet = /** @type {HTMLDialogElement} */ ($('buy-sheet'));
  if (!sheet.open && sheetProductId === null) return;
  const p = products.find((x) => x.id === sheetProductId);
  if (!p) {
    if (sheet.open) sheet.close();
    return;
  }
  const sale = p.saleId !== null && lastSale && lastSale.id === p.saleId ? lastSale : null;
  const regular = p.priceNow < p.price ? p.price : p.compareAtPrice;
  const stockText = p.stockLeft <= 0 ? 'Sold out' : sale ? `Flash sale · ${p.stockLeft} of ${sale.quantity} left at this price` : `${p.stockLeft} in stock`;
  // each stock change redraws the sheet: a keyboard user's focus stays on the same button
  const active = document.activeElement;
  const refocus = active instanceof HTMLElement && sheet.contains(active) ? (active.hasAttribute('data-sheet-buy') ? '[data-sheet-buy]' : '[data-sheet-close]') : null;
  put($('buy-sheet-body'),
    el('div', { class: 'sheet-head' },
      p.imageUrl || p.thumbUrl ? el('img', { src: p.imageUrl || p.thumbUrl || '', alt: '', width: '96', height: '96' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
      el('div', { class: 'info' },
        el('h2', { id: 'buy-sheet-title', text: p.title }),
        el('div', {}, el('span', { class: sale ? 'price sale' : 'price', text: money(p.priceNow, p.currency) }), regular ? el('s', { text: money(regular, p.currency) }) : null),
        el('div', { class: 'stock', 'data-stock': '', text: stockText }))),
    p.description ? el('p', { class: 'description', text: p.description }) : null,
    el('div', { class: 'row end' },
      el('button', { type: 'button', class: 'secondary', 'data-sheet-close': true, onclick: () => sheet.close() }, 'Close'),
      el('button', { type: 'button', 'data-sheet-buy': p.id, disabled: p.stockLeft <= 0, 'aria-label': `Buy ${p.title} for ${money(p.priceNow, p.currency)}`, onclick: () => buy(p) }, `Buy · ${money(p.priceNow, p.currency)}`)));
  if (refocus) /** @type {HTMLElement | null} */ (sheet.querySelector(refocus))?.focus();
}

/** closing by its button, Escape or a tap beside it */
export function wireBuySheet() {
  const sheet = /** @type {HTMLDialogElement} */ ($('buy-sheet'));
  sheet.addEventListener('close', () => (sheetProductId = null));
  sheet.addEventListener('click', (e) => {
    if (e.target === sheet) sheet.close();
  });
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
  const sale = p.saleId !== null;
  now.hidden = false;
  put(now,
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '' }) : null,
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', { class: sale ? 'sale' : 'price', text: sale ? `Flash sale ${money(p.priceNow, p.currency)} · ${p.stockLeft > 0 ? `${p.stockLeft} left` : 'sold out'}` : p.stockLeft > 0 ? money(p.priceNow, p.currency) : `${money(p.priceNow, p.currency)} · sold out` })),
    el('button', { type: 'button', 'data-buy-now': p.id, onclick: () => buy(p) }, 'Buy now'));
}

export async function loadProducts() {
  try {
    /** @type {LineupItem[]} */
    const items = await api('GET', `/api/shows/${showId}/lineup`);
    if (pushed) return;
    products = items.map((p) => ({ ...p, priceNow: p.price, stockLeft: p.stock, saleId: null, options: [], variants: [] }));
    renderProducts();
  } catch (err) {
    toast(`Products could not load: ${/** @type {Error} */ (err).message}`, true);
  }
}

/** @param {OverlayView | null} view the overlay state the video shows now (on-video.js) */
export function applyOverlay(view) {
  const productId = view && view.pinnedProduct ? view.pinnedProduct.id : null;
  const sale = view && view.flashSale ? view.flashSale : null;
  if (productId === onScreen.productId && (sale && sale.id) === (onScreen.sale && onScreen.sale.id)) return;
  onScreen = { productId, sale };
  renderProducts();
}
/** the server's lineup state (welcome, and each change) @param {LineupState} state */
export function applyLineup(state) {
  pushed = true;
  products = state.items;
  lastSale = state.sale;
  renderProducts();
}
/** a pushed flash-sale count @param {{ id: string, remaining: number }} sale */
export function saleCount(sale) {
  if (onScreen.sale && onScreen.sale.id === sale.id) onScreen.sale = { ...onScreen.sale, remaining: sale.remaining };
  for (const p of products) if (p.saleId === sale.id) p.stockLeft = Math.min(p.stockLeft, sale.remaining);
  renderProducts();
}

let buying = false;
/** @param {Offer} p */
async function buy(p) {
  if (buying || !(await ensureName())) return;
  buying = true;
  try {
    const couponCode = chosenCode();
    /** @type {import('../../wire.js').PlacedOrder} */
    const order = await api('POST', `/api/shows/${showId}/orders`, { productId: p.id, quantity: 1, price: p.priceNow, ...(couponCode ? { couponCode } : {}) }, { 'idempotency-key': crypto.randomUUID() });
    toast(`Ordered ${p.title} · ${money(order.total, order.currency)}${order.discount ? ` (saved ${money(order.discount, order.currency)})` : ''}`);
    if (order.couponId) couponUsed();
    const sheet = /** @type {HTMLDialogElement} */ ($('buy-sheet'));
    if (sheet.open) sheet.close();
    p.stockLeft = Math.max(0, p.stockLeft - 1);
    renderProducts();
  } catch (err) {
    const { code, message } = /** @type {ApiError} */ (err);
    // the price shown is the one charged: a sale that just started or sold out is said, not billed
    toast(code === 'SOLD_OUT' ? 'Sold out, sorry!' : code === 'PRICE_CHANGED' ? 'The price just changed: look again before you buy' : message, true);
  } finally {
    buying = false;
  }
}
/** @param {Offer} p */
async function requestDemo(p) {
  if (!(await ensureName())) return;
  send({ type: 'demo', productId: p.id });
  toast(`Asked the host to show ${p.title}`);
}
