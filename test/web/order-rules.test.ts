import t from 'tap';

// The orders screen's rules (src/web/assets/admin/order-rules.js), run in Node.
interface Order {
  id: string;
  showId: string;
  productId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  payment: { provider: 'manual' | 'stripe' | null; reference: string | null };
}
interface Filters {
  showId: string;
  status: string;
  productId: string;
  from: string;
  to: string;
}
interface Rules {
  NO_FILTERS: Filters;
  ordersQuery(f: Filters, page?: { limit?: number; before?: string | null }): string;
  filtersFromHash(hash: string): Filters;
  hashOf(f: Filters): string;
  matchesFilters(o: Order, f: Filters): boolean;
  mergeOrder(list: Order[], o: Order, f: Filters, complete: boolean): { list: Order[]; change: string };
  actionsFor(o: Pick<Order, 'status' | 'payment'>): string[];
  shipProblems(carrier: string, trackingNumber: string): Array<{ field: string; problem: string }>;
  streamTime(ms: number): string;
}
const rules = (await import(new URL('../../src/web/assets/admin/order-rules.js', import.meta.url).href)) as Rules;
const { NO_FILTERS } = rules;

const order = (id: string, createdAt: string, over: Partial<Order> = {}): Order => ({
  id,
  showId: 's1',
  productId: 'p1',
  status: 'pending',
  createdAt,
  updatedAt: createdAt,
  payment: { provider: 'manual', reference: null },
  ...over,
});

t.test('the filters become the query the order routes take; days are whole local days', async (t) => {
  t.equal(rules.ordersQuery(NO_FILTERS), '', 'nothing filtered: no query');
  const q = new URLSearchParams(rules.ordersQuery({ showId: 's1', status: 'paid', productId: 'p1', from: '2026-11-02', to: '2026-11-30' }, { limit: 50, before: 'abc_1' }));
  t.equal(q.get('showId'), 's1');
  t.equal(q.get('status'), 'paid');
  t.equal(q.get('productId'), 'p1');
  t.equal(q.get('from'), new Date(2026, 10, 2).toISOString(), 'from: the start of that day where the merchant is');
  t.equal(q.get('to'), new Date(new Date(2026, 11, 1).getTime() - 1).toISOString(), 'to: the last millisecond of that day, so the day is in');
  t.equal(q.get('limit'), '50');
  t.equal(q.get('before'), 'abc_1');
  t.equal(rules.ordersQuery({ ...NO_FILTERS, from: 'yesterday', to: '2026-13-45x' }), '', 'a day that is not a day is left out');
});

t.test('the hash keeps the filters and refuses what is not one', async (t) => {
  const f = { showId: 's1', status: 'shipped', productId: '', from: '2026-11-30', to: '' };
  t.equal(rules.hashOf(f), '#/orders?showId=s1&status=shipped&from=2026-11-30');
  t.same(rules.filtersFromHash(rules.hashOf(f)), f);
  t.equal(rules.hashOf(NO_FILTERS), '#/orders');
  t.same(rules.filtersFromHash('#/orders?status=stolen&from=soon'), NO_FILTERS, 'an unknown status or day is no filter');
});

t.test('a pushed order joins the list in its place, or updates its row, or stays out', async (t) => {
  const a = order('a', '2026-11-30T03:00:00.000Z');
  const b = order('b', '2026-11-30T02:00:00.000Z');
  const list = [a, b];
  const c = order('c', '2026-11-30T03:05:00.000Z');
  t.same(rules.mergeOrder(list, c, NO_FILTERS, false).list.map((o) => o.id), ['c', 'a', 'b'], 'a new order goes on top');
  t.equal(rules.mergeOrder(list, c, NO_FILTERS, false).change, 'added');
  const paid = { ...b, status: 'paid', updatedAt: '2026-11-30T03:06:00.000Z' };
  const updated = rules.mergeOrder(list, paid, NO_FILTERS, false);
  t.equal(updated.change, 'updated');
  t.same(updated.list.map((o) => [o.id, o.status]), [['a', 'pending'], ['b', 'paid']], 'a status change replaces the row where it is');
  t.equal(rules.mergeOrder(updated.list, b, NO_FILTERS, false).change, 'none', 'a late push never undoes a newer state');
  t.equal(rules.mergeOrder(updated.list, paid, NO_FILTERS, false).change, 'none', 'the same state again is no change');
  t.equal(rules.mergeOrder(list, c, { ...NO_FILTERS, status: 'paid' }, false).change, 'none', 'a pending order stays out of the paid list');
  t.equal(rules.mergeOrder(list, c, { ...NO_FILTERS, showId: 's2' }, false).change, 'none', 'another show stays out');
  const old = order('old', '2026-11-29T01:00:00.000Z');
  t.equal(rules.mergeOrder(list, old, NO_FILTERS, false).change, 'none', 'older than the pages loaded: it is on a page not loaded yet');
  t.same(rules.mergeOrder(list, old, NO_FILTERS, true).list.map((o) => o.id), ['a', 'b', 'old'], 'every page loaded: it joins at the end');
  const between = order('m', '2026-11-30T02:30:00.000Z', { status: 'paid' });
  t.same(rules.mergeOrder(list, between, NO_FILTERS, false).list.map((o) => o.id), ['a', 'm', 'b'], 'newest first, by time');
  t.equal(rules.matchesFilters(c, { ...NO_FILTERS, to: '2026-11-29' }), false, 'after the last day');
});

t.test('what a merchant may do in each state', async (t) => {
  const manual = { provider: 'manual' as const, reference: null };
  const stripe = { provider: 'stripe' as const, reference: 'pi_1' };
  t.same(rules.actionsFor({ status: 'pending', payment: manual }), ['mark-paid', 'cancel']);
  t.same(rules.actionsFor({ status: 'pending', payment: stripe }), ['cancel'], 'a Stripe order turns paid only from Stripe');
  t.same(rules.actionsFor({ status: 'paid', payment: stripe }), ['ship', 'refund']);
  t.same(rules.actionsFor({ status: 'shipped', payment: manual }), ['refund']);
  for (const status of ['cancelled', 'expired', 'refunded']) t.same(rules.actionsFor({ status, payment: manual }), [], status);
});

t.test('the ship form says what is wrong, per field, in words', async (t) => {
  t.same(rules.shipProblems(' DHL ', ' JJD0001 2345/67 '), []);
  t.same(rules.shipProblems('', '').map((p) => p.field), ['carrier', 'trackingNumber']);
  t.match(rules.shipProblems('DHL', '<script>')[0], { field: 'trackingNumber', problem: /letters, digits/ });
  t.match(rules.shipProblems('x'.repeat(61), '1')[0], { field: 'carrier', problem: 'at most 60 characters' });
  t.match(rules.shipProblems('DHL', '1'.repeat(101))[0], { field: 'trackingNumber', problem: 'at most 100 characters' });
});

t.test('stream time reads like a clock', async (t) => {
  t.equal(rules.streamTime(42_000), '0:42');
  t.equal(rules.streamTime(725_999), '12:05');
  t.equal(rules.streamTime(3_729_000), '1:02:09');
  t.equal(rules.streamTime(-5), '0:00');
});
