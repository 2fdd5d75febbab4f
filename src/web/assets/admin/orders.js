// The orders screen: every order, newest first, paged, filtered by show, status, product and
// day; an order's detail (items, buyer, address, what was on screen and when, payment,
// shipping) with what can be done in its state; CSV export with the same filters. During a
// show the list follows the host socket of each live show: new orders join at the top and
// status changes redraw their row, without a reload. Everything a buyer typed (names,
// addresses, tracking numbers) is drawn as text.
import { el, put, toast } from '../ui.js';
import { money } from '../money.js';
import { api } from './api.js';
import { confirmAction as ask, field, showErrors } from './forms.js';
import { actionsFor, filtersFromHash, hashOf, mergeOrder, ordersQuery, ORDER_STATUSES, SHIP_LIMITS, shipProblems, streamTime } from './order-rules.js';
import { openLiveSocket } from './socket.js';

/** @typedef {import('./order-rules.js').OrderDetail} OrderDetail */
/** @typedef {import('./order-rules.js').OrderFilters} OrderFilters */
/** @typedef {import('./api.js').ApiError} ApiError */
/** @typedef {import('../../wire.js').Show} Show */
/** @typedef {import('../../wire.js').Product} Product */

const PAGE = 50;
/** how long a row that just arrived or changed stays marked */
const FRESH_MS = 4000;
/** how often the screen looks for shows that went live since it opened */
const FOLLOW_MS = 15_000;

const STATUS_WORDS = { pending: 'pending', paid: 'paid', shipped: 'shipped', cancelled: 'cancelled', expired: 'expired', refunded: 'refunded' };

/** @param {string} iso */
const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
/** a row's time: the clock alone for today's orders (a show's are), the day too for older ones @param {string} iso */
const rowTime = (iso) => {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : when(iso);
};
/** @param {OrderDetail} o */
const itemOf = (o) => (o.variantLabel ? `${o.productTitle} · ${o.variantLabel}` : o.productTitle);
/** @param {OrderDetail['status']} status */
const badge = (status) => el('span', { class: 'status order-status', 'data-status': status, text: STATUS_WORDS[status] ?? status });
/** an API error in words, with its code for whoever asks support @param {ApiError} err */
const errorText = (err) => (err.code ? `${err.message} (${err.code})` : err.message);

/** an order action that cannot be undone, asked first @param {string} question @param {string} yes */
const confirmAction = (question, yes) => ask({ id: 'order-confirm', question, yes, no: 'Keep the order as it is' });

/** @param {string} term @param {Node | string | null} value */
const fact = (term, value) => [el('dt', { text: term }), el('dd', {}, value ?? '—')];

/**
 * Draw the orders screen into main; the returned function leaves it (sockets, timers).
 * @param {HTMLElement} main
 * @returns {Promise<() => void>}
 */
export async function ordersView(main) {
  /** @type {[Show[], Product[]]} */
  const [shows, products] = await Promise.all([api('GET', '/api/shows'), api('GET', '/api/products')]);
  let filters = filtersFromHash(location.hash);
  /** @type {OrderDetail[]} */
  let orders = [];
  /** @type {string | null} the cursor of the next page; null: everything is on screen */
  let next = null;
  /** @type {string | null} */
  let selected = null;
  /** the last refusal of an action, kept over the redraw that shows the order as it is now */
  let refusal = { orderId: '', text: '' };
  /** ids of rows to mark, until when (ms) @type {Map<string, number>} */
  const fresh = new Map();
  let current = true;
  /** a newer load supersedes an older one still in flight */
  let loadSeq = 0;

  const showTitle = new Map(shows.map((s) => [s.id, s.title]));
  const productTitle = new Map(products.map((p) => [p.id, p.title]));

  // ---- filters --------------------------------------------------------------------------
  /** @param {string} id @param {string} label @param {Array<[string, string]>} options @param {string} value */
  const choice = (id, label, options, value) => [
    el('label', { for: id, text: label }),
    el('select', { id, onchange: onFilter }, ...options.map(([v, text]) => el('option', { value: v, text, selected: v === value }))),
  ];
  const filterBar = el('form', { class: 'card order-filters', 'aria-label': 'Filter orders', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    el('div', {}, ...choice('f-show', 'Show', [['', 'Every show'], ...shows.map((s) => /** @type {[string, string]} */ ([s.id, s.title]))], filters.showId)),
    el('div', {}, ...choice('f-status', 'Status', [['', 'Any status'], ...ORDER_STATUSES.map((s) => /** @type {[string, string]} */ ([s, s]))], filters.status)),
    el('div', {}, ...choice('f-product', 'Product', [['', 'Every product'], ...products.map((p) => /** @type {[string, string]} */ ([p.id, `${p.title} (${p.sku})`]))], filters.productId)),
    el('div', {}, el('label', { for: 'f-from', text: 'From (day)' }), el('input', { id: 'f-from', type: 'date', value: filters.from, onchange: onFilter })),
    el('div', {}, el('label', { for: 'f-to', text: 'To (day)' }), el('input', { id: 'f-to', type: 'date', value: filters.to, onchange: onFilter })),
    el('div', { class: 'order-filter-actions' },
      el('button', { type: 'button', class: 'secondary small', onclick: clearFilters }, 'Clear filters')));
  const csvLink = el('a', { id: 'orders-csv', class: 'button secondary', download: 'orders.csv', text: 'Export CSV' });
  const summary = el('p', { id: 'orders-summary', class: 'muted', role: 'status' });
  const liveNote = el('p', { id: 'orders-live', class: 'muted' });
  const tbody = el('tbody', { id: 'orders-rows' });
  const table = el('table', { class: 'orders-table' },
    el('caption', { class: 'sr-only', text: 'Orders, newest first' }),
    el('thead', {}, el('tr', {}, ...['Time', 'Show', 'Product', 'Qty', 'Total', 'Status', 'Viewer'].map((h) => el('th', { scope: 'col', text: h })))),
    tbody);
  const more = el('button', { type: 'button', id: 'orders-more', class: 'secondary', onclick: () => void loadMore(), hidden: true }, 'Load older orders');
  const listError = el('p', { class: 'field-error', role: 'alert', id: 'orders-error' });
  const detail = el('aside', { class: 'card order-detail', id: 'order-detail', 'aria-label': 'Order detail' },
    el('p', { class: 'muted', text: 'Choose an order to see its detail.' }));

  put(main,
    el('div', { class: 'row', style: 'justify-content:space-between;flex-wrap:wrap;margin-bottom:.6rem' }, el('h1', { text: 'Orders' }), csvLink),
    filterBar,
    el('div', { class: 'orders-layout' },
      el('section', { class: 'card', 'aria-label': 'Order list' }, summary, liveNote, listError, el('div', { class: 'table-scroll' }, table), more),
      detail));

  /** the filters as the bar holds them now */
  function readFilters() {
    /** @param {string} id */
    const v = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ (filterBar.querySelector(`#${id}`)).value;
    return { showId: v('f-show'), status: v('f-status'), productId: v('f-product'), from: v('f-from'), to: v('f-to') };
  }
  function onFilter() {
    filters = readFilters();
    // the hash keeps the filters (reload, bookmark) without routing again
    history.replaceState(null, '', hashOf(filters));
    void reload();
    follow();
  }
  function clearFilters() {
    for (const s of filterBar.querySelectorAll('select')) s.value = '';
    for (const i of filterBar.querySelectorAll('input')) i.value = '';
    onFilter();
  }

  // ---- the list -------------------------------------------------------------------------
  /** @param {OrderDetail} o */
  function row(o) {
    const freshUntil = fresh.get(o.id) ?? 0;
    const open = el('button', { type: 'button', class: 'link', text: rowTime(o.createdAt), 'aria-label': `Order of ${when(o.createdAt)} by ${o.viewerName}: details` });
    return el('tr', {
      'data-order-id': o.id,
      class: [freshUntil > Date.now() ? 'order-fresh' : '', o.id === selected ? 'selected' : ''].filter(Boolean).join(' '),
      'aria-current': o.id === selected ? 'true' : null,
      onclick: () => void select(o.id),
    },
    el('td', {}, open),
    el('td', { text: showTitle.get(o.showId) ?? o.showId }),
    el('td', {}, itemOf(o), o.replay ? el('span', { class: 'muted', text: ' · replay' }) : null),
    el('td', { class: 'num', text: String(o.quantity) }),
    el('td', { class: 'num', text: money(o.total, o.currency) }),
    el('td', {}, badge(o.status)),
    el('td', { text: o.viewerName }));
  }
  function drawList() {
    put(tbody, ...orders.map(row));
    if (!orders.length) put(tbody, el('tr', {}, el('td', { colspan: '7', class: 'muted', text: 'No orders match these filters.' })));
    more.hidden = next === null;
    summary.textContent = `${orders.length} order${orders.length === 1 ? '' : 's'} shown${next ? ', older ones below' : ''}`;
    csvLink.setAttribute('href', `/api/orders.csv${ordersQuery(filters) ? `?${ordersQuery(filters)}` : ''}`);
  }
  let drawing = 0;
  /** once per frame however many orders a busy minute pushes */
  function drawSoon() {
    if (drawing) return;
    drawing = requestAnimationFrame(() => {
      drawing = 0;
      if (current) drawList();
    });
  }
  /** @param {string | null} before */
  async function fetchPage(before) {
    return /** @type {import('../../wire.js').OrderList} */ (await api('GET', `/api/orders?${ordersQuery(filters, { limit: PAGE, before })}`));
  }
  async function reload() {
    const seq = ++loadSeq;
    try {
      const page = await fetchPage(null);
      if (!current || seq !== loadSeq) return;
      orders = page.orders;
      next = page.next;
      listError.textContent = '';
      drawList();
    } catch (err) {
      if (current && seq === loadSeq) listError.textContent = `The orders could not be loaded: ${errorText(/** @type {ApiError} */ (err))}`;
    }
  }
  async function loadMore() {
    if (!next) return;
    const seq = loadSeq;
    try {
      const page = await fetchPage(next);
      if (!current || seq !== loadSeq) return;
      const have = new Set(orders.map((o) => o.id));
      orders = [...orders, ...page.orders.filter((o) => !have.has(o.id))];
      next = page.next;
      drawList();
    } catch (err) {
      toast(errorText(/** @type {ApiError} */ (err)), true);
    }
  }
  /**
   * One order as it is now (pushed, or an action's answer) into the list and the detail.
   * @param {OrderDetail} order @param {boolean} mark whether to mark its row (a pushed change)
   */
  function upsert(order, mark) {
    const merged = mergeOrder(orders, order, filters, next === null);
    if (merged.change !== 'none') {
      orders = merged.list;
      if (mark) {
        fresh.set(order.id, Date.now() + FRESH_MS);
        window.setTimeout(() => {
          fresh.delete(order.id);
          tbody.querySelector(`tr[data-order-id="${CSS.escape(order.id)}"]`)?.classList.remove('order-fresh');
        }, FRESH_MS);
      }
      drawSoon();
    }
    // the detail follows its order even when the filters keep it out of the list; never back in
    // time, and not again for the same state (a redraw under the merchant's typing loses keys)
    const shownAt = detail.dataset.orderId === order.id ? Date.parse(detail.dataset.updatedAt ?? '') : NaN;
    if (order.id === selected && !(Date.parse(order.updatedAt) <= shownAt)) drawDetail(order);
  }

  // ---- the detail ------------------------------------------------------------------------
  /** @param {string} id */
  async function select(id) {
    if (selected !== id) refusal = { orderId: '', text: '' };
    selected = id;
    for (const tr of tbody.querySelectorAll('tr')) {
      const on = /** @type {HTMLElement} */ (tr).dataset.orderId === id;
      tr.classList.toggle('selected', on);
      if (on) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
    const shown = orders.find((o) => o.id === id);
    if (shown) drawDetail(shown);
    // one column (a phone, a narrow window): the detail is under the list, bring it up
    if (window.matchMedia('(max-width: 1000px)').matches) detail.scrollIntoView?.({ block: 'start' });
    try {
      /** @type {OrderDetail} */
      const fullest = await api('GET', `/api/orders/${encodeURIComponent(id)}/detail`);
      if (current && selected === id) upsert(fullest, false);
    } catch (err) {
      if (current && selected === id) toast(errorText(/** @type {ApiError} */ (err)), true);
    }
  }

  /** @param {OrderDetail} o */
  function drawDetail(o) {
    // what is being typed into the ship form survives a redraw (a push for the same order)
    const typed = { carrier: /** @type {HTMLInputElement | null} */ (detail.querySelector('#ship-carrier'))?.value ?? '', tracking: /** @type {HTMLInputElement | null} */ (detail.querySelector('#ship-trackingNumber'))?.value ?? '' };
    const sameOrder = detail.dataset.orderId === o.id;
    detail.dataset.orderId = o.id;
    detail.dataset.updatedAt = o.updatedAt;
    const error = el('p', { class: 'field-error', role: 'alert', id: 'order-action-error', text: refusal.orderId === o.id ? refusal.text : '' });
    const c = o.contact;
    const a = o.shippingAddress;
    const pinned = o.onScreen.pinnedProductId;
    const items = el('table', { class: 'order-items' },
      el('tbody', {},
        el('tr', {}, el('td', {}, el('strong', { text: itemOf(o) }), el('div', { class: 'muted', text: `${o.quantity} × ${money(o.unitPrice, o.currency)}` })), el('td', { class: 'num', text: money(o.unitPrice * o.quantity, o.currency) })),
        o.discount ? el('tr', {}, el('td', { text: 'Discount' }), el('td', { class: 'num', text: `−${money(o.discount, o.currency)}` })) : null,
        el('tr', {}, el('td', { text: 'Shipping' }), el('td', { class: 'num', text: money(o.shipping, o.currency) })),
        o.tax ? el('tr', {}, el('td', { text: 'Tax' }), el('td', { class: 'num', text: money(o.tax, o.currency) })) : null,
        el('tr', { class: 'order-total' }, el('td', { text: 'Total' }), el('td', { class: 'num', id: 'order-total', text: money(o.total, o.currency) }))));
    const address = a ? el('address', { id: 'order-address' }, ...[a.name, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean).map((line) => el('div', { text: String(line) }))) : null;
    const contact = c ? el('div', { id: 'order-contact' }, el('div', { text: c.name }), el('div', {}, el('a', { href: `mailto:${c.email}`, text: c.email })), c.phone ? el('div', { text: c.phone }) : null) : null;
    const onScreen = [
      pinned ? `${productTitle.get(pinned) ?? 'a product no longer in the catalog'} was pinned` : 'nothing was pinned',
      o.onScreen.flashSaleId ? ', during a flash sale' : '',
      o.replay ? ' (bought from the recording)' : '',
    ].join('');
    const moment = el('div', {},
      o.streamMs !== null ? el('span', { id: 'order-stream-time', text: `at ${streamTime(o.streamMs)} into the stream` }) : el('span', { class: 'muted', text: 'before the show went live' }),
      o.recordingUrl ? ' · ' : null,
      o.recordingUrl ? el('a', { id: 'order-recording', href: o.recordingUrl, target: '_blank', rel: 'noopener', text: 'Open the recording at this moment' }) : null);
    const payment = o.payment.provider ? `${o.payment.provider === 'manual' ? 'Manual (bank transfer / cash on delivery)' : 'Stripe'}${o.payment.reference ? ` · ${o.payment.reference}` : ''}` : null;

    put(detail,
      el('div', { class: 'row', style: 'justify-content:space-between' }, el('h2', { text: `Order ${o.id.slice(0, 8)}` }), badge(o.status)),
      el('p', { class: 'muted', text: `${when(o.createdAt)} · ${showTitle.get(o.showId) ?? o.showId}` }),
      items,
      el('dl', { class: 'order-facts' },
        ...fact('Viewer', el('span', { id: 'order-viewer', text: o.viewerName })),
        ...fact('Contact', contact),
        ...fact('Ship to', address),
        ...fact('On screen', el('div', {}, el('div', { text: onScreen }), moment)),
        ...fact('Payment', payment ? el('span', { id: 'order-payment', text: payment }) : null),
        ...(o.paidAt ? fact('Paid', when(o.paidAt)) : []),
        ...(o.status === 'pending' && o.holdExpiresAt ? fact('Stock held until', when(o.holdExpiresAt)) : []),
        ...fact('Shipping', o.carrier || o.trackingNumber ? el('span', { id: 'order-shipping', text: `${o.carrier ?? ''} · ${o.trackingNumber ?? ''}` }) : null),
        ...(o.shippedAt ? fact('Shipped', when(o.shippedAt)) : [])),
      error,
      actionsOf(o, error));
    if (sameOrder) {
      const carrier = /** @type {HTMLInputElement | null} */ (detail.querySelector('#ship-carrier'));
      const tracking = /** @type {HTMLInputElement | null} */ (detail.querySelector('#ship-trackingNumber'));
      if (carrier) carrier.value = typed.carrier;
      if (tracking) tracking.value = typed.tracking;
    }
  }

  /**
   * An action on the order: its answer is redrawn, refusals are told in the API's words.
   * @param {OrderDetail} o @param {string} path @param {unknown} body @param {string} done
   * @param {HTMLElement} error @param {HTMLElement} [form] where field problems go
   */
  async function act(o, path, body, done, error, form) {
    error.textContent = '';
    refusal = { orderId: '', text: '' };
    const detailPath = `/api/orders/${encodeURIComponent(o.id)}/detail`;
    try {
      await api('POST', `/api/orders/${encodeURIComponent(o.id)}/${path}`, body);
      /** @type {OrderDetail} */
      const now = await api('GET', detailPath);
      toast(done);
      if (current) upsert(now, false);
    } catch (err) {
      const e = /** @type {ApiError} */ (err);
      if (!current) return;
      refusal = { orderId: o.id, text: errorText(e) };
      error.textContent = refusal.text;
      if (form) showErrors(form, e);
      else toast(refusal.text, true);
      // refused because the order moved on elsewhere: show it as it is now, the reason above it
      if (e.status === 409) {
        const now = /** @type {OrderDetail | null} */ (await api('GET', detailPath).catch(() => null));
        if (now && current) upsert(now, false);
      }
    }
  }

  /** @param {OrderDetail} o @param {HTMLElement} error */
  function actionsOf(o, error) {
    const can = actionsFor(o);
    if (!can.length) return el('p', { class: 'muted', text: `Nothing left to do: this order is ${o.status}.` });
    const total = money(o.total, o.currency);
    /** @type {Node[]} */
    const parts = [];
    if (can.includes('ship')) {
      const form = el('form', { class: 'order-ship', 'data-prefix': 'ship-', novalidate: true, 'aria-label': 'Mark shipped' },
        el('h3', { text: 'Mark shipped' }),
        ...field('ship-carrier', 'Carrier', { required: true, maxlength: String(SHIP_LIMITS.carrier), autocomplete: 'off', placeholder: 'e.g. DHL' }),
        ...field('ship-trackingNumber', 'Tracking number', { required: true, maxlength: String(SHIP_LIMITS.trackingNumber), autocomplete: 'off', spellcheck: 'false' }),
        el('button', { type: 'submit' }, 'Mark shipped'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const carrier = /** @type {HTMLInputElement} */ (form.querySelector('#ship-carrier')).value;
        const trackingNumber = /** @type {HTMLInputElement} */ (form.querySelector('#ship-trackingNumber')).value;
        const problems = shipProblems(carrier, trackingNumber);
        if (problems.length) return showErrors(form, Object.assign(new Error('Please fix the marked fields'), { details: problems }));
        for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
        void act(o, 'ship', { carrier: carrier.trim(), trackingNumber: trackingNumber.trim() }, `Order ${o.id.slice(0, 8)} marked shipped`, error, form);
      });
      parts.push(form);
    }
    /** @type {Node[]} */
    const buttons = [];
    if (can.includes('mark-paid')) {
      buttons.push(el('button', { type: 'button', id: 'order-mark-paid', onclick: () => void act(o, 'mark-paid', {}, `Order ${o.id.slice(0, 8)} marked paid`, error) }, `Mark paid (${total} received)`));
    }
    if (can.includes('refund')) {
      const how = o.payment.provider === 'stripe' ? 'The money goes back through Stripe.' : 'Pay the money back yourself: Hawker records the refund.';
      buttons.push(el('button', {
        type: 'button', class: 'secondary', id: 'order-refund',
        onclick: async () => {
          if (await confirmAction(`Refund ${total} to ${o.viewerName}? ${how} This cannot be undone.`, `Refund ${total}`)) await act(o, 'refund', {}, `Order ${o.id.slice(0, 8)} refunded`, error);
        },
      }, 'Refund…'));
    }
    if (can.includes('cancel')) {
      buttons.push(el('button', {
        type: 'button', class: 'secondary', id: 'order-cancel',
        onclick: async () => {
          if (await confirmAction(`Cancel ${o.viewerName}'s pending order of ${total}? Its stock goes back on sale.`, 'Cancel the order')) await act(o, 'cancel-by-merchant', {}, `Order ${o.id.slice(0, 8)} cancelled`, error);
        },
      }, 'Cancel order…'));
    }
    if (buttons.length) parts.push(el('div', { class: 'row', style: 'flex-wrap:wrap;margin-top:.6rem' }, ...buttons));
    return el('div', { class: 'order-actions' }, ...parts);
  }

  // ---- live ------------------------------------------------------------------------------
  /** host sockets by show id: each live show (only the chosen one when a show is filtered) */
  const sockets = new Map();
  /** the shows whose socket has said welcome: their pushes arrive */
  const connected = new Set();
  /** the newest orders again, merged: what a (re)connecting socket may have missed */
  async function catchUp() {
    try {
      const page = await fetchPage(null);
      if (current) for (const o of page.orders.reverse()) upsert(o, true);
    } catch {
      // the next push or the merchant's reload brings them
    }
  }
  /** @param {string} showId @param {import('../../wire.js').ServerMessage} m */
  function onMessage(showId, m) {
    if (m.type === 'order') upsert(m.order, true);
    else if (m.type === 'welcome') {
      connected.add(showId);
      drawLiveNote();
      void catchUp();
    }
  }
  /** what the list follows, in words: only what is connected is called live */
  function drawLiveNote() {
    const names = [...sockets.keys()].filter((id) => connected.has(id)).map((id) => showTitle.get(id) ?? id);
    const waiting = sockets.size - names.length;
    liveNote.textContent = names.length
      ? `● Live: new orders of ${names.join(', ')} appear here as they come in.`
      : waiting ? 'Connecting to the live show…' : 'No show is live: this list shows what was ordered so far.';
    liveNote.classList.toggle('live-on', names.length > 0);
  }
  /** follow the shows that are live now, and only those */
  function follow() {
    const live = shows.filter((s) => s.status === 'live' && (!filters.showId || s.id === filters.showId)).map((s) => s.id);
    for (const [id, socket] of sockets) if (!live.includes(id)) {
      socket.close();
      sockets.delete(id);
      connected.delete(id);
    }
    for (const id of live) if (!sockets.has(id)) sockets.set(id, openLiveSocket(id, (m) => onMessage(id, m)));
    drawLiveNote();
  }
  async function refreshShows() {
    try {
      /** @type {Show[]} */
      const now = await api('GET', '/api/shows');
      if (!current) return;
      shows.splice(0, shows.length, ...now);
      for (const s of now) showTitle.set(s.id, s.title);
      follow();
    } catch {
      // tried again at the next tick
    }
  }
  const timer = window.setInterval(() => void refreshShows(), FOLLOW_MS);

  drawList();
  await reload();
  follow();
  return function leave() {
    current = false;
    clearInterval(timer);
    for (const s of sockets.values()) s.close();
    sockets.clear();
  };
}
