import t from 'tap';
import { EventBus } from '../../src/domain/events.js';
import { LiveNowIndex, type LiveNowSources } from '../../src/reach/live-now.js';

interface FakeProduct {
  id: string;
  sku: string;
  variants: Array<{ sku: string }>;
}

/** The index's sources as plain maps: the tests move them and tell the bus, as the services do. */
function world() {
  const shows = new Map<string, { id: string; title: string }>();
  const lineups = new Map<string, string[]>();
  const products = new Map<string, FakeProduct>();
  const pinned = new Map<string, string | null>();
  const live = new Set<string>();
  const sources: LiveNowSources = {
    liveShowIds: () => [...live],
    show: (id) => shows.get(id),
    lineup: (id) => lineups.get(id) ?? [],
    product: (id) => products.get(id),
    pinnedProductId: (id) => pinned.get(id) ?? null,
  };
  const bus = new EventBus((err) => {
    throw err;
  });
  return { shows, lineups, products, pinned, live, sources, bus };
}

const URL_BASE = 'https://hawker.example';

t.test('only SKUs of live shows: a rehearsal or a scheduled show is not live; an ended one leaves', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'TEE', variants: [{ sku: 'TEE-S' }, { sku: 'TEE-M' }] });
  w.products.set('p2', { id: 'p2', sku: 'MUG', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'Linen week' });
  w.shows.set('s2', { id: 's2', title: 'Rehearsing' });
  w.lineups.set('s1', ['p1']);
  w.lineups.set('s2', ['p2']);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  t.same(index.lookup(['TEE', 'MUG']), {}, 'nothing live yet (s2 rehearses: no show.live)');

  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  t.same(Object.keys(index.lookup(['TEE', 'TEE-S', 'TEE-M', 'MUG', 'NOPE'])).sort(), ['TEE', 'TEE-M', 'TEE-S'], 'the product SKU and every variant SKU');
  t.same(index.lookup(['TEE-M'])['TEE-M'], {
    showId: 's1',
    title: 'Linen week',
    productId: 'p1',
    onScreen: false,
    watchUrl: `${URL_BASE}/watch/s1`,
    playerUrl: `${URL_BASE}/watch/s1?embed=mini&product=p1`,
  });
  t.same(JSON.parse(index.json(['TEE', 'NOPE', 'TEE'])), { items: { TEE: index.lookup(['TEE']).TEE } }, 'the JSON answer: each SKU once, unknown ones out');
  t.equal(index.json([]), '{"items":{}}');

  w.bus.emit({ type: 'show.ended', showId: 's1', at: 2 });
  t.same(index.lookup(['TEE', 'TEE-S']), {}, 'ended: gone');
  t.equal(index.size, 0);
});

t.test('shows live at start are indexed without an event', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'A1', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'Crash survivor' });
  w.lineups.set('s1', ['p1']);
  w.live.add('s1');
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  t.equal(index.lookup(['A1']).A1?.showId, 's1');
});

t.test('onScreen follows the pin; lineup changes add and remove SKUs', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'A1', variants: [{ sku: 'A1-RED' }] });
  w.products.set('p2', { id: 'p2', sku: 'B2', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'Show' });
  w.lineups.set('s1', ['p1']);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });

  w.pinned.set('s1', 'p1');
  w.bus.emit({ type: 'overlay.changed', showId: 's1', change: { change: 'pin', productId: 'p1' }, programDateTime: null, at: 2 });
  t.equal(index.lookup(['A1']).A1?.onScreen, true, 'pinned: on screen');
  t.equal(index.lookup(['A1-RED'])['A1-RED']?.onScreen, true, 'its variants too');
  t.match(index.json(['A1']), /"onScreen":true/, 'the JSON fragments are rebuilt');

  // pinning a product outside the lineup puts it in (lineup.changed), then it is on screen
  w.lineups.set('s1', ['p1', 'p2']);
  w.bus.emit({ type: 'lineup.changed', showId: 's1', at: 3 });
  w.pinned.set('s1', 'p2');
  w.bus.emit({ type: 'overlay.changed', showId: 's1', change: { change: 'pin', productId: 'p2' }, programDateTime: null, at: 4 });
  t.equal(index.lookup(['A1']).A1?.onScreen, false, 'unpinned when another is pinned');
  t.equal(index.lookup(['B2']).B2?.onScreen, true);

  w.lineups.set('s1', ['p2']);
  w.bus.emit({ type: 'lineup.changed', showId: 's1', at: 5 });
  t.same(Object.keys(index.lookup(['A1', 'A1-RED', 'B2'])), ['B2'], 'taken out of the lineup: no longer live');

  w.pinned.set('s1', null);
  w.bus.emit({ type: 'overlay.changed', showId: 's1', change: { change: 'unpin' }, programDateTime: null, at: 6 });
  t.equal(index.lookup(['B2']).B2?.onScreen, false, 'unpinned');
});

t.test('a lineup change of a show that is not live indexes nothing', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'A1', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'Later' });
  w.lineups.set('s1', ['p1']);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  w.bus.emit({ type: 'lineup.changed', showId: 's1', at: 1 });
  w.bus.emit({ type: 'overlay.changed', showId: 's1', change: { change: 'unpin' }, programDateTime: null, at: 2 });
  t.same(index.lookup(['A1']), {});
});

t.test('products.changed: a new variant SKU, a renamed SKU and a deleted product', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'A1', variants: [] });
  w.products.set('p2', { id: 'p2', sku: 'B2', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'Show' });
  w.lineups.set('s1', ['p1', 'p2']);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });

  w.products.set('p1', { id: 'p1', sku: 'A1-NEW', variants: [{ sku: 'A1-XL' }] });
  w.bus.emit({ type: 'products.changed', productIds: ['p1'], at: 2 });
  t.same(Object.keys(index.lookup(['A1', 'A1-NEW', 'A1-XL'])).sort(), ['A1-NEW', 'A1-XL'], 'the old SKU is gone, the new ones are live');

  w.products.delete('p2');
  w.bus.emit({ type: 'products.changed', productIds: ['p2'], at: 3 });
  t.same(index.lookup(['B2']), {}, 'a deleted product drops out');
});

t.test('one SKU in two live shows: the show with it on screen wins, else the one live last', async (t) => {
  const w = world();
  w.products.set('p1', { id: 'p1', sku: 'A1', variants: [] });
  w.shows.set('s1', { id: 's1', title: 'First' });
  w.shows.set('s2', { id: 's2', title: 'Second' });
  w.lineups.set('s1', ['p1']);
  w.lineups.set('s2', ['p1']);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  w.bus.emit({ type: 'show.live', showId: 's2', at: 2 });
  t.equal(index.lookup(['A1']).A1?.showId, 's2', 'the later show');
  w.pinned.set('s1', 'p1');
  w.bus.emit({ type: 'overlay.changed', showId: 's1', change: { change: 'pin', productId: 'p1' }, programDateTime: null, at: 3 });
  t.equal(index.lookup(['A1']).A1?.showId, 's1', 'the show that has it on screen');
  w.bus.emit({ type: 'show.ended', showId: 's1', at: 4 });
  t.equal(index.lookup(['A1']).A1?.showId, 's2', 'back to the other when it ends');
});

t.test('a source that throws leaves the show out and is reported, never thrown to the bus', async (t) => {
  const w = world();
  const reported: string[] = [];
  w.shows.set('s1', { id: 's1', title: 'Broken' });
  const index = new LiveNowIndex({ ...w.sources, lineup: () => { throw new Error('disk I/O error'); } }, URL_BASE, (_err, showId) => reported.push(showId));
  index.start(w.bus);
  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  t.same(reported, ['s1']);
  t.equal(index.size, 0);
});

t.test('a lookup of 1,000 SKUs costs microseconds', async (t) => {
  const w = world();
  const lineup: string[] = [];
  for (let i = 0; i < 200; i++) {
    w.products.set(`p${i}`, { id: `p${i}`, sku: `SKU-${i}`, variants: [{ sku: `SKU-${i}-S` }, { sku: `SKU-${i}-M` }] });
    lineup.push(`p${i}`);
  }
  w.shows.set('s1', { id: 's1', title: 'Big show' });
  w.lineups.set('s1', lineup);
  const index = new LiveNowIndex(w.sources, URL_BASE);
  index.start(w.bus);
  w.bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  const asked = Array.from({ length: 1000 }, (_, i) => (i % 20 === 0 ? `SKU-${i / 20}` : `OTHER-${i}`));
  for (let i = 0; i < 200; i++) index.json(asked); // warm up
  const rounds = 2000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) index.json(asked);
  const perCallUs = Number(process.hrtime.bigint() - start) / rounds / 1000;
  t.equal(Object.keys(JSON.parse(index.json(asked)).items).length, 50);
  // ~30-60 µs here; the bound is loose so a loaded machine does not fail it
  t.ok(perCallUs < 1000, `1,000 SKUs in ${perCallUs.toFixed(1)} µs`);
});
