// The order rules without SQLite: given what the order's transaction read, when the viewer
// orders, then it is placed (with what it writes), replayed or refused.
import t from 'tap';
import type { Coupon } from '../../src/domain/coupon.js';
import type { CheckoutRules, Order, PlaceOrder } from '../../src/domain/order.js';
import { decideOrder, decideQuote, decideTransition, type OrderSnapshot } from '../../src/domain/order-decision.js';

const AT = Date.UTC(2026, 10, 29, 20, 0, 0);
const MINUTE = 60_000;
const RULES: CheckoutRules = { holdMs: 10 * MINUTE, manualHoldMs: 4320 * MINUTE, replayOrders: true, shippingFlat: {}, taxPercent: 0 };
/** a coupon for any product */
const ANY = { productId: null, variantId: null };
/** the fields an order gained with checkout, as a plain manual order has them */
const CHECKOUT_FIELDS = {
  variantId: null,
  shipping: 0,
  tax: 0,
  replay: false,
  holdExpiresAt: null,
  payment: { provider: 'manual' as const, reference: null },
  contact: null,
  shippingAddress: null,
  carrier: null,
  trackingNumber: null,
  paidAt: null,
  shippedAt: null,
};

const command = (over: Partial<PlaceOrder> = {}): PlaceOrder => ({
  orderId: 'order-1',
  showId: 'show-1',
  viewerId: 'viewer-1',
  productId: 'product-1',
  quantity: 2,
  idempotencyKey: 'key-1',
  requestHash: 'hash-1',
  onScreen: { pinnedProductId: 'product-1', flashSaleId: null },
  at: AT,
  viewerLevel: 0,
  rules: RULES,
  payment: 'manual',
  contact: null,
  shippingAddress: null,
  ...over,
});

type New = Extract<OrderSnapshot, { kind: 'new' }>;
const given = (over: Partial<Omit<New, 'kind'>> = {}): New => ({
  kind: 'new',
  show: { status: 'live', endedAt: null },
  product: { price: 1500, currency: 'EUR', stock: 10, hasVariants: false, inLineup: true },
  variant: undefined,
  sale: undefined,
  coupon: undefined,
  ...over,
});

const sale = (over: Partial<NonNullable<New['sale']>> = {}): NonNullable<New['sale']> => ({
  id: 'sale-1',
  price: 900,
  remaining: 5,
  perCustomerLimit: null,
  held: false,
  boughtByViewer: 0,
  ...over,
});

const coupon = (over: Partial<Coupon> = {}): Coupon => ({
  id: 'coupon-1',
  code: 'SAVE10',
  kind: 'percent',
  amount: 10,
  currency: null,
  showId: null,
  liveOnly: false,
  listed: true,
  startsAt: null,
  expiresAt: null,
  expiresAfterShowMinutes: null,
  maxUses: null,
  perViewerLimit: 1,
  minLevel: 0,
  unlock: null,
  unlockThreshold: null,
  keyword: null, productId: null, variantId: null,
  uses: 0,
  createdAt: AT - 60_000,
  disabledAt: null,
  ...over,
});

t.test('price in force: the product price when no flash sale runs', async (t) => {
  const d = decideOrder(given(), command());
  t.equal(d.kind, 'placed');
  if (d.kind !== 'placed') return;
  t.match(d.order, { unitPrice: 1500, total: 3000, discount: 0, couponId: null, flashSaleId: null, currency: 'EUR', status: 'pending', createdAt: AT, updatedAt: AT });
  t.same(d.order.onScreen, { pinnedProductId: 'product-1', flashSaleId: null }, 'what was on screen is kept');
  t.same(d.writes, { takeStock: { productId: 'product-1', variantId: null, quantity: 2 }, takeSale: null, useCoupon: null });
  t.notOk('streamMs' in d.order, 'stream time is left to the timeline');
});

t.test('flash sale: its price, and its stock taken as well as the product stock', async (t) => {
  const d = decideOrder(given({ sale: sale() }), command());
  if (d.kind !== 'placed') return t.fail(`expected placed, got ${d.kind}`);
  t.match(d.order, { unitPrice: 900, total: 1800, flashSaleId: 'sale-1' });
  t.same(d.writes, { takeStock: { productId: 'product-1', variantId: null, quantity: 2 }, takeSale: { saleId: 'sale-1', quantity: 2 }, useCoupon: null });
});

t.test('sold out', async (t) => {
  t.test('given the flash sale has fewer left than asked', async (t) => {
    t.same(decideOrder(given({ sale: sale({ remaining: 1 }) }), command()), { kind: 'refused', code: 'SOLD_OUT', message: 'the flash sale is sold out' });
  });
  t.test('given the product has fewer left than asked', async (t) => {
    t.same(decideOrder(given({ product: { price: 1500, currency: 'EUR', stock: 1, hasVariants: false, inLineup: true } }), command()), { kind: 'refused', code: 'SOLD_OUT', message: 'sold out' });
  });
  t.test('given the sale has stock but the product has not', async (t) => {
    t.same(decideOrder(given({ sale: sale(), product: { price: 1500, currency: 'EUR', stock: 0, hasVariants: false, inLineup: true } }), command()), { kind: 'refused', code: 'SOLD_OUT', message: 'sold out' });
  });
  t.test('exactly the last ones are sold', async (t) => {
    t.equal(decideOrder(given({ sale: sale({ remaining: 2 }), product: { price: 1500, currency: 'EUR', stock: 2, hasVariants: false, inLineup: true } }), command()).kind, 'placed');
  });
  t.test('a coupon on a sold-out product is not looked at: sold out answers', async (t) => {
    const d = decideOrder(given({ product: { price: 1500, currency: 'EUR', stock: 0, hasVariants: false, inLineup: true }, coupon: undefined }), command({ couponCode: 'NOPE' }));
    t.match(d, { kind: 'refused', code: 'SOLD_OUT' });
  });
});

t.test('per-customer limit in a flash sale', async (t) => {
  t.test('given the viewer bought 2 of a limit of 3, 2 more are refused', async (t) => {
    const d = decideOrder(given({ sale: sale({ perCustomerLimit: 3, boughtByViewer: 2 }) }), command());
    t.same(d, { kind: 'refused', code: 'LIMIT_REACHED', message: 'at most 3 per customer in this flash sale' });
  });
  t.test('1 more reaches the limit and is placed', async (t) => {
    t.equal(decideOrder(given({ sale: sale({ perCustomerLimit: 3, boughtByViewer: 2 }) }), command({ quantity: 1 })).kind, 'placed');
  });
  t.test('the limit answers before the sale stock', async (t) => {
    t.match(decideOrder(given({ sale: sale({ perCustomerLimit: 1, remaining: 0 }) }), command()), { code: 'LIMIT_REACHED' });
  });
});

t.test('coupon', async (t) => {
  t.test('applied: 10% off the subtotal, rounded down, and one use taken', async (t) => {
    const d = decideOrder(given({ product: { price: 999, currency: 'EUR', stock: 10, hasVariants: false, inLineup: true }, coupon: { appliesTo: ANY, coupon: coupon(), usedByViewer: 0, claimed: true } }), command({ couponCode: 'save10' }));
    if (d.kind !== 'placed') return t.fail(`expected placed, got ${d.kind}`);
    t.match(d.order, { unitPrice: 999, discount: 199, total: 1799, couponId: 'coupon-1' });
    t.equal(d.writes.useCoupon, 'coupon-1');
  });
  t.test('applied to the flash-sale price', async (t) => {
    const d = decideOrder(given({ sale: sale(), coupon: { appliesTo: ANY, coupon: coupon({ kind: 'fixed', amount: 500, currency: 'EUR' }), usedByViewer: 0, claimed: true } }), command({ couponCode: 'SAVE10' }));
    t.match(d, { kind: 'placed', order: { unitPrice: 900, discount: 500, total: 1300 } });
  });
  t.test('refused: no coupon with that code', async (t) => {
    t.same(decideOrder(given(), command({ couponCode: 'NOPE' })), { kind: 'refused', code: 'COUPON_INVALID', message: 'no coupon NOPE' });
  });
  t.test('refused: the verdict of the coupon rules answers (used already)', async (t) => {
    const d = decideOrder(given({ coupon: { appliesTo: ANY, coupon: coupon(), usedByViewer: 1, claimed: true } }), command({ couponCode: 'SAVE10' }));
    t.match(d, { kind: 'refused', code: 'COUPON_ALREADY_USED' });
  });
  t.test('refused: used up', async (t) => {
    const d = decideOrder(given({ coupon: { appliesTo: ANY, coupon: coupon({ maxUses: 5, uses: 5 }), usedByViewer: 0, claimed: true } }), command({ couponCode: 'SAVE10' }));
    t.same(d, { kind: 'refused', code: 'COUPON_USED_UP', message: 'SAVE10 has been used up' });
  });
  t.test('refused: live-only code after the show', async (t) => {
    const d = decideOrder(given({ show: { status: 'ended', endedAt: AT - 1000 }, coupon: { appliesTo: ANY, coupon: coupon({ liveOnly: true, showId: 'show-1' }), usedByViewer: 0, claimed: true } }), command({ couponCode: 'SAVE10' }));
    t.match(d, { kind: 'refused', code: 'COUPON_NOT_LIVE' });
  });
  t.test('refused: gated and not unlocked', async (t) => {
    const d = decideOrder(given({ coupon: { appliesTo: ANY, coupon: coupon({ unlock: 'chat', unlockThreshold: 1, showId: 'show-1' }), usedByViewer: 0, claimed: false } }), command({ couponCode: 'SAVE10' }));
    t.match(d, { kind: 'refused', code: 'COUPON_LOCKED' });
  });
  t.test('refused: loyalty level too low', async (t) => {
    const d = decideOrder(given({ coupon: { appliesTo: ANY, coupon: coupon({ minLevel: 2 }), usedByViewer: 0, claimed: true } }), command({ couponCode: 'SAVE10', viewerLevel: 1 }));
    t.match(d, { kind: 'refused', code: 'COUPON_LEVEL' });
  });
});

t.test('idempotency: a key used before', async (t) => {
  const first: Order = {
    ...CHECKOUT_FIELDS,
    id: 'order-0',
    showId: 'show-1',
    viewerId: 'viewer-1',
    productId: 'product-1',
    flashSaleId: null,
    quantity: 2,
    unitPrice: 1500,
    total: 3000,
    couponId: null,
    discount: 0,
    currency: 'EUR',
    status: 'paid',
    onScreen: { pinnedProductId: null, flashSaleId: null },
    streamMs: 1234,
    createdAt: AT - 5000,
    updatedAt: AT - 1000,
  };
  t.test('with the same request: the first order is replayed as it is now', async (t) => {
    t.same(decideOrder({ kind: 'seen', order: first, requestHash: 'hash-1' }, command()), { kind: 'replayed', order: first });
  });
  t.test('with a different request: refused', async (t) => {
    t.same(decideOrder({ kind: 'seen', order: first, requestHash: 'hash-other' }, command()), {
      kind: 'refused',
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'this Idempotency-Key was used for a different order',
    });
  });
});

t.test('unknown show or product', async (t) => {
  t.same(decideOrder(given({ show: undefined, product: undefined }), command()), { kind: 'refused', code: 'SHOW_NOT_FOUND', message: 'no show with id show-1' });
  t.same(decideOrder(given({ product: undefined }), command()), { kind: 'refused', code: 'PRODUCT_NOT_FOUND', message: 'no product with id product-1' });
});

t.test('status changes: a cancelled order gives back what it took; paid and cancelled go on the timeline', async (t) => {
  const placed: Order = {
    ...CHECKOUT_FIELDS,
    holdExpiresAt: AT + 10 * MINUTE,
    id: 'order-1',
    showId: 'show-1',
    viewerId: 'viewer-1',
    productId: 'product-1',
    flashSaleId: 'sale-1',
    quantity: 3,
    unitPrice: 900,
    total: 2430,
    couponId: 'coupon-1',
    discount: 270,
    currency: 'EUR',
    status: 'pending',
    onScreen: { pinnedProductId: null, flashSaleId: 'sale-1' },
    streamMs: 10,
    createdAt: AT,
    updatedAt: AT,
  };
  t.same(decideTransition(placed, ['pending'], 'cancelled', AT), {
    kind: 'moved',
    writes: { giveStock: { productId: 'product-1', variantId: null, quantity: 3 }, giveSale: { saleId: 'sale-1', quantity: 3 }, releaseCoupon: 'coupon-1', endHold: true, event: 'order.cancelled' },
  });
  t.same(decideTransition({ ...placed, flashSaleId: null, couponId: null }, ['pending'], 'cancelled', AT), {
    kind: 'moved',
    writes: { giveStock: { productId: 'product-1', variantId: null, quantity: 3 }, giveSale: null, releaseCoupon: null, endHold: true, event: 'order.cancelled' },
  });
  t.same(decideTransition(placed, ['pending'], 'paid', AT), { kind: 'moved', writes: { giveStock: null, giveSale: null, releaseCoupon: null, endHold: true, event: 'order.paid' } });
  // a refund is on the timeline now (order.refunded, issue 14)
  t.same(decideTransition({ ...placed, status: 'paid' }, ['paid'], 'refunded', AT), { kind: 'moved', writes: { giveStock: null, giveSale: null, releaseCoupon: null, endHold: false, event: 'order.refunded' } });
  t.same(decideTransition({ ...placed, status: 'cancelled' }, ['pending'], 'paid', AT), { kind: 'refused', expired: false }, 'only from the statuses allowed');
});

t.test('a price named by the buyer: charged only that one', async (t) => {
  t.test('given a running sale, when the order names its price, then it is placed at it', async (t) => {
    const decision = decideOrder(given({ sale: sale() }), command({ expectedUnitPrice: 900 }));
    t.match(decision, { kind: 'placed', order: { unitPrice: 900, flashSaleId: 'sale-1' } });
  });
  t.test('given a running sale, when the order names the regular price, then PRICE_CHANGED', async (t) => {
    t.same(decideOrder(given({ sale: sale() }), command({ expectedUnitPrice: 1500 })), { kind: 'refused', code: 'PRICE_CHANGED', message: 'the price is now 900, not 1500' });
  });
  t.test('given a sale that sold out and ended before its time, when the order names no price, then sold out (held)', async (t) => {
    t.same(decideOrder(given({ sale: sale({ remaining: 0, held: true }) }), command()), { kind: 'refused', code: 'SOLD_OUT', message: 'the flash sale is sold out' });
  });
  t.test('given that sale, when the order names the sale price it saw, then PRICE_CHANGED: never the regular price unseen', async (t) => {
    t.same(decideOrder(given({ sale: sale({ remaining: 0, held: true }) }), command({ expectedUnitPrice: 900 })), {
      kind: 'refused',
      code: 'PRICE_CHANGED',
      message: 'the price is now 1500 (the flash sale sold out), not 900',
    });
  });
  t.test('given that sale, when the order names the regular price, then it is placed at it, outside the sale', async (t) => {
    t.match(decideOrder(given({ sale: sale({ remaining: 0, held: true }) }), command({ expectedUnitPrice: 1500 })), { kind: 'placed', order: { unitPrice: 1500, flashSaleId: null }, writes: { takeSale: null } });
  });
  t.test('given a running sale that just sold out (not yet ended), when the order names its price, then sold out', async (t) => {
    t.match(decideOrder(given({ sale: sale({ remaining: 0 }) }), command({ expectedUnitPrice: 900 })), { kind: 'refused', code: 'SOLD_OUT' });
  });
});

t.test('where and when orders are taken', async (t) => {
  t.test('given a scheduled show (or one rehearsing: still scheduled), then SHOW_NOT_LIVE', async (t) => {
    t.match(decideOrder(given({ show: { status: 'scheduled', endedAt: null } }), command()), { kind: 'refused', code: 'SHOW_NOT_LIVE' });
  });
  t.test('given an ended show with replay sales on, then a replay order at the regular price, never the sale price', async (t) => {
    const d = decideOrder(given({ show: { status: 'ended', endedAt: AT - 1000 }, sale: sale() }), command());
    t.match(d, { kind: 'placed', order: { unitPrice: 1500, flashSaleId: null, replay: true }, writes: { takeSale: null } });
  });
  t.test('given an ended show, when the buyer names the sale price they saw, then PRICE_CHANGED', async (t) => {
    t.match(decideOrder(given({ show: { status: 'ended', endedAt: AT - 1000 }, sale: sale() }), command({ expectedUnitPrice: 900 })), { kind: 'refused', code: 'PRICE_CHANGED', message: 'the price is now 1500, not 900' });
  });
  t.test('given an ended show with replay sales off, then REPLAY_CLOSED', async (t) => {
    t.match(decideOrder(given({ show: { status: 'ended', endedAt: AT - 1000 } }), command({ rules: { ...RULES, replayOrders: false } })), { kind: 'refused', code: 'REPLAY_CLOSED' });
  });
  t.test('given a live show, then not a replay order', async (t) => {
    t.match(decideOrder(given(), command()), { kind: 'placed', order: { replay: false } });
  });
  t.test('given a product outside the lineup and not on screen, then NOT_IN_LINEUP', async (t) => {
    const outside = given({ product: { price: 1500, currency: 'EUR', stock: 10, hasVariants: false, inLineup: false } });
    t.match(decideOrder(outside, command({ onScreen: { pinnedProductId: 'other', flashSaleId: null } })), { kind: 'refused', code: 'NOT_IN_LINEUP' });
    t.equal(decideOrder(outside, command()).kind, 'placed', 'but pinned on screen it is for sale');
  });
  t.test('the show answers before the lineup: a scheduled show is not live, whatever the product', async (t) => {
    t.match(decideOrder(given({ show: { status: 'scheduled', endedAt: null }, product: { price: 1, currency: 'EUR', stock: 0, hasVariants: false, inLineup: false } }), command()), { code: 'SHOW_NOT_LIVE' });
  });
});

t.test('variants: their own price and stock', async (t) => {
  const withVariants = (variant: New['variant'], over: Partial<Omit<New, 'kind'>> = {}) => given({ product: { price: 1500, currency: 'EUR', stock: 0, hasVariants: true, inLineup: true }, variant, ...over });
  t.test('given a product with variants, when the order names none, then VARIANT_REQUIRED', async (t) => {
    t.match(decideOrder(withVariants(undefined), command()), { kind: 'refused', code: 'VARIANT_REQUIRED' });
  });
  t.test('when the order names a variant the product does not have, then VARIANT_NOT_FOUND', async (t) => {
    t.match(decideOrder(withVariants(undefined), command({ variantId: 'nope' })), { kind: 'refused', code: 'VARIANT_NOT_FOUND' });
    t.match(decideOrder(given(), command({ variantId: 'nope' })), { kind: 'refused', code: 'VARIANT_NOT_FOUND' }, 'nor one of a product without variants');
  });
  t.test('when it names one, then the variant price, and its stock is taken (not the product row)', async (t) => {
    const d = decideOrder(withVariants({ price: 1700, stock: 2 }), command({ variantId: 'v-m' }));
    t.match(d, { kind: 'placed', order: { unitPrice: 1700, total: 3400, variantId: 'v-m' }, writes: { takeStock: { productId: 'product-1', variantId: 'v-m', quantity: 2 } } });
  });
  t.test("when the variant has fewer left than asked, then SOLD_OUT, whatever the product row says", async (t) => {
    t.match(decideOrder(withVariants({ price: 1700, stock: 1 }), command({ variantId: 'v-m' })), { kind: 'refused', code: 'SOLD_OUT', message: 'sold out' });
  });
  t.test('a sale on the variant (or on all of them) sells it at the sale price', async (t) => {
    t.match(decideOrder(withVariants({ price: 1700, stock: 5 }, { sale: sale() }), command({ variantId: 'v-m' })), { kind: 'placed', order: { unitPrice: 900 }, writes: { takeSale: { saleId: 'sale-1' } } });
  });
  t.test('a coupon for another variant is refused; one for this variant applies', async (t) => {
    const forVariant = (variantId: string) => ({ appliesTo: { productId: 'product-1', variantId }, coupon: coupon(), usedByViewer: 0, claimed: true });
    t.match(decideOrder(withVariants({ price: 1000, stock: 5 }, { coupon: forVariant('v-l') }), command({ variantId: 'v-m', couponCode: 'SAVE10' })), { kind: 'refused', code: 'COUPON_INVALID', message: 'SAVE10 is for another variant' });
    t.match(decideOrder(withVariants({ price: 1000, stock: 5 }, { coupon: forVariant('v-m') }), command({ variantId: 'v-m', couponCode: 'SAVE10' })), { kind: 'placed', order: { discount: 200 } });
  });
  t.test('a coupon for another product is refused', async (t) => {
    const other = { appliesTo: { productId: 'product-2', variantId: null }, coupon: coupon(), usedByViewer: 0, claimed: true };
    t.match(decideOrder(given({ coupon: other }), command({ couponCode: 'SAVE10' })), { kind: 'refused', code: 'COUPON_INVALID', message: 'SAVE10 is for another product' });
  });
});

t.test('shipping and tax', async (t) => {
  const rules = { ...RULES, shippingFlat: { EUR: 495 }, taxPercent: 7.5 };
  t.test('given flat shipping for the currency and a tax rate, then tax on the discounted subtotal, rounded, and both in the total', async (t) => {
    // 2 x 999 = 1998, 10% off = 199 -> 1799; tax 7.5% of 1799 = 134.925 -> 135; + 495 shipping
    const d = decideOrder(given({ product: { price: 999, currency: 'EUR', stock: 10, hasVariants: false, inLineup: true }, coupon: { appliesTo: ANY, coupon: coupon(), usedByViewer: 0, claimed: true } }), command({ rules, couponCode: 'SAVE10' }));
    t.match(d, { kind: 'placed', order: { unitPrice: 999, discount: 199, shipping: 495, tax: 135, total: 1799 + 495 + 135 } });
  });
  t.test('given a currency with no flat rate, then it ships free', async (t) => {
    t.match(decideOrder(given({ product: { price: 1000, currency: 'USD', stock: 10, hasVariants: false, inLineup: true } }), command({ rules })), { kind: 'placed', order: { shipping: 0, tax: 150, total: 2150 } });
  });
  t.test('a quote says the same, and takes nothing', async (t) => {
    const q = decideQuote(given({ product: { price: 1000, currency: 'EUR', stock: 10, hasVariants: false, inLineup: true }, sale: sale() }), command({ rules }));
    t.same(q, { kind: 'quoted', quote: { currency: 'EUR', unitPrice: 900, regularPrice: 1000, quantity: 2, subtotal: 1800, discount: 0, shipping: 495, tax: 135, total: 2430, coupon: null } });
  });
  t.test('a quote is refused as the order would be', async (t) => {
    t.match(decideQuote(given({ show: { status: 'scheduled', endedAt: null } }), command()), { kind: 'refused', code: 'SHOW_NOT_LIVE' });
  });
});

t.test('holds', async (t) => {
  t.test('a card order holds its stock for holdMs, a manual one for manualHoldMs', async (t) => {
    t.match(decideOrder(given(), command({ payment: 'stripe' })), { kind: 'placed', order: { holdExpiresAt: AT + 10 * MINUTE, payment: { provider: 'stripe', reference: null } } });
    t.match(decideOrder(given(), command({ payment: 'manual' })), { kind: 'placed', order: { holdExpiresAt: AT + 4320 * MINUTE, payment: { provider: 'manual' } } });
  });
  const pending: Order = { ...CHECKOUT_FIELDS, id: 'o', showId: 'show-1', viewerId: 'viewer-1', productId: 'product-1', variantId: 'v-m', flashSaleId: 'sale-1', quantity: 2, unitPrice: 900, total: 1800, couponId: 'coupon-1', discount: 0, currency: 'EUR', status: 'pending', holdExpiresAt: AT, onScreen: { pinnedProductId: null, flashSaleId: null }, streamMs: 1, createdAt: AT - 10 * MINUTE, updatedAt: AT - 10 * MINUTE };
  t.test('given the hold ran out, when it is paid, then refused as expired (the sweep has not come by yet)', async (t) => {
    t.same(decideTransition(pending, ['pending'], 'paid', AT), { kind: 'refused', expired: true });
    t.equal(decideTransition(pending, ['pending'], 'paid', AT - 1).kind, 'moved', 'a moment before, it is paid');
  });
  t.test('given the hold ran out, when the sweep expires it, then the variant stock, the sale stock and the coupon use go back', async (t) => {
    t.same(decideTransition(pending, ['pending'], 'expired', AT), {
      kind: 'moved',
      writes: { giveStock: { productId: 'product-1', variantId: 'v-m', quantity: 2 }, giveSale: { saleId: 'sale-1', quantity: 2 }, releaseCoupon: 'coupon-1', endHold: true, event: 'order.expired' },
    });
  });
  t.test('given the hold still runs, then it does not expire', async (t) => {
    t.same(decideTransition(pending, ['pending'], 'expired', AT - 1), { kind: 'refused', expired: false });
  });
  t.test('an expired order cannot be paid, shipped or cancelled', async (t) => {
    const expired = { ...pending, status: 'expired' as const, holdExpiresAt: null };
    t.same(decideTransition(expired, ['pending'], 'paid', AT), { kind: 'refused', expired: true });
    t.same(decideTransition(expired, ['paid'], 'shipped', AT), { kind: 'refused', expired: true });
    t.same(decideTransition(expired, ['pending'], 'cancelled', AT), { kind: 'refused', expired: true });
  });
  t.test('shipping: paid -> shipped, on the timeline', async (t) => {
    t.same(decideTransition({ ...pending, status: 'paid', holdExpiresAt: null }, ['paid'], 'shipped', AT), { kind: 'moved', writes: { giveStock: null, giveSale: null, releaseCoupon: null, endHold: false, event: 'order.shipped' } });
  });
});
