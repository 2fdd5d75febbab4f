// The show's products and what is on screen now: a pinned product or a flash sale, applied
// when the video shows it (at its PROGRAM-DATE-TIME), not when the message arrives; buying.
// Prices and stock are the server's pushed lineup state (welcome, then each change): the price
// in force and the stock left, never worked out here. The buy sheet itself is checkout.js.
import { $, el, put, money, toast } from '../ui.js';
import { checkoutClosed, offerChanged, openCheckout } from './checkout.js';
import { demoOfferChanged, hasDemo, openDemo } from './demo.js';
import { api, ensureName } from './identity.js';
import { send } from './socket.js';

/** @typedef {import('../../wire.js').LineupItem} LineupItem */
/** @typedef {import('../../wire.js').CheckoutOffer} Offer */
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
/** the show has ended: the page sells at today's price, and the flash sales are over */
let replay = false;
/** the pushed lineup as the server sent it (the replay reprices it) */
let pushedItems = /** @type {Offer[]} */ ([]);

/**
 * The replay's offers: an order from the replay is charged the regular price, never a flash
 * sale's (domain/order-decision.ts), even one whose clock has not run out, so the page shows and
 * sends that price (the buy sheet's quote is the server's word on it).
 * @param {Offer[]} items
 */
function atTodaysPrice(items) {
  if (!replay) return items;
  return items.map((p) => {
    const variants = (p.variants ?? []).map((v) => ({ ...v, priceNow: v.price, saleId: null }));
    // a sale's remaining quantity no longer caps the stock (a variant's own stock is not sent: its count stays)
    return { ...p, priceNow: p.price, saleId: null, stockLeft: variants.length ? p.stockLeft : p.stock, variants };
  });
}

/** The show ended: today's prices, the flash sales marked as over. */
export function enterReplay() {
  if (replay) return;
  replay = true;
  if (pushed) products = atTodaysPrice(pushedItems);
  renderProducts();
}

/** the flash sale this product had in the show, now over (the replay, or a sale that ran out) @param {Offer} p */
function endedSale(p) {
  return lastSale && lastSale.productId === p.id && (replay || lastSale.state !== 'running') ? lastSale : null;
}

/** @param {string | null} id */
export const productTitle = (id) => products.find((p) => p.id === id)?.title;

/** the lineup's offer of a product, if this show sells it @param {string} id */
export const offerOf = (id) => products.find((p) => p.id === id);

/** @param {Offer} p */
function productItem(p) {
  const sale = p.saleId !== null && lastSale && lastSale.id === p.saleId ? lastSale : null;
  const price = p.priceNow;
  const stockText = p.stockLeft <= 0 ? 'Sold out' : sale ? `${p.stockLeft} of ${sale.quantity} left at this price` : `${p.stockLeft} in stock`;
  const ended = endedSale(p);
  return el('li', { class: `product${onScreen.productId === p.id ? ' on-screen' : ''}${linkedId === p.id ? ' linked' : ''}`, 'data-product-id': p.id },
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '', loading: 'lazy', width: '72', height: '72' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
    el('div', { class: 'info' },
      el('div', { class: 'title', text: p.title }),
      el('div', {}, el('span', { class: 'price', text: money(price, p.currency) }), price < p.price || p.compareAtPrice ? el('s', { text: money(price < p.price ? p.price : p.compareAtPrice ?? 0, p.currency) }) : null),
      el('div', { class: 'stock', 'data-stock': '', text: stockText }),
      ended ? el('div', { class: 'ended', 'data-sale-ended': '', text: `Flash sale at ${money(ended.price, p.currency)} ended` }) : null,
      hasDemo(p.id) ? el('button', { type: 'button', class: 'link demo-link', 'data-demo': p.id, 'aria-label': `Watch the demo of ${p.title}`, onclick: () => openDemo(p.id) }, '▶ Watch the demo') : null),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-buy': p.id, disabled: p.stockLeft <= 0, 'aria-label': `Buy ${p.title} for ${money(price, p.currency)}`, onclick: () => buy(p) }, 'Buy'),
      el('button', { type: 'button', class: 'secondary small', onclick: () => requestDemo(p), 'aria-label': `Ask the host to show ${p.title}` }, 'Show me')));
}

/** redraw the list (a demo clip arrived) */
export const productsChanged = () => renderProducts();

function renderProducts() {
  const list = $('products');
  put(list, products.length ? null : el('li', { class: 'muted', text: 'The products of this show appear here.' }), ...products.map(productItem));
  renderNow();
  renderSheet();
  demoOfferChanged();
  if (wanted && products.length) openWanted();
}

/** ?product= (the QR's link): that product's buy sheet once the lineup is known (the mini player shows its Buy instead: mini.js) */
let wanted = document.body.classList.contains('mini') ? null : new URLSearchParams(location.search).get('product');
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

/** the running sale of a product and its per-customer limit (the overlay's sale carries it) @param {Offer} p */
function infoOf(p) {
  const sale = lastSale && (lastSale.id === p.saleId || (p.variants ?? []).some((v) => v.saleId === lastSale?.id)) ? lastSale : null;
  const limit = sale && onScreen.sale && onScreen.sale.id === sale.id ? onScreen.sale.perCustomerLimit : null;
  return { sale, limit };
}

/** Slides up the product's buy sheet (checkout.js). @param {string} id */
export function openBuySheet(id) {
  const p = products.find((x) => x.id === id);
  if (!p) {
    toast('That product is not in this show', true);
    return;
  }
  sheetProductId = id;
  openCheckout(p, infoOf(p));
}

/** new prices and stock under the open sheet */
function renderSheet() {
  if (sheetProductId === null) return;
  const p = products.find((x) => x.id === sheetProductId);
  offerChanged(p, p ? infoOf(p) : { sale: null, limit: null });
}

/** closing by its button, Escape or a tap beside it */
export function wireBuySheet() {
  const sheet = /** @type {HTMLDialogElement} */ ($('buy-sheet'));
  sheet.addEventListener('close', () => {
    sheetProductId = null;
    checkoutClosed();
  });
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
  const ended = endedSale(p);
  now.hidden = false;
  now.dataset.productId = p.id;
  put(now,
    p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '' }) : null,
    el('div', { class: 'info' },
      replay ? el('div', { class: 'now-label', text: 'In the replay now' }) : null,
      el('div', { class: 'title', text: p.title }),
      ended ? el('div', { class: 'ended', text: `Flash sale at ${money(ended.price, p.currency)} has ended` }) : null,
      el('div', { class: sale ? 'sale' : 'price', text: sale ? `Flash sale ${money(p.priceNow, p.currency)} · ${p.stockLeft > 0 ? `${p.stockLeft} left` : 'sold out'}` : `${money(p.priceNow, p.currency)}${replay ? ' today' : ''}${p.stockLeft > 0 ? '' : ' · sold out'}` })),
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
  pushedItems = state.items;
  products = atTodaysPrice(state.items);
  lastSale = state.sale;
  renderProducts();
}
/** a pushed flash-sale count @param {{ id: string, remaining: number }} sale */
export function saleCount(sale) {
  if (onScreen.sale && onScreen.sale.id === sale.id) onScreen.sale = { ...onScreen.sale, remaining: sale.remaining };
  for (const p of products) if (p.saleId === sale.id) p.stockLeft = Math.min(p.stockLeft, sale.remaining);
  renderProducts();
}

/** Buy (a card, Buy now): the sheet, where the variant, quantity, address and payment are chosen @param {Offer} p */
function buy(p) {
  openBuySheet(p.id);
}
/** @param {Offer} p */
async function requestDemo(p) {
  if (!(await ensureName())) return;
  send({ type: 'demo', productId: p.id });
  toast(`Asked the host to show ${p.title}`);
}
