import t from 'tap';
import { EventBus, type DomainEvent } from '../../src/domain/events.js';

/** The in-process bus: typed dispatch by event type, registration order, errors contained. */
t.test('a handler gets only the events of its type, typed by it', async (t) => {
  const bus = new EventBus(() => t.fail('no subscriber throws'));
  const live: string[] = [];
  const ended: number[] = [];
  bus.on('show.live', (e) => live.push(e.showId));
  bus.on('show.ended', (e) => ended.push(e.at));
  bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  bus.emit({ type: 'show.ended', showId: 's1', at: 2 });
  bus.emit({ type: 'coupon.unlocked', showId: 's1', viewerId: 'v1', coupon: { id: 'c', code: 'X', kind: 'fixed', amount: 1, currency: 'EUR', expiresAt: null, liveOnly: false, minLevel: 0, unlock: 'chat', progress: null, state: 'available' } });
  t.same(live, ['s1']);
  t.same(ended, [2]);
});

t.test('an event nobody listens to is fine', async (t) => {
  const bus = new EventBus(() => t.fail('nothing to report'));
  t.doesNotThrow(() => bus.emit({ type: 'show.live', showId: 's1', at: 1 }));
});

t.test('subscribers run in the order they subscribed', async (t) => {
  const bus = new EventBus(() => t.fail('no subscriber throws'));
  const calls: string[] = [];
  bus.on('show.live', () => calls.push('viewers'));
  bus.on('show.live', () => calls.push('webhook'));
  bus.on('show.live', () => calls.push('stats'));
  bus.emit({ type: 'show.live', showId: 's1', at: 1 });
  t.same(calls, ['viewers', 'webhook', 'stats']);
});

t.test('a throwing subscriber is reported; the others still run and emit does not throw', async (t) => {
  const reported: Array<{ err: unknown; event: DomainEvent }> = [];
  const bus = new EventBus((err, event) => reported.push({ err, event }));
  const calls: string[] = [];
  const boom = new Error('disk full');
  bus.on('show.ended', () => calls.push('first'));
  bus.on('show.ended', () => {
    throw boom;
  });
  bus.on('show.ended', () => calls.push('third'));
  const event: DomainEvent = { type: 'show.ended', showId: 's1', at: 7 };
  t.doesNotThrow(() => bus.emit(event));
  t.same(calls, ['first', 'third']);
  t.equal(reported.length, 1);
  t.equal(reported[0]!.err, boom);
  t.same(reported[0]!.event, event);
});

t.test('an error report that throws itself does not reach the producer', async (t) => {
  const bus = new EventBus(() => {
    throw new Error('logger broken');
  });
  const calls: string[] = [];
  bus.on('show.live', () => {
    throw new Error('subscriber broken');
  });
  bus.on('show.live', () => calls.push('after'));
  t.doesNotThrow(() => bus.emit({ type: 'show.live', showId: 's1', at: 1 }));
  t.same(calls, ['after']);
});

t.test('events are plain data: they survive a JSON round trip (a Redis or NATS adapter)', async (t) => {
  const bus = new EventBus(() => t.fail('no subscriber throws'));
  const seen: DomainEvent[] = [];
  bus.on('overlay.changed', (e) => seen.push(e));
  const event: DomainEvent = { type: 'overlay.changed', showId: 's1', change: { change: 'pin', productId: 'p1' }, programDateTime: null, at: 3 };
  bus.emit(JSON.parse(JSON.stringify(event)) as DomainEvent);
  t.same(seen, [event]);
});

t.test('commit: the writes and the transactional subscribers in one unit; the others told after it', async (t) => {
  const bus = new EventBus(() => t.fail('no after-commit subscriber throws'));
  const calls: string[] = [];
  bus.on('show.live', () => calls.push('viewers'));
  bus.inTransaction('show.live', () => calls.push('outbox'));
  const unit = <T>(fn: () => T): T => {
    calls.push('begin');
    const result = fn();
    calls.push('commit');
    return result;
  };
  bus.commit({ type: 'show.live', showId: 's1', at: 1 }, unit, () => calls.push('status'));
  t.same(calls, ['begin', 'status', 'outbox', 'commit', 'viewers']);
});

t.test('commit: a transactional subscriber that throws reaches the producer, and nobody is told', async (t) => {
  const bus = new EventBus(() => t.fail('not reported: the producer gets it'));
  const calls: string[] = [];
  bus.on('show.live', () => calls.push('viewers'));
  bus.inTransaction('show.live', () => {
    throw new Error('outbox refused');
  });
  const unit = <T>(fn: () => T): T => fn();
  t.throws(() => bus.commit({ type: 'show.live', showId: 's1', at: 1 }, unit, () => calls.push('status')), /outbox refused/);
  t.same(calls, ['status'], 'the after-commit subscribers were not told');
});

t.test('emit: the after-commit subscribers first, then the transactional ones, each contained', async (t) => {
  const reported: unknown[] = [];
  const bus = new EventBus((err) => reported.push(err));
  const calls: string[] = [];
  bus.inTransaction('show.live', () => {
    calls.push('outbox');
    throw new Error('disk full');
  });
  bus.on('show.live', () => calls.push('viewers'));
  t.doesNotThrow(() => bus.emit({ type: 'show.live', showId: 's1', at: 1 }));
  t.same(calls, ['viewers', 'outbox']);
  t.equal(reported.length, 1);
});
