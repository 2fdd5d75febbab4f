import t from 'tap';
import { enqueueShowWebhooks } from '../../src/commerce/show-webhooks.js';
import type { CouponCentreEntry } from '../../src/domain/coupon.js';
import { EventBus } from '../../src/domain/events.js';
import type { Order, WebhookEventType } from '../../src/domain/order.js';
import type { FlashSale } from '../../src/domain/overlay.js';
import { notifyAudience } from '../../src/realtime/notifier.js';
import { emptyOverlay } from '../helpers/live-hub.js';
import { FakeBroadcaster } from '../helpers/fake-audience.js';

/** Each domain event -> the exact wire message viewers get, through a fake broadcaster. */
function setup() {
  const bus = new EventBus((err) => {
    throw err;
  });
  const out = new FakeBroadcaster();
  const sales = new Map<string, FlashSale>();
  // a pinned product and a running sale, times in ms as the overlays keep them
  const onScreen = (showId: string) => ({
    ...emptyOverlay(showId),
    pinnedProduct: { id: 'p1', title: 'Mug', price: 500, currency: 'EUR' },
    flashSale: { id: 'fs1', showId, productId: 'p1', variantId: null, price: 300, quantity: 10, remaining: 9, perCustomerLimit: null, startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2026, 0, 1, 0, 5), createdAt: 0, secondsLeft: 300 },
  });
  notifyAudience(bus, { out, overlayView: onScreen, flashSale: (id) => sales.get(id), lineupState: () => ({ items: [], sale: null }), openShows: () => [], lists: () => false, hostWatching: () => false, orderDetail: () => { throw new Error('no detail read without a host'); } });
  return { bus, out, sales };
}

const order = (over: Partial<Order> = {}): Order => ({
  id: 'o1',
  showId: 'show1',
  viewerId: 'v1',
  productId: 'p1',
  variantId: null,
  flashSaleId: null,
  quantity: 1,
  unitPrice: 500,
  total: 500,
  couponId: null,
  discount: 0,
  shipping: 0,
  tax: 0,
  currency: 'EUR',
  status: 'pending',
  replay: false,
  holdExpiresAt: 600_001,
  payment: { provider: 'manual', reference: null },
  contact: null,
  shippingAddress: null,
  carrier: null,
  trackingNumber: null,
  paidAt: null,
  shippedAt: null,
  onScreen: { pinnedProductId: 'p1', flashSaleId: null },
  streamMs: null,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

t.test('overlay.changed -> an overlay message with the view (in its wire form: sale times as ISO), the PDT and the time as ISO', async (t) => {
  const { bus, out } = setup();
  bus.emit({ type: 'overlay.changed', showId: 'show1', change: { change: 'pin', productId: 'p1' }, programDateTime: '2026-01-01T00:00:00.500Z', at: Date.UTC(2026, 0, 1) });
  t.same(out.sent, [
    {
      showId: 'show1',
      message: {
        type: 'overlay',
        change: { change: 'pin', productId: 'p1' },
        overlay: {
          showId: 'show1',
          state: { pinnedProductId: null, flashSaleId: null, announcement: null, qr: false, hidden: false, theme: {}, poll: null },
          pinnedProduct: { id: 'p1', title: 'Mug', price: 500, currency: 'EUR' },
          flashSale: { id: 'fs1', productId: 'p1', variantId: null, price: 300, quantity: 10, remaining: 9, perCustomerLimit: null, startsAt: '2026-01-01T00:00:00.000Z', endsAt: '2026-01-01T00:05:00.000Z', secondsLeft: 300 },
          layout: null,
        },
        programDateTime: '2026-01-01T00:00:00.500Z',
        at: '2026-01-01T00:00:00.000Z',
      },
    },
  ]);
});

t.test('show.live and show.ended -> a show message with the status', async (t) => {
  const { bus, out } = setup();
  bus.emit({ type: 'show.live', showId: 'show1', at: 1 });
  bus.emit({ type: 'show.ended', showId: 'show1', at: 2 });
  t.same(out.sent, [
    { showId: 'show1', message: { type: 'show', status: 'live' } },
    { showId: 'show1', message: { type: 'show', status: 'ended' } },
  ]);
});

t.test('coupon.unlocked -> to that viewer only, the expiry as ISO', async (t) => {
  const { bus, out } = setup();
  const coupon: CouponCentreEntry = { id: 'c1', code: 'HELLO', kind: 'percent', amount: 10, currency: null, expiresAt: Date.UTC(2026, 0, 2), liveOnly: true, minLevel: 0, unlock: 'chat', progress: null, state: 'available' };
  bus.emit({ type: 'coupon.unlocked', showId: 'show1', viewerId: 'v1', coupon });
  t.same(out.sent, []);
  t.same(out.toViewer, [{ showId: 'show1', viewerId: 'v1', message: { type: 'coupon.unlocked', coupon: { ...coupon, expiresAt: '2026-01-02T00:00:00.000Z' } } }]);
});

t.test('clip.ready -> a clip message to the show\'s room, the clip as the maker told it', async (t) => {
  const { bus, out } = setup();
  const clip = { id: 'c1', showId: 'show1', productId: 'p1', startMs: 2000, endMs: 10_000, status: 'ready' as const, durationMs: 8000, url: 'https://x/hls/show1/clips/c1.m3u8', mp4Url: 'https://x/hls/show1/clips/c1.mp4', posterUrl: 'https://x/hls/show1/clips/c1.jpg', createdAt: '2026-01-01T00:00:00.000Z', readyAt: '2026-01-01T00:00:05.000Z' };
  bus.emit({ type: 'clip.ready', showId: 'show1', clip });
  t.same(out.sent, [{ showId: 'show1', message: { type: 'clip', clip } }]);
});

t.test('order.placed in a flash sale -> the latest flash_sale message, built when it leaves', async (t) => {
  const { bus, out, sales } = setup();
  bus.emit({ type: 'order.placed', order: order() });
  t.equal(out.latest.size, 0, 'no flash sale, no message');
  const sale: FlashSale = { id: 'fs1', showId: 'show1', productId: 'p1', variantId: null, price: 300, quantity: 10, remaining: 9, perCustomerLimit: null, startsAt: 0, endsAt: Date.UTC(2026, 0, 1, 0, 5), createdAt: 0 };
  bus.emit({ type: 'order.placed', order: order({ flashSaleId: 'fs1' }) });
  const build = out.latest.get('show1:sale:fs1');
  t.ok(build, 'keyed by the sale: a burst of orders sends one message per tick');
  t.equal(build!(), null, 'a sale that is gone sends nothing');
  sales.set('fs1', sale);
  t.same(build!(), { type: 'flash_sale', sale: { id: 'fs1', productId: 'p1', variantId: null, price: 300, quantity: 10, remaining: 9, endsAt: '2026-01-01T00:05:00.000Z' } });
  sales.set('fs1', { ...sale, remaining: 4 });
  t.match(build!(), { sale: { remaining: 4 } }, 'the stock as it is when the message leaves');
});

t.test('show events -> webhook rows, after the viewers are told', async (t) => {
  const bus = new EventBus((err) => {
    throw err;
  });
  const calls: string[] = [];
  const out = new FakeBroadcaster();
  const publish = out.publish.bind(out);
  out.publish = (showId, message) => {
    calls.push(`socket ${message.type}`);
    publish(showId, message);
  };
  notifyAudience(bus, { out, overlayView: emptyOverlay, flashSale: () => undefined, lineupState: () => ({ items: [], sale: null }), openShows: () => [], lists: () => false, hostWatching: () => false, orderDetail: () => { throw new Error('no detail read without a host'); } });
  const rows: Array<[WebhookEventType, Record<string, unknown>, number]> = [];
  enqueueShowWebhooks(bus, {
    enqueue: (type, payload, at) => {
      rows.push([type, payload, at]);
      calls.push(`webhook ${type}`);
    },
  });
  bus.emit({ type: 'show.live', showId: 'show1', at: 10 });
  bus.emit({ type: 'show.ended', showId: 'show1', at: 20 });
  t.same(rows, [
    ['show.started', { showId: 'show1' }, 10],
    ['show.ended', { showId: 'show1' }, 20],
  ]);
  t.same(calls, ['socket show', 'webhook show.started', 'socket show', 'webhook show.ended']);
});

t.test('the host drops and comes back: viewers see waiting for the host, then live', async (t) => {
  const { bus, out } = setup();
  bus.emit({ type: 'show.host', showId: 'show1', present: false, at: 1 });
  bus.emit({ type: 'show.host', showId: 'show1', present: true, at: 2 });
  t.same(out.sent, [
    { showId: 'show1', message: { type: 'show', status: 'waiting' } },
    { showId: 'show1', message: { type: 'show', status: 'live' } },
  ]);
});

t.test("the phase and the source go to the host's sockets only: a rehearsal stays invisible to viewers", async (t) => {
  const { bus, out } = setup();
  bus.emit({ type: 'show.phase', showId: 'show1', phase: 'rehearsal', at: 1 });
  bus.emit({ type: 'show.source', showId: 'show1', source: null, refused: 'Hawker cannot transcode this stream: no video', at: 2 });
  bus.emit({ type: 'show.source', showId: 'show1', source: { width: 720, height: 1280, fps: 30, audio: true }, refused: null, at: 3 });
  t.same(out.sent, [], 'nothing for everyone');
  t.same(out.latest.size, 0);
  t.same(out.toHost, [
    { showId: 'show1', message: { type: 'phase', phase: 'rehearsal' } },
    { showId: 'show1', message: { type: 'source', source: null, refused: 'Hawker cannot transcode this stream: no video' } },
    { showId: 'show1', message: { type: 'source', source: { width: 720, height: 1280, fps: 30, audio: true }, refused: null } },
  ]);
});

t.test('prices and stock: each change pushes the lineup state to the shows that list the product, built when it leaves', async (t) => {
  const bus = new EventBus((err) => {
    throw err;
  });
  const out = new FakeBroadcaster();
  const lineups: Record<string, string[]> = { show1: ['p1'], show2: ['p2'], show3: ['p1', 'p2'] };
  let stock = 5;
  notifyAudience(bus, {
    out,
    overlayView: emptyOverlay,
    flashSale: () => undefined,
    lineupState: (showId) => ({ items: lineups[showId]!.map((id) => ({ id, title: id, description: '', price: 1000, currency: 'EUR', compareAtPrice: null, stock, imageUrl: null, thumbUrl: null, priceNow: 1000, stockLeft: stock, saleId: null, options: [], variants: [] })), sale: null }),
    // show3 has nobody connected on this node
    openShows: () => ['show1', 'show2'],
    lists: (showId, productId) => lineups[showId]!.includes(productId),
    hostWatching: () => false,
    orderDetail: () => {
      throw new Error('no detail read without a host');
    },
  });
  const pushed = () => [...out.latest.keys()].filter((k) => k.endsWith(':lineup')).sort();
  bus.emit({ type: 'order.placed', order: order() });
  t.same(pushed(), ['show1:lineup'], 'an order of p1 reaches the open shows that list p1');
  stock = 4;
  t.match(out.latest.get('show1:lineup')!(), { type: 'lineup', items: [{ id: 'p1', stockLeft: 4 }] }, 'the stock as it is when the message leaves');
  out.latest.clear();
  bus.emit({ type: 'order.cancelled', order: order({ productId: 'p2' }) });
  t.same(pushed(), ['show2:lineup'], 'a cancellation gives stock back where p2 is listed');
  out.latest.clear();
  bus.emit({ type: 'products.changed', productIds: ['p1', 'p2'], at: 1 });
  t.same(pushed(), ['show1:lineup', 'show2:lineup'], 'an edit reaches every show listing one of the products');
  out.latest.clear();
  bus.emit({ type: 'lineup.changed', showId: 'show2', at: 1 });
  t.same(pushed(), ['show2:lineup'], 'a lineup change');
  out.latest.clear();
  bus.emit({ type: 'overlay.changed', showId: 'show1', change: { change: 'flash_sale.ended', flashSaleId: 'fs1', reason: 'sold out' }, programDateTime: null, at: 1 });
  t.same(pushed(), ['show1:lineup'], 'a sale starting or ending changes the price in force');
  t.equal(out.sent.at(-1)?.message.type, 'overlay', 'and the overlay message goes out as before');
  out.latest.clear();
  bus.emit({ type: 'overlay.changed', showId: 'show1', change: { change: 'qr', enabled: true }, programDateTime: null, at: 1 });
  t.same(pushed(), [], 'other overlay changes do not touch prices');
});
