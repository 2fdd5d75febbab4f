// The buy sheet's checkout, one column for a thumb: (1) what: variant, quantity, the code
// announced on air (or a coupon of the centre), the price breakdown the server quotes;
// (2) where and how: contact and address (remembered), the payment provider; then the order
// is placed, holding its stock, and (3) paid: the manual provider's instructions or Stripe's
// card form, with the hold's countdown. Inside a frame the last tap is confirmed first
// (frame-guard.js). Prices and refusals are the server's; this module only shows them, each
// refusal next to the field that caused it.
import { $, el, put, money, toast } from '../ui.js';
import { addressForm, addressLine, complete, loadProfile, saveProfile } from './address.js';
import { chosenCode, couponUsed } from './coupons.js';
import { confirmInFrame } from './frame-guard.js';
import { api, currentViewer, ensureName } from './identity.js';
import { orderPlaced, showMyOrders } from './my-orders.js';
import { holdLeftMs, holdText } from './order-words.js';
import { cardText, checkoutConfig, mountCardForm, payWithSaved, providerText, startPayment } from './payment.js';
import { choose, chosenVariant, initialSelection, valueState, variantLabel } from './variant-picker.js';

/** @typedef {import('../../wire.js').CheckoutOffer} CheckoutOffer */
/** @typedef {import('../../wire.js').OfferVariant} OfferVariant */
/** @typedef {import('../../wire.js').Quote} Quote */
/** @typedef {import('../../wire.js').Profile} Profile */
/** @typedef {import('../../wire.js').ViewerOrder} ViewerOrder */
/** @typedef {import('../../wire.js').PaymentStart} PaymentStart */
/** @typedef {import('../../wire.js').LineupState['sale']} Sale */
/** @typedef {Error & { code?: string, status?: number }} ApiError */
/** @typedef {'variant' | 'quantity' | 'code' | 'address' | 'payment' | 'sheet'} Field where a refusal is shown */
/** @typedef {{ sale: Sale, limit: number | null }} OfferInfo the running sale of the offer and its per-customer limit */

const showId = document.body.dataset.showId ?? '';
const MAX_QUANTITY = 100;

/** which field a refusal belongs next to, and what it says there */
/** @type {Record<string, [Field, string]>} */
const refusals = {
  SOLD_OUT: ['quantity', 'Sold out, sorry!'],
  NOT_ENOUGH_STOCK: ['quantity', 'Not that many left: choose fewer'],
  LIMIT_REACHED: ['quantity', 'That is more than one customer may buy at this price'],
  PRICE_CHANGED: ['quantity', 'The price just changed: look at it again before you buy'],
  VARIANT_REQUIRED: ['variant', 'Choose one of each option first'],
  VARIANT_NOT_FOUND: ['variant', 'That choice is not sold any more'],
  COUPON_INVALID: ['code', 'That code does not exist or is not for this product'],
  COUPON_EXPIRED: ['code', 'That code has expired'],
  COUPON_NOT_LIVE: ['code', 'That code works only while the show is live'],
  COUPON_USED_UP: ['code', 'That code has been used up'],
  COUPON_ALREADY_USED: ['code', 'You have used that code already'],
  COUPON_LOCKED: ['code', 'That coupon is not unlocked for you yet'],
  COUPON_LEVEL: ['code', 'That coupon needs a higher level with this host'],
  PAYMENT_UNAVAILABLE: ['payment', 'That way to pay is not available: choose another'],
  SHOW_NOT_LIVE: ['sheet', 'Orders open when the show is live'],
  REPLAY_CLOSED: ['sheet', 'This show has ended and its replay takes no orders'],
  NOT_IN_LINEUP: ['sheet', 'This product is not sold in this show any more'],
};
/** @param {ApiError} err @returns {[Field, string]} */
function refusalOf(err) {
  const known = refusals[err.code ?? ''];
  if (known) return known;
  // the schema names the field it refused ("body/shippingAddress/postalCode …")
  if (err.code === 'VALIDATION_FAILED' && /contact|shippingAddress|address/i.test(err.message)) return ['address', `Check your address: ${err.message}`];
  if (err.code === 'VALIDATION_FAILED' && /couponCode/.test(err.message)) return ['code', 'Codes are letters, digits, - and _'];
  return ['sheet', err.message];
}

/**
 * @typedef {object} Checkout
 * @property {CheckoutOffer} offer
 * @property {OfferInfo} info
 * @property {Record<string, string>} sel option name -> value
 * @property {number} quantity
 * @property {string} code as typed (applied once quoted)
 * @property {Quote | null} quote
 * @property {Partial<Record<Field, string>>} problems
 * @property {'choose' | 'details' | 'placed'} step
 * @property {'manual' | 'stripe' | null} provider
 * @property {boolean} editAddress
 * @property {string} attempt the idempotency key of this placing (kept across retries of it)
 * @property {ViewerOrder | null} order
 * @property {PaymentStart | null} payment
 */
/** @type {Checkout | null} */
let co = null;
/** an order is being sent */
let placing = false;
/** the address form to copy what was typed from, when the details step is drawn again */
/** @type {ReturnType<typeof addressForm> | null} */
let typedBefore = null;
/** the remembered profile, once loaded */
/** @type {Profile | null} */
let profile = null;
/** the address form of the details step, while shown */
/** @type {ReturnType<typeof addressForm> | null} */
let form = null;
/** codes the coupon centre offers this viewer now */
/** @type {string[]} */
let centreCodes = [];

const sheet = () => /** @type {HTMLDialogElement} */ ($('buy-sheet'));
const body = () => $('buy-sheet-body');

/** the variant chosen, the product itself when it has none @param {Checkout} c */
const chosen = (c) => chosenVariant(c.offer, c.sel);
const hasVariants = (/** @type {CheckoutOffer} */ p) => Boolean(p.variants && p.variants.length);
/** the price in force and the stock left of what is chosen @param {Checkout} c */
function priceAndStock(c) {
  const v = chosen(c);
  if (v) return { price: v.priceNow, regular: v.priceNow < v.price ? v.price : c.offer.compareAtPrice, stock: v.stockLeft };
  const p = c.offer;
  const stock = hasVariants(p) ? (p.variants ?? []).reduce((n, x) => n + x.stockLeft, 0) : p.stockLeft;
  return { price: p.priceNow, regular: p.priceNow < p.price ? p.price : p.compareAtPrice, stock };
}
/** how many may be bought now @param {Checkout} c */
const maxQuantity = (c) => Math.max(1, Math.min(MAX_QUANTITY, priceAndStock(c).stock, c.info.limit ?? MAX_QUANTITY));

/**
 * Opens the sheet on a product: a new checkout, or the one in progress when it is the same.
 * @param {CheckoutOffer} offer @param {OfferInfo} info
 */
export function openCheckout(offer, info) {
  if (!co || co.offer.id !== offer.id || co.step === 'placed') {
    co = { offer, info, sel: initialSelection(offer), quantity: 1, code: chosenCode() ?? '', quote: null, problems: {}, step: 'choose', provider: null, editAddress: false, attempt: crypto.randomUUID(), order: null, payment: null };
    void loadCentreCodes();
  }
  render();
  if (!sheet().open) sheet().showModal();
  requote();
}

/** the lineup changed: new prices and stock under the open sheet @param {CheckoutOffer | undefined} offer @param {OfferInfo} info */
export function offerChanged(offer, info) {
  if (!co || !sheet().open || co.step === 'placed') return;
  if (!offer) {
    toast('That product is not sold in this show any more', true);
    sheet().close();
    return;
  }
  if (offer.id !== co.offer.id) return;
  const before = priceAndStock(co).price;
  co.offer = offer;
  co.info = info;
  co.quantity = Math.min(co.quantity, maxQuantity(co));
  if (co.step === 'choose') renderChooseParts();
  if (priceAndStock(co).price !== before) requote();
}

/** the sheet closed (button, Escape, a tap beside it) */
export function checkoutClosed() {
  stopTicking();
  if (co && co.step === 'placed') co = null;
}

// ---- drawing -------------------------------------------------------------------------------

function render() {
  if (!co) return;
  form = null;
  if (co.step === 'choose') renderChoose(co);
  else if (co.step === 'details') void renderDetails(co);
  else renderPlaced(co);
}

/** @param {Checkout} c */
function head(c) {
  const p = c.offer;
  const v = chosen(c);
  const { price, regular, stock } = priceAndStock(c);
  // the sale on the product, or on the chosen variant alone
  const saleId = v ? v.saleId ?? (v.priceNow < v.price ? p.saleId : null) : p.saleId;
  const sale = saleId && c.info.sale && c.info.sale.id === saleId ? c.info.sale : null;
  const stockText = stock <= 0 ? 'Sold out' : sale ? `Flash sale · ${stock} of ${sale.quantity} left at this price` : `${stock} in stock`;
  const picture = (v && v.thumbUrl) || p.imageUrl || p.thumbUrl;
  return el('div', { class: 'sheet-head', 'data-sheet-head': '' },
    picture ? el('img', { src: picture, alt: '', width: '96', height: '96' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
    el('div', { class: 'info' },
      el('h2', { id: 'buy-sheet-title', text: p.title }),
      v ? el('div', { class: 'variant-line', text: variantLabel(p, v) }) : null,
      el('div', {}, el('span', { class: sale ? 'price sale' : 'price', 'data-price': '', text: money(price, p.currency) }), regular ? el('s', { text: money(regular, p.currency) }) : null),
      el('div', { class: 'stock', 'data-stock': '', text: stockText })));
}

/** @param {Checkout} c */
function optionPickers(c) {
  const p = c.offer;
  if (!hasVariants(p)) return el('div', { 'data-options': '' });
  return el('div', { class: 'options', 'data-options': '' },
    ...(p.options ?? []).map((o) => el('fieldset', { class: 'option' },
      el('legend', { text: c.sel[o.name] ? `${o.name}: ${c.sel[o.name]}` : `${o.name}` }),
      el('div', { class: 'choices' },
        ...o.values.map((value) => {
          const state = valueState(p, c.sel, o.name, value);
          return el('button', {
            type: 'button', class: 'choice', 'aria-pressed': String(c.sel[o.name] === value), disabled: state !== 'available',
            'aria-label': state === 'sold out' ? `${o.name} ${value}: sold out` : state === 'none' ? `${o.name} ${value}: not with this choice` : `${o.name} ${value}`,
            'data-option': o.name, 'data-value': value,
            onclick: () => pick(o.name, value),
          }, value, state === 'sold out' ? el('small', { text: ' sold out' }) : null);
        })))),
    problem(c, 'variant'));
}

/** @param {Checkout} c */
function stepper(c) {
  const max = maxQuantity(c);
  const limitNote = c.info.limit && c.info.limit <= priceAndStock(c).stock ? `at most ${c.info.limit} per customer` : '';
  return el('div', { class: 'quantity', 'data-quantity': '' },
    el('span', { class: 'label', id: 'qty-label', text: 'Quantity' }),
    el('div', { class: 'stepper', role: 'group', 'aria-labelledby': 'qty-label' },
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'One fewer', disabled: c.quantity <= 1, onclick: () => setQuantity(c.quantity - 1) }, '−'),
      el('output', { id: 'qty', 'aria-live': 'polite', text: String(c.quantity) }),
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'One more', disabled: c.quantity >= max, onclick: () => setQuantity(c.quantity + 1) }, '+')),
    limitNote ? el('span', { class: 'muted', text: limitNote }) : null,
    problem(c, 'quantity'));
}

/** @param {Checkout} c */
function codeField(c) {
  const input = el('input', { id: 'promo-code', name: 'code', maxlength: '32', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', placeholder: 'e.g. LIVE10', value: c.code, 'aria-describedby': 'promo-code-error' });
  input.addEventListener('input', () => {
    if (co) co.code = input.value.trim();
  });
  const apply = async () => {
    if (!co) return;
    co.code = input.value.trim();
    // the server checks a code for a viewer: applying one asks for the name, as buying does
    if (co.code && !(await ensureName())) return;
    void loadCentreCodes();
    requote();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void apply();
    }
  });
  const chips = centreCodes.filter((code) => code !== c.code);
  return el('div', { class: 'code', 'data-code': '' },
    el('label', { for: 'promo-code', text: 'Promo code (the one said on air)' }),
    el('div', { class: 'row' }, input, el('button', { type: 'button', class: 'secondary', 'data-apply-code': '', onclick: () => void apply() }, 'Apply')),
    el('p', { class: 'field-error', id: 'promo-code-error', role: 'alert', 'data-problem': 'code', text: c.problems.code ?? '' }),
    chips.length ? el('div', { class: 'chips', role: 'group', 'aria-label': 'Your coupons' },
      ...chips.map((code) => el('button', { type: 'button', class: 'chip', 'data-chip': code, onclick: () => {
        input.value = code;
        void apply();
      } }, code))) : null);
}

/** the server's quote as lines; an estimate until the viewer is known @param {Checkout} c */
function breakdown(c) {
  const q = c.quote;
  const cur = c.offer.currency;
  const { price, regular } = priceAndStock(c);
  /** @type {Array<[string, string, string?]>} */
  const lines = q
    ? [
        [`Price${q.quantity > 1 ? ` (${q.quantity} × ${money(q.unitPrice, q.currency)})` : ''}`, money(q.unitPrice * q.quantity, q.currency)],
        ...(q.regularPrice > q.unitPrice ? /** @type {Array<[string, string]>} */ ([['Sale (you save)', `−${money((q.regularPrice - q.unitPrice) * q.quantity, q.currency)}`]]) : []),
        ...(q.discount ? /** @type {Array<[string, string]>} */ ([[`Code ${q.coupon ? q.coupon.code : ''}`.trim(), `−${money(q.discount, q.currency)}`]]) : []),
        ['Shipping', q.shipping ? money(q.shipping, q.currency) : 'Free'],
        ...(q.tax ? /** @type {Array<[string, string]>} */ ([['Tax', money(q.tax, q.currency)]]) : []),
        ['Total', money(q.total, q.currency), 'total'],
      ]
    : [
        [`Price${c.quantity > 1 ? ` (${c.quantity} × ${money(price, cur)})` : ''}`, money(price * c.quantity, cur)],
        ...(regular && regular > price ? /** @type {Array<[string, string]>} */ ([['Sale (you save)', `−${money((regular - price) * c.quantity, cur)}`]]) : []),
        ['Shipping and tax', 'next step'],
      ];
  return el('dl', { class: 'breakdown', 'data-breakdown': '', 'aria-live': 'polite' }, ...lines.flatMap(([k, v, cls]) => [el('dt', { class: cls ?? '', text: k }), el('dd', { class: cls ?? '', text: v })]));
}

/** a refusal next to its field @param {Checkout} c @param {Field} field */
const problem = (c, field) => el('p', { class: 'field-error', role: 'alert', 'data-problem': field, text: c.problems[field] ?? '' });

/** the big button at the bottom, in reach of a thumb @param {...(Node | null)} buttons */
const footer = (...buttons) => el('div', { class: 'sheet-actions' }, ...buttons);

/** @param {Checkout} c */
function chooseAction(c) {
  return patchAction(el('button', { type: 'button', class: 'wide', 'data-sheet-next': '', onclick: () => void toDetails() }), c);
}
/** the button is changed in place, never replaced: a tap that lands as a quote arrives still counts @param {HTMLButtonElement} button @param {Checkout} c */
function patchAction(button, c) {
  const { stock } = priceAndStock(c);
  const needs = hasVariants(c.offer) && !chosen(c) ? (c.offer.options ?? []).filter((o) => !c.sel[o.name]).map((o) => o.name.toLowerCase()) : [];
  const total = c.quote ? c.quote.total : priceAndStock(c).price * c.quantity;
  const price = money(total, c.offer.currency);
  const ready = stock > 0 && !needs.length;
  button.textContent = stock <= 0 ? 'Sold out' : needs.length ? `Choose ${needs.join(' and ')}` : `Buy · ${price}`;
  button.disabled = !ready;
  if (ready) button.setAttribute('aria-label', `Buy ${c.offer.title} for ${price}`);
  else button.removeAttribute('aria-label');
  return button;
}

/** @param {Checkout} c */
function renderChoose(c) {
  put(body(),
    head(c),
    problem(c, 'sheet'),
    optionPickers(c),
    stepper(c),
    codeField(c),
    breakdown(c),
    footer(el('button', { type: 'button', class: 'secondary', 'data-sheet-close': '', onclick: () => sheet().close() }, 'Close'), chooseAction(c)));
}

/**
 * Redraws the parts that follow stock and price, leaving the code field (and its caret) alone;
 * a new quote alone redraws only the breakdown and the button's words.
 * @param {boolean} [quoteOnly]
 */
function renderChooseParts(quoteOnly = false) {
  const c = co;
  if (!c || c.step !== 'choose') return;
  const root = body();
  /** @param {string} selector @param {Node | null} node */
  const swap = (selector, node) => {
    const old = root.querySelector(selector);
    if (old && node) old.replaceWith(node);
  };
  // a keyboard user's focus stays on the same control across the redraw
  const active = document.activeElement;
  const focusKey = active instanceof HTMLElement && root.contains(active) && !active.matches('#promo-code') ? focusSelector(active) : null;
  if (!quoteOnly) {
    swap('[data-sheet-head]', head(c));
    swap('[data-options]', optionPickers(c));
    swap('[data-quantity]', stepper(c));
  }
  swap('[data-breakdown]', breakdown(c));
  const next = /** @type {HTMLButtonElement | null} */ (root.querySelector('[data-sheet-next]'));
  if (next) patchAction(next, c);
  for (const field of /** @type {Field[]} */ (['sheet', 'code'])) {
    const p = root.querySelector(`[data-problem="${field}"]`);
    if (p) p.textContent = c.problems[field] ?? '';
  }
  if (focusKey) /** @type {HTMLElement | null} */ (root.querySelector(focusKey))?.focus();
}
/** @param {HTMLElement} node */
function focusSelector(node) {
  if (node.dataset.option) return `[data-option="${CSS.escape(node.dataset.option)}"][data-value="${CSS.escape(node.dataset.value ?? '')}"]`;
  if (node.hasAttribute('data-sheet-next')) return '[data-sheet-next]';
  if (node.hasAttribute('aria-label')) return `[aria-label="${CSS.escape(node.getAttribute('aria-label') ?? '')}"]`;
  return null;
}

// ---- choosing ------------------------------------------------------------------------------

/** @param {string} option @param {string} value */
function pick(option, value) {
  if (!co) return;
  co.sel = choose(co.offer, co.sel, option, value);
  co.quantity = Math.min(co.quantity, maxQuantity(co));
  co.problems = {};
  renderChooseParts();
  requote();
}
/** @param {number} n */
function setQuantity(n) {
  if (!co) return;
  co.quantity = Math.max(1, Math.min(n, maxQuantity(co)));
  co.problems = { ...co.problems, quantity: undefined };
  renderChooseParts();
  requote();
}

/** the body of a quote or an order: what is chosen @param {Checkout} c */
function orderLine(c) {
  const v = chosen(c);
  const code = c.code.trim();
  return { productId: c.offer.id, ...(v ? { variantId: v.id } : {}), quantity: c.quantity, ...(code ? { couponCode: code } : {}) };
}

let quoteTimer = 0;
let quoteSeq = 0;
/** asks the server for the breakdown (after a short pause, so a run of taps asks once) */
function requote() {
  clearTimeout(quoteTimer);
  quoteTimer = window.setTimeout(() => void quote(), 200);
}
async function quote() {
  const c = co;
  if (!c || !currentViewer() || (hasVariants(c.offer) && !chosen(c))) {
    if (c) {
      c.quote = null;
      renderChooseParts(true);
    }
    return;
  }
  const seq = ++quoteSeq;
  try {
    /** @type {Quote} */
    const q = await api('POST', `/api/shows/${showId}/quote`, orderLine(c));
    if (seq !== quoteSeq || co !== c) return;
    c.quote = q;
    c.problems = {};
    if (c.code && !q.coupon) c.problems.code = 'That code does not apply to this product';
  } catch (err) {
    if (seq !== quoteSeq || co !== c) return;
    const [field, text] = refusalOf(/** @type {ApiError} */ (err));
    c.problems = { [field]: text };
    // a refused code still leaves the price without it to show
    if (field === 'code') {
      const { couponCode: _refused, ...rest } = orderLine(c);
      c.quote = await api('POST', `/api/shows/${showId}/quote`, rest).catch(() => null);
    } else c.quote = null;
  }
  if (c.step === 'choose') renderChooseParts(true);
  else if (c.step === 'details') refreshTotal(c);
}

async function loadCentreCodes() {
  if (!currentViewer()) return;
  try {
    /** @type {import('../../wire.js').CouponCentre} */
    const centre = await api('GET', `/api/shows/${showId}/coupons`);
    centreCodes = centre.coupons.filter((x) => x.state === 'available' && x.code).map((x) => x.code ?? '');
    if (co && co.step === 'choose') {
      const old = body().querySelector('[data-code]');
      const input = /** @type {HTMLInputElement | null} */ (body().querySelector('#promo-code'));
      // not while someone is typing in it
      if (old && document.activeElement !== input) old.replaceWith(codeField(co));
    }
  } catch {
    centreCodes = [];
  }
}

// ---- where and how to pay ------------------------------------------------------------------

async function toDetails() {
  const c = co;
  if (!c || !(await ensureName())) return;
  if (co !== c) return;
  c.step = 'details';
  void loadCentreCodes();
  render();
  requote();
}

/** @param {Checkout} c */
async function renderDetails(c) {
  put(body(), head(c), el('p', { class: 'muted', text: 'Loading…' }));
  const [p, config] = await Promise.all([loadProfile(), checkoutConfig().catch(() => null)]);
  if (co !== c || c.step !== 'details') return;
  profile = p;
  const providers = config ? config.providers : [];
  if (!c.provider || !providers.includes(c.provider)) c.provider = providers[0] ?? null;
  const showForm = c.editAddress || !complete(p);
  form = showForm ? addressForm(p) : null;
  // what was typed before a redraw (back from the frame's confirm, a refusal) stays typed
  if (form && typedBefore) restoreForm(typedBefore, form);
  typedBefore = null;
  const addressPart = form
    ? form.node
    : el('div', { class: 'ship-to' },
        el('div', {}, el('strong', { text: 'Deliver to ' }), el('span', { 'data-ship-to': '', text: addressLine(p) })),
        el('button', { type: 'button', class: 'secondary small', onclick: () => {
          c.editAddress = true;
          render();
        } }, 'Change'));
  const choicePart = providers.length
    ? el('fieldset', { class: 'pay-with' },
        el('legend', { text: 'Pay with' }),
        ...providers.map((prov) => el('label', { class: 'radio' },
          el('input', { type: 'radio', name: 'provider', value: prov, checked: c.provider === prov, onchange: () => {
            c.provider = prov;
            refreshTotal(c);
          } }),
          ` ${providerText[prov]}`)),
        config && c.provider === 'manual' && config.manualInstructions ? el('p', { class: 'muted', 'data-manual-note': '', text: config.manualInstructions }) : null,
        problem(c, 'payment'))
    : el('p', { class: 'field-error', role: 'alert', text: 'This shop takes no payments right now.' });
  put(body(),
    head(c),
    el('p', { class: 'summary-line', text: summaryLine(c) }),
    problem(c, 'sheet'),
    addressPart,
    choicePart,
    breakdown(c),
    footer(
      el('button', { type: 'button', class: 'secondary', onclick: () => {
        c.step = 'choose';
        render();
      } }, 'Back'),
      placeButton(c, providers.length > 0)));
}

/** @param {Checkout} c */
function summaryLine(c) {
  const v = chosen(c);
  return `${c.quantity} × ${c.offer.title}${v ? ` (${variantLabel(c.offer, v)})` : ''}${c.code ? ` · code ${c.code}` : ''}`;
}

/** @param {Checkout} c @param {boolean} payable */
function placeButton(c, payable) {
  return patchPlace(el('button', { type: 'button', class: 'wide', 'data-place-order': '', onclick: () => void place() }), c, payable);
}
/** in place, like the first step's button @param {HTMLButtonElement} button @param {Checkout} c @param {boolean} payable */
function patchPlace(button, c, payable) {
  const total = c.quote ? money(c.quote.total, c.quote.currency) : '';
  button.textContent = total ? `Place order · ${total}` : 'Place order';
  button.disabled = !payable || placing;
  return button;
}

/** a new quote or provider under the details step @param {Checkout} c */
function refreshTotal(c) {
  const root = body();
  root.querySelector('[data-breakdown]')?.replaceWith(breakdown(c));
  const place = /** @type {HTMLButtonElement | null} */ (root.querySelector('[data-place-order]'));
  if (place) patchPlace(place, c, Boolean(c.provider));
  const p = root.querySelector('[data-problem="sheet"]');
  if (p) p.textContent = c.problems.sheet ?? '';
  const note = root.querySelector('[data-manual-note]');
  if (note) /** @type {HTMLElement} */ (note).hidden = c.provider !== 'manual';
}

async function place() {
  const c = co;
  if (!c || placing || c.step !== 'details' || !c.provider) return;
  const typed = form ? form.read() : profile;
  if (!typed || !typed.contact || !typed.shippingAddress) return;
  const provider = c.provider;
  const total = c.quote ? money(c.quote.total, c.quote.currency) : '';
  // inside a frame: a confirm step a framing page cannot click through (frame-guard.js)
  const keep = form;
  const ok = await confirmInFrame(body(), { title: 'Confirm your order', summary: [summaryLine(c), addressLine(typed), `${providerText[provider]}${total ? ` · ${total}` : ''}`], label: total ? `Confirm · ${total}` : 'Confirm order' });
  if (co !== c) return;
  if (!ok) {
    if (sheet().open) {
      typedBefore = keep;
      render();
    }
    return;
  }
  placing = true;
  const button = /** @type {HTMLButtonElement | null} */ (body().querySelector('[data-place-order]'));
  if (button) button.disabled = true;
  try {
    const v = chosen(c);
    /** @type {ViewerOrder} */
    const order = await api('POST', `/api/shows/${showId}/orders`, { ...orderLine(c), price: v ? v.priceNow : c.offer.priceNow, contact: typed.contact, shippingAddress: typed.shippingAddress, payment: provider }, { 'idempotency-key': c.attempt });
    void saveProfile(typed);
    if (order.couponId) couponUsed();
    c.order = order;
    c.step = 'placed';
    c.attempt = crypto.randomUUID();
    orderPlaced(order);
    render();
    await beginPayment(c);
  } catch (err) {
    const [field, text] = refusalOf(/** @type {ApiError} */ (err));
    c.problems = { [field]: text };
    // what must change is on the first step: go back there, with the words next to it
    if (field === 'variant' || field === 'quantity' || field === 'code') c.step = 'choose';
    if (field === 'address' && keep && form === keep && keep.node.isConnected) keep.showError('line1', text);
    else {
      typedBefore = keep;
      render();
    }
    if (field === 'sheet') toast(text, true);
    requote();
  } finally {
    placing = false;
    if (button && button.isConnected) patchPlace(button, c, Boolean(c.provider));
  }
}
/** the typed fields survive a redraw of the step @param {ReturnType<typeof addressForm>} from @param {ReturnType<typeof addressForm>} to */
function restoreForm(from, to) {
  const fields = from.node.querySelectorAll('input');
  for (const input of fields) {
    const twin = /** @type {HTMLInputElement | null} */ (to.node.querySelector(`#${CSS.escape(input.id)}`));
    if (twin) twin.value = input.value;
  }
}

// ---- placed: the hold and the payment ------------------------------------------------------

let tick = 0;
function stopTicking() {
  clearInterval(tick);
  tick = 0;
}

/** @param {Checkout} c */
function renderPlaced(c) {
  const o = c.order;
  if (!o) return;
  const v = chosen(c);
  put(body(),
    el('div', { class: 'placed' },
      el('h2', { id: 'buy-sheet-title', text: o.status === 'pending' ? 'Order placed' : 'Thank you!' }),
      el('p', { class: 'summary-line', text: `${o.quantity} × ${c.offer.title}${v ? ` (${variantLabel(c.offer, v)})` : ''} · ${money(o.total, o.currency)}` }),
      el('p', { class: 'hold', 'data-hold': '', 'aria-live': 'off', text: o.status === 'pending' ? holdText(o.holdExpiresAt) : '' }),
      el('div', { class: 'pay-area', 'data-pay-area': '' }, el('p', { class: 'muted', text: 'Preparing the payment…' }))),
    footer(
      el('button', { type: 'button', class: 'secondary', onclick: () => {
        sheet().close();
        showMyOrders();
      } }, 'My orders'),
      el('button', { type: 'button', class: 'secondary', 'data-sheet-close': '', onclick: () => sheet().close() }, 'Done')));
  stopTicking();
  if (o.status === 'pending' && o.holdExpiresAt) {
    tick = window.setInterval(() => {
      const hold = body().querySelector('[data-hold]');
      if (!hold || !co || co.order !== o) return stopTicking();
      hold.textContent = holdText(o.holdExpiresAt);
      if (holdLeftMs(o.holdExpiresAt) === 0) {
        stopTicking();
        hold.classList.add('ran-out');
        body().querySelector('[data-pay-area]')?.replaceChildren(el('p', { class: 'field-error', text: 'You can order again while it is in stock.' }));
      }
    }, 1000);
  }
}

/** the payment step of a placed order (also "Pay again" from my orders) @param {Checkout} c */
async function beginPayment(c) {
  const o = c.order;
  const area = () => /** @type {HTMLElement | null} */ (body().querySelector('[data-pay-area]'));
  if (!o) return;
  try {
    const start = /** @type {PaymentStart} */ (await startPayment(o.id));
    c.payment = start;
    const host = area();
    if (!host || co !== c) return;
    if (start.provider === 'manual') {
      put(host,
        el('h3', { text: 'How to pay' }),
        el('p', { class: 'instructions', 'data-instructions': '', text: start.instructions || 'The shop will contact you about payment.' }),
        el('p', { class: 'muted', text: 'The shop marks your order paid once the money arrives; you can follow it in My orders.' }));
      return;
    }
    await stripePart(c, host, start);
  } catch (err) {
    const host = area();
    if (host) put(host, el('p', { class: 'field-error', role: 'alert', text: `The payment could not start: ${/** @type {Error} */ (err).message}` }));
  }
}

/** @param {Checkout} c @param {HTMLElement} host @param {Extract<PaymentStart, { provider: 'stripe' }>} start */
async function stripePart(c, host, start) {
  const o = c.order;
  if (!o) return;
  const cardHost = el('div', { class: 'card-form', 'data-card-form': '' });
  const error = el('p', { class: 'field-error', role: 'alert' });
  const payButton = el('button', { type: 'button', class: 'wide', 'data-pay': '', disabled: true }, `Pay ${money(o.total, o.currency)}`);
  put(host,
    ...start.savedMethods.map((m) => el('button', { type: 'button', class: 'wide saved-card', 'data-saved-card': m.id, onclick: () => void paySaved(c, m) }, `Pay with ${cardText(m)}`)),
    start.savedMethods.length ? el('p', { class: 'muted or', text: 'or another card' }) : null,
    cardHost, error, payButton);
  const card = await mountCardForm(cardHost, start);
  payButton.disabled = false;
  payButton.onclick = async () => {
    const ok = await confirmInFrame(/** @type {HTMLElement} */ (host.querySelector('[data-confirm-slot]') ?? host.appendChild(el('div', { 'data-confirm-slot': '' }))), { title: 'Confirm the payment', summary: [`${money(o.total, o.currency)} by card`], label: `Confirm · ${money(o.total, o.currency)}` });
    host.querySelector('[data-confirm-slot]')?.remove();
    if (!ok) return;
    payButton.disabled = true;
    error.textContent = '';
    const problemText = await card.pay();
    if (problemText) {
      error.textContent = problemText;
      payButton.disabled = false;
      return;
    }
    put(host, el('p', { class: 'ok', text: 'Payment sent. Your order turns paid as soon as the card company confirms it.' }));
  };
}

/** one tap with a saved card @param {Checkout} c @param {{ id: string, brand: string, last4: string }} m */
async function paySaved(c, m) {
  const o = c.order;
  if (!o) return;
  const host = /** @type {HTMLElement | null} */ (body().querySelector('[data-pay-area]'));
  if (!host) return;
  const before = [...host.childNodes];
  const ok = await confirmInFrame(host, { title: 'Confirm the payment', summary: [`${money(o.total, o.currency)} with ${cardText(m)}`], label: `Confirm · ${money(o.total, o.currency)}` });
  if (!ok) {
    host.replaceChildren(...before);
    return;
  }
  try {
    await payWithSaved(o.id, m.id);
    put(host, el('p', { class: 'ok', text: `Paid with ${cardText(m)}. Your order turns paid as soon as the card company confirms it.` }));
  } catch (err) {
    host.replaceChildren(...before);
    const [, text] = refusalOf(/** @type {ApiError} */ (err));
    host.prepend(el('p', { class: 'field-error', role: 'alert', text: (/** @type {ApiError} */ (err)).code === 'ORDER_EXPIRED' ? 'The hold ran out before the payment: order again.' : text }));
  }
}

/**
 * "Pay again" from my orders: the sheet on a pending order's payment.
 * @param {ViewerOrder} order @param {CheckoutOffer | undefined} offer
 */
export function payAgain(order, offer) {
  const shown = offer ?? /** @type {CheckoutOffer} */ ({ id: order.productId, title: 'Your order', description: '', price: order.unitPrice, currency: order.currency, compareAtPrice: null, stock: 0, imageUrl: null, thumbUrl: null, priceNow: order.unitPrice, stockLeft: 0, saleId: null });
  /** @type {Record<string, string>} */
  const sel = {};
  const v = shown.variants?.find((x) => x.id === order.variantId);
  if (v) Object.assign(sel, v.options);
  co = { offer: shown, info: { sale: null, limit: null }, sel, quantity: order.quantity, code: '', quote: null, problems: {}, step: 'placed', provider: order.payment.provider, editAddress: false, attempt: crypto.randomUUID(), order, payment: null };
  render();
  if (!sheet().open) sheet().showModal();
  void beginPayment(co);
}

/** an order changed (my-order push or refresh): the open sheet follows it @param {ViewerOrder} order */
export function orderChanged(order) {
  if (!co || !co.order || co.order.id !== order.id || !sheet().open) return;
  const was = co.order.status;
  co.order = order;
  if (order.status !== was) {
    render();
    const area = body().querySelector('[data-pay-area]');
    if (area) put(/** @type {HTMLElement} */ (area), el('p', { class: order.status === 'paid' ? 'ok' : 'muted', text: order.status === 'paid' ? 'Paid. Thank you!' : '' }));
  }
}
