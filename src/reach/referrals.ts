import { createHash, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { HawkerError } from '../domain/errors.js';
import type { ShowRepository } from '../domain/ports.js';
import type { JoinRefusal, ReferralFigures } from '../domain/referral.js';

export type { JoinRefusal };

/** the code a join carried, as found in the store */
export type RefFound = { kind: 'none' } | { kind: 'unknown' } | { kind: 'code'; code: string; showId: string; referrerId: string };

/** What is known when a page loads: everything decideJoin looks at, read in one transaction. */
export interface JoinFacts {
  showId: string;
  ref: RefFound;
  /** the cookie named a device this merchant had seen before this join */
  deviceSeen: boolean;
  /** this device already counted as a new friend, for anyone */
  deviceCounted: boolean;
  /** the referrer presented their own token from this device */
  referrersDevice: boolean;
  /** the viewer whose token came with the join, if any */
  joinerId: string | null;
  /** that viewer was seen before: on another device, watching or buying */
  joinerSeen: boolean;
  /** new friends counted from this address (IPv4, or an IPv6 /64) in the last hour */
  newFromAddress: number;
  capPerAddress: number;
}

export type JoinVerdict = { counted: true } | { counted: false; reason: JoinRefusal };

/**
 * Whether a page load counts as a new friend of the link's owner: one ordered rule list, pure.
 * New = this merchant never saw the browser before, it is not the referrer's, it never counted
 * for anyone, the viewer it names (if any) has no history here, and its address has not already
 * brought its hour's share of friends.
 */
export function decideJoin(f: JoinFacts): JoinVerdict {
  const no = (reason: JoinRefusal): JoinVerdict => ({ counted: false, reason });
  if (f.ref.kind === 'none') return no('no-link');
  if (f.ref.kind === 'unknown') return no('unknown-code');
  if (f.ref.showId !== f.showId) return no('other-show');
  if (f.joinerId !== null && f.joinerId === f.ref.referrerId) return no('own-link');
  if (f.referrersDevice) return no('referrer-device');
  if (f.deviceCounted) return no('already-counted');
  if (f.deviceSeen) return no('device-seen');
  if (f.joinerId !== null && f.joinerSeen) return no('viewer-seen');
  if (f.newFromAddress >= f.capPerAddress) return no('address-cap');
  return { counted: true };
}

/** reasons that mean the link's owner opened it themselves: such a visit brings nobody */
const OWN: ReadonlySet<JoinRefusal> = new Set(['own-link', 'referrer-device']);

/**
 * The code a viewer is attributed to in a show after this join, if one is to be written: the
 * first code that brought them (first touch), never the viewer's own. Their orders in the show
 * then count for it. A join without a code still attributes a viewer who just named themselves
 * on a device that came through a link earlier in this show (`earlierOnDevice`).
 */
export function attributionOf(x: { showId: string; joinerId: string | null; alreadyAttributed: boolean; ref: RefFound; verdict: JoinVerdict; earlierOnDevice: { code: string; referrerId: string } | null }): string | null {
  if (x.joinerId === null || x.alreadyAttributed) return null;
  if (x.ref.kind === 'code' && x.ref.showId === x.showId) {
    if (!x.verdict.counted && OWN.has(x.verdict.reason)) return null;
    if (x.ref.referrerId !== x.joinerId) return x.ref.code;
  }
  if (x.earlierOnDevice && x.earlierOnDevice.referrerId !== x.joinerId) return x.earlierOnDevice.code;
  return null;
}

/**
 * The grouping of client addresses for the per-address cap: one IPv4 address, or an IPv6 /64
 * (one home or phone gets at least a /64 and can pick any address in it).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * New friends counted per address in a sliding hour, in memory only: the address is never
 * written anywhere. A restart forgets it, which costs a cheater's script one extra hour's
 * share at most.
 */
export class AddressWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly windowMs = 3_600_000,
    private readonly maxKeys = 100_000,
  ) {}

  count(key: string, now: number): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    const fresh = list.filter((at) => at > now - this.windowMs);
    if (fresh.length) this.hits.set(key, fresh);
    else this.hits.delete(key);
    return fresh.length;
  }

  add(key: string, now: number): void {
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) this.sweep(now);
    const list = this.hits.get(key) ?? [];
    list.push(now);
    this.hits.set(key, list);
  }

  private sweep(now: number): void {
    for (const key of [...this.hits.keys()]) this.count(key, now);
    // still full of live entries: the oldest half goes (Map keeps insertion order)
    if (this.hits.size >= this.maxKeys) for (const key of [...this.hits.keys()].slice(0, this.maxKeys / 2)) this.hits.delete(key);
  }
}

/** What Referrals needs stored (src/db/referral-repository.ts implements it). */
export interface ReferralStore {
  /** runs fn in one transaction: the facts a decision reads and what it writes stay together */
  transaction<T>(fn: () => T): T;
  codeOf(showId: string, viewerId: string): string | undefined;
  /** false when the code exists already (a collision: pick another) */
  addCode(code: string, showId: string, viewerId: string, at: number): boolean;
  findCode(code: string): { code: string; showId: string; viewerId: string } | undefined;
  deviceSeen(hash: string): boolean;
  addDevice(hash: string, at: number): void;
  linkViewer(hash: string, viewerId: string, at: number): void;
  viewerOnDevice(hash: string, viewerId: string): boolean;
  deviceCounted(hash: string): boolean;
  /** the viewer was seen before on another device, watched a show or placed an order */
  viewerSeen(viewerId: string, exceptDevice: string): boolean;
  addJoin(join: { showId: string; deviceHash: string; code: string; viewerId: string | null; at: number; counted: boolean; reason: JoinRefusal | null }): void;
  /** the first join of this device in this show through a code its owner did not open themselves */
  firstCodeOnDevice(hash: string, showId: string, ownReasons: readonly JoinRefusal[]): { code: string; referrerId: string } | undefined;
  attributed(showId: string, viewerId: string): boolean;
  attribute(showId: string, viewerId: string, code: string, at: number): void;
  friendsJoined(viewerId: string, showId: string): number;
  figures(showId: string): ReferralFigures[];
}

export interface ReferralsOptions {
  store: ReferralStore;
  shows: Pick<ShowRepository, 'get'>;
  publicUrl: string;
  /** referrals.newFriendsPerAddressPerHour */
  newFriendsPerAddressPerHour: number;
  /** a join counted as the referrer's new friend (after the commit): unlock what it earned */
  onFriend(showId: string, referrerId: string): void;
  onError(err: unknown, what: string): void;
  now?: () => number;
}

/** the hawker_device cookie: 32 random bytes, base64url */
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 10 of 31 symbols: ~49.5 bits, so codes cannot be walked to steal someone's credit */
const CODE_LENGTH = 10;
export const REFERRAL_CODE = /^[a-z2-9]{10}$/;

function newCode(): string {
  const bytes = randomBytes(CODE_LENGTH * 2);
  let code = '';
  // rejection sampling: no symbol more likely than another
  for (const b of bytes) {
    if (b >= 248) continue;
    code += CODE_ALPHABET[b % CODE_ALPHABET.length];
    if (code.length === CODE_LENGTH) return code;
  }
  return newCode();
}

const deviceHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface JoinInput {
  showId: string;
  ref?: string | undefined;
  /** the hawker_device cookie as sent, if any */
  deviceToken: string | null;
  viewerId: string | null;
  /** the client's address (request.ip): only grouped and kept in memory */
  address: string;
}

export interface JoinResult {
  counted: boolean;
  reason?: JoinRefusal;
  /** a fresh device cookie to set (none was sent, or it was not one of ours in shape) */
  setDeviceToken: string | null;
}

/**
 * Share links with attribution: a viewer's code per show, the joins through it, whether each is
 * a new friend (decideJoin), which viewers each code brought, and their orders.
 */
export class Referrals {
  private readonly now: () => number;
  private readonly window = new AddressWindow();

  constructor(private readonly o: ReferralsOptions) {
    this.now = o.now ?? Date.now;
  }

  private showOrThrow(showId: string): void {
    if (!this.o.shows.get(showId)) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
  }

  /** The viewer's own code in a show (made once, then the same) and the link that carries it. */
  share(showId: string, viewerId: string, deviceToken: string | null): { code: string; url: string } {
    this.showOrThrow(showId);
    const at = this.now();
    const code = this.o.store.transaction(() => {
      // the sharer's browser is theirs: a friend's visit from it is not a friend
      if (deviceToken && DEVICE_TOKEN.test(deviceToken)) {
        const hash = deviceHash(deviceToken);
        if (!this.o.store.deviceSeen(hash)) this.o.store.addDevice(hash, at);
        this.o.store.linkViewer(hash, viewerId, at);
      }
      const existing = this.o.store.codeOf(showId, viewerId);
      if (existing) return existing;
      for (;;) {
        const candidate = newCode();
        if (this.o.store.addCode(candidate, showId, viewerId, at)) return candidate;
      }
    });
    return { code, url: `${this.o.publicUrl}/watch/${encodeURIComponent(showId)}?ref=${code}` };
  }

  /** A page load of the show: records the device and the visit, and decides whether it is a new friend. */
  join(input: JoinInput): JoinResult {
    this.showOrThrow(input.showId);
    const at = this.now();
    const fresh = input.deviceToken && DEVICE_TOKEN.test(input.deviceToken) ? null : randomBytes(32).toString('base64url');
    const hash = deviceHash(fresh ?? (input.deviceToken as string));
    // per address and link: thousands of phones share one address behind a carrier's NAT, and
    // one referrer must not use up their friends' share of it
    const addrOf = (code: string) => `${addressKey(input.address)}|${code}`;
    const { store } = this.o;
    const outcome = store.transaction(() => {
      const deviceSeen = store.deviceSeen(hash);
      if (!deviceSeen) store.addDevice(hash, at);
      const found = input.ref ? store.findCode(input.ref) : undefined;
      const ref: RefFound = !input.ref ? { kind: 'none' } : found ? { kind: 'code', code: found.code, showId: found.showId, referrerId: found.viewerId } : { kind: 'unknown' };
      const facts: JoinFacts = {
        showId: input.showId,
        ref,
        deviceSeen,
        deviceCounted: deviceSeen && store.deviceCounted(hash),
        referrersDevice: ref.kind === 'code' && store.viewerOnDevice(hash, ref.referrerId),
        joinerId: input.viewerId,
        joinerSeen: input.viewerId !== null && store.viewerSeen(input.viewerId, hash),
        newFromAddress: ref.kind === 'code' ? this.window.count(addrOf(ref.code), at) : 0,
        capPerAddress: this.o.newFriendsPerAddressPerHour,
      };
      const verdict = decideJoin(facts);
      if (ref.kind === 'code' && ref.showId === input.showId) {
        store.addJoin({ showId: input.showId, deviceHash: hash, code: ref.code, viewerId: input.viewerId, at, counted: verdict.counted, reason: verdict.counted ? null : verdict.reason });
      }
      if (input.viewerId !== null) {
        const code = attributionOf({
          showId: input.showId,
          joinerId: input.viewerId,
          alreadyAttributed: store.attributed(input.showId, input.viewerId),
          ref,
          verdict,
          earlierOnDevice: store.firstCodeOnDevice(hash, input.showId, [...OWN]) ?? null,
        });
        if (code) store.attribute(input.showId, input.viewerId, code, at);
        store.linkViewer(hash, input.viewerId, at);
      }
      return { verdict, referrerId: ref.kind === 'code' ? ref.referrerId : null, code: ref.kind === 'code' ? ref.code : null };
    });
    if (outcome.verdict.counted && outcome.referrerId && outcome.code) {
      this.window.add(addrOf(outcome.code), at);
      try {
        this.o.onFriend(input.showId, outcome.referrerId);
      } catch (err) {
        // the join is stored; the next friend (or the coupon centre's progress) catches up
        this.o.onError(err, 'share coupon unlock');
      }
    }
    return { counted: outcome.verdict.counted, ...(outcome.verdict.counted ? {} : { reason: outcome.verdict.reason }), setDeviceToken: fresh };
  }

  /** new friends counted through the viewer's link in this show: the 'share' coupon's progress */
  friendsJoined(viewerId: string, showId: string): number {
    return this.o.store.friendsJoined(viewerId, showId);
  }

  /** per code of the show: joins, new viewers, viewers brought, their orders and revenue */
  figures(showId: string): ReferralFigures[] {
    this.showOrThrow(showId);
    return this.o.store.figures(showId);
  }
}
