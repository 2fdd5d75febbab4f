// The rules of a new friend, given/when/then: decideJoin's ordered rule list, the attribution of
// a viewer to the code that brought them, the address grouping and the in-memory hourly window.
import t from 'tap';
import { AddressWindow, addressKey, attributionOf, decideJoin, type JoinFacts, type RefFound } from '../../src/reach/referrals.js';

const code: RefFound = { kind: 'code', code: 'abcdefghjk', showId: 'show1', referrerId: 'ana' };
/** a friend's first visit through Ana's link, on a browser never seen, from a quiet address */
const given = (over: Partial<JoinFacts> = {}): JoinFacts => ({
  showId: 'show1',
  ref: code,
  deviceSeen: false,
  deviceCounted: false,
  referrersDevice: false,
  joinerId: null,
  joinerSeen: false,
  newFromAddress: 0,
  capPerAddress: 5,
  ...over,
});

t.test('decideJoin: who counts as a new friend', async (t) => {
  const cases: Array<[string, Partial<JoinFacts>, ReturnType<typeof decideJoin>]> = [
    ['a browser never seen, through a link, no name yet', {}, { counted: true }],
    ['the same, with a brand-new viewer of no history', { joinerId: 'bo' }, { counted: true }],
    ['a visit without a link', { ref: { kind: 'none' } }, { counted: false, reason: 'no-link' }],
    ['a code nobody has', { ref: { kind: 'unknown' } }, { counted: false, reason: 'unknown-code' }],
    ["another show's code", { ref: { ...code, showId: 'show2' } }, { counted: false, reason: 'other-show' }],
    ['the referrer opening their own link, signed in', { joinerId: 'ana' }, { counted: false, reason: 'own-link' }],
    ["the referrer's own browser, signed out (a private window keeps no cookie: see the README)", { referrersDevice: true }, { counted: false, reason: 'referrer-device' }],
    ['a browser that already counted for someone', { deviceSeen: true, deviceCounted: true }, { counted: false, reason: 'already-counted' }],
    ['a browser seen before (a plain visit earlier)', { deviceSeen: true }, { counted: false, reason: 'device-seen' }],
    ['a viewer with history here, on a new browser', { joinerId: 'old', joinerSeen: true }, { counted: false, reason: 'viewer-seen' }],
    ["the address's hour is full", { newFromAddress: 5 }, { counted: false, reason: 'address-cap' }],
    ['one under the cap still counts', { newFromAddress: 4 }, { counted: true }],
  ];
  for (const [when, facts, then] of cases) t.same(decideJoin(given(facts)), then, when);
});

t.test('decideJoin: the rules are asked in order (the first refusal names the reason)', async (t) => {
  t.same(decideJoin(given({ joinerId: 'ana', referrersDevice: true, deviceSeen: true })), { counted: false, reason: 'own-link' });
  t.same(decideJoin(given({ referrersDevice: true, deviceSeen: true, deviceCounted: true })), { counted: false, reason: 'referrer-device' });
  t.same(decideJoin(given({ deviceSeen: true, joinerId: 'x', joinerSeen: true, newFromAddress: 99 })), { counted: false, reason: 'device-seen' });
  t.same(decideJoin(given({ joinerId: 'x', joinerSeen: true, newFromAddress: 99 })), { counted: false, reason: 'viewer-seen' });
  t.same(decideJoin(given({ ref: { kind: 'unknown' }, deviceSeen: true })), { counted: false, reason: 'unknown-code' });
});

t.test('attributionOf: the first code that brought a named viewer, never their own', async (t) => {
  const base = { showId: 'show1', joinerId: 'bo', alreadyAttributed: false, ref: code, verdict: { counted: true } as const, earlierOnDevice: null };
  t.equal(attributionOf(base), 'abcdefghjk', 'a named friend through the link');
  t.equal(attributionOf({ ...base, verdict: { counted: false, reason: 'device-seen' } }), 'abcdefghjk', 'a known browser is not a new friend, but the link still brought the viewer');
  t.equal(attributionOf({ ...base, joinerId: null }), null, 'nobody named: nothing to attribute yet');
  t.equal(attributionOf({ ...base, alreadyAttributed: true }), null, 'first touch: a second link changes nothing');
  t.equal(attributionOf({ ...base, joinerId: 'ana', verdict: { counted: false, reason: 'own-link' } }), null, 'the referrer is not brought by their own link');
  t.equal(attributionOf({ ...base, verdict: { counted: false, reason: 'referrer-device' } }), null, "someone else signed in on the referrer's browser");
  t.equal(attributionOf({ ...base, ref: { kind: 'code', code: 'zzzzzzzzzz', showId: 'show2', referrerId: 'cy' }, verdict: { counted: false, reason: 'other-show' } }), null, "another show's code");
  const later = { ...base, ref: { kind: 'none' } as const, verdict: { counted: false, reason: 'no-link' } as const };
  t.equal(attributionOf({ ...later, earlierOnDevice: { code: 'abcdefghjk', referrerId: 'ana' } }), 'abcdefghjk', 'named later, on the browser that came through the link');
  t.equal(attributionOf({ ...later, joinerId: 'ana', earlierOnDevice: { code: 'abcdefghjk', referrerId: 'ana' } }), null, 'not to their own code');
  t.equal(attributionOf(later), null, 'a plain visit of a browser no link brought');
});

t.test('addressKey: one IPv4 address, or an IPv6 /64', async (t) => {
  t.equal(addressKey('203.0.113.7'), '203.0.113.7');
  t.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7', 'IPv4-mapped is the IPv4 address');
  t.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:1:2:3'), 'one /64');
  t.not(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'), 'another /64');
  t.equal(addressKey('2001:0db8:0001:0002:0:0:0:1'), addressKey('2001:db8:1:2::9'), 'leading zeros do not matter');
  t.equal(addressKey('::1'), '0:0:0:0::/64');
});

t.test('AddressWindow: a sliding hour, bounded', async (t) => {
  const w = new AddressWindow(3_600_000, 4);
  w.add('a', 0);
  w.add('a', 1_000);
  t.equal(w.count('a', 2_000), 2);
  t.equal(w.count('a', 3_600_500), 1, 'the first left the hour');
  t.equal(w.count('a', 3_601_001), 0);
  t.equal(w.count('b', 0), 0);
  for (const k of ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']) w.add(k, 10_000_000);
  t.ok(['k5', 'k6'].every((k) => w.count(k, 10_000_000) === 1), 'the newest keys are kept when it is full');
});
