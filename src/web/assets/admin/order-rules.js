// The orders screen's rules, without the DOM (unit-tested in Node): the filters as the API's
// query, what a merchant may do with an order in each state, the ship form's checks, and how a
// pushed order joins the list that is on screen.

/** @typedef {import('../../wire.js').OrderDetail} OrderDetail the merchant's order: GET /api/orders, its detail, the host socket's `order` push */
/** @typedef {OrderDetail['status']} OrderStatus */

/** every status, in the order an order goes through them */
export const ORDER_STATUSES = /** @type {const} */ (['pending', 'paid', 'shipped', 'cancelled', 'expired', 'refunded']);

/**
 * What the filter bar holds: ids, a status, and days as the date inputs give them
 * ("2026-11-30", in the merchant's own time zone); '' for "any".
 * @typedef {{ showId: string, status: string, productId: string, from: string, to: string }} OrderFilters
 */

/** @type {OrderFilters} */
export const NO_FILTERS = { showId: '', status: '', productId: '', from: '', to: '' };

/** the local midnight that starts a "YYYY-MM-DD" day, or null for anything else @param {string} day */
function dayStart(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** the midnight that ends a day @param {Date} d */
const dayAfter = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);

/**
 * The filters as GET /api/orders (and /api/orders.csv) take them: the days become instants,
 * `from` at the start of its day and `to` at the last millisecond of its own, so "to the 30th"
 * holds the orders of the 30th.
 * @param {OrderFilters} f
 * @param {{ limit?: number, before?: string | null }} [page]
 * @returns {string} a query string without the "?" ('' when nothing is filtered)
 */
export function ordersQuery(f, page = {}) {
  const q = new URLSearchParams();
  if (f.showId) q.set('showId', f.showId);
  if (f.status) q.set('status', f.status);
  if (f.productId) q.set('productId', f.productId);
  const from = dayStart(f.from);
  if (from) q.set('from', from.toISOString());
  const to = dayStart(f.to);
  if (to) q.set('to', new Date(dayAfter(to).getTime() - 1).toISOString());
  if (page.limit) q.set('limit', String(page.limit));
  if (page.before) q.set('before', page.before);
  return q.toString();
}

/**
 * The filters a URL's hash carries (`#/orders?status=paid&showId=…`): the screen can be
 * reloaded, bookmarked and opened from the cockpit for one show.
 * @param {string} hash
 * @returns {OrderFilters}
 */
export function filtersFromHash(hash) {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  /** @param {string} k */
  const get = (k) => (q.get(k) ?? '').slice(0, 64);
  const status = get('status');
  return {
    showId: get('showId'),
    status: /** @type {readonly string[]} */ (ORDER_STATUSES).includes(status) ? status : '',
    productId: get('productId'),
    from: dayStart(get('from')) ? get('from') : '',
    to: dayStart(get('to')) ? get('to') : '',
  };
}

/** @param {OrderFilters} f @returns {string} the hash that reopens the screen with these filters */
export function hashOf(f) {
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
  const s = q.toString();
  return s ? `#/orders?${s}` : '#/orders';
}

/**
 * Whether an order belongs in a list drawn with these filters (a pushed order joins the list
 * only then).
 * @param {OrderDetail} o @param {OrderFilters} f
 */
export function matchesFilters(o, f) {
  if (f.showId && o.showId !== f.showId) return false;
  if (f.status && o.status !== f.status) return false;
  if (f.productId && o.productId !== f.productId) return false;
  const at = Date.parse(o.createdAt);
  const from = dayStart(f.from);
  if (from && at < from.getTime()) return false;
  const to = dayStart(f.to);
  if (to && at >= dayAfter(to).getTime()) return false;
  return true;
}

/**
 * A pushed order in the list on screen: an order already there is replaced where it is (its
 * status moved); one that is not there joins at its place by time (newest first) when it
 * matches the filters and falls within the pages loaded (a new order: on top; a status filter
 * it now meets: where it belongs). `complete`: no page is left to load.
 * @param {OrderDetail[]} list @param {OrderDetail} order @param {OrderFilters} f @param {boolean} complete
 * @returns {{ list: OrderDetail[], change: 'updated' | 'added' | 'none' }}
 */
export function mergeOrder(list, order, f, complete) {
  const i = list.findIndex((o) => o.id === order.id);
  if (i >= 0) {
    // a late push must not undo a newer state already drawn (an action's own answer), and the
    // same state again (a catch-up after a reconnect) is no change
    if (Date.parse(order.updatedAt) <= Date.parse(list[i]?.updatedAt ?? '')) return { list, change: 'none' };
    return { list: list.map((o) => (o.id === order.id ? order : o)), change: 'updated' };
  }
  if (!matchesFilters(order, f)) return { list, change: 'none' };
  const at = Date.parse(order.createdAt);
  const oldest = list[list.length - 1];
  if (!complete && oldest && at < Date.parse(oldest.createdAt)) return { list, change: 'none' };
  const place = list.findIndex((o) => Date.parse(o.createdAt) <= at);
  const next = [...list];
  next.splice(place < 0 ? list.length : place, 0, order);
  return { list: next, change: 'added' };
}

/**
 * What the merchant may do with an order now, as the order routes allow it: mark a manual
 * order paid (a Stripe order turns paid only from Stripe's webhook), ship a paid one, refund
 * what was paid, cancel what is still pending.
 * @param {Pick<OrderDetail, 'status' | 'payment'>} o
 * @returns {Array<'mark-paid' | 'ship' | 'refund' | 'cancel'>}
 */
export function actionsFor(o) {
  switch (o.status) {
    case 'pending':
      return o.payment.provider === 'manual' ? ['mark-paid', 'cancel'] : ['cancel'];
    case 'paid':
      return ['ship', 'refund'];
    case 'shipped':
      return ['refund'];
    default:
      return [];
  }
}

/** the limits the ship form holds to (the server checks them again) */
export const SHIP_LIMITS = { carrier: 60, trackingNumber: 100 };

/**
 * The ship form's problems, per field, in words (none: it can be sent).
 * @param {string} carrier @param {string} trackingNumber
 * @returns {Array<{ field: 'carrier' | 'trackingNumber', problem: string }>}
 */
export function shipProblems(carrier, trackingNumber) {
  /** @type {Array<{ field: 'carrier' | 'trackingNumber', problem: string }>} */
  const problems = [];
  const c = carrier.trim();
  const n = trackingNumber.trim();
  if (!c) problems.push({ field: 'carrier', problem: 'enter the carrier, e.g. DHL or UPS' });
  else if (c.length > SHIP_LIMITS.carrier) problems.push({ field: 'carrier', problem: `at most ${SHIP_LIMITS.carrier} characters` });
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  else if (/[\u0000-\u001f\u007f]/.test(c)) problems.push({ field: 'carrier', problem: 'letters, digits and punctuation only' });
  if (!n) problems.push({ field: 'trackingNumber', problem: 'enter the tracking number the carrier gave' });
  else if (n.length > SHIP_LIMITS.trackingNumber) problems.push({ field: 'trackingNumber', problem: `at most ${SHIP_LIMITS.trackingNumber} characters` });
  else if (!/^[A-Za-z0-9 ._/-]+$/.test(n)) problems.push({ field: 'trackingNumber', problem: 'letters, digits, spaces and - . / _ only, as printed on the label' });
  return problems;
}

/** stream time as a host reads it: "0:42", "12:05", "1:02:09" @param {number} ms */
export function streamTime(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
