import { randomBytes } from 'node:crypto';
import { couponVerdict, type Coupon, type CouponCentreEntry, type CouponUnlock } from '../domain/coupon.js';
import { HawkerError } from '../domain/errors.js';
import type { ChatRepository, CouponRepository, PollRepository, ShowEventRepository, ShowRepository, WatchSessionRepository } from '../domain/ports.js';
import { currencyExponents, type Product } from '../domain/product.js';
import type { Show } from '../domain/show.js';

export interface NewCoupon {
  code: string;
  kind: 'fixed' | 'percent';
  amount: number;
  currency?: string | null;
  showId?: string | null;
  liveOnly?: boolean;
  listed?: boolean;
  startsAt?: number | null;
  expiresAt?: number | null;
  expiresAfterShowMinutes?: number | null;
  maxUses?: number | null;
  perViewerLimit?: number;
  minLevel?: number;
  unlock?: CouponUnlock | null;
  unlockThreshold?: number | null;
  keyword?: string | null;
  /** only for this product's orders */
  productId?: string | null;
  /** only for this variant's orders (its product is implied) */
  variantId?: string | null;
}

/** The entry as the API and the live socket send it: times as ISO strings. */
export const centreEntryForClients = (e: CouponCentreEntry) => ({ ...e, expiresAt: e.expiresAt == null ? null : new Date(e.expiresAt).toISOString() });

export interface CouponsOptions {
  coupons: CouponRepository;
  shows: ShowRepository;
  events: ShowEventRepository;
  audience: Pick<WatchSessionRepository, 'watchMs'>;
  chat: Pick<ChatRepository, 'countForViewer'>;
  polls: Pick<PollRepository, 'votesInShow'>;
  /** comments and product suggestions a viewer made before the show went live */
  preshow?: { commentsBefore(viewerId: string, showId: string): number };
  /** friends new to this merchant who joined the show through the viewer's share link */
  referrals?: { friendsJoined(viewerId: string, showId: string): number };
  levelOf(viewerId: string, host: string): number;
  /** the catalog, to check the product and variant a coupon names */
  products: { find(productId: string): Pick<Product, 'id' | 'currency' | 'variants'> | undefined; productOfVariant(variantId: string): string | undefined };
  /** tell a viewer, live, that a coupon is now theirs */
  notify(showId: string, viewerId: string, coupon: CouponCentreEntry): void;
  now?: () => number;
}

const KEYWORD = /^[\p{L}\p{N}#_-]{2,40}$/u;

/** "amount: a percentage is at most 100" as { field: 'amount', problem: 'a percentage is at most 100' } */
const fieldProblemOf = (text: string) => {
  const colon = text.indexOf(': ');
  return colon < 0 ? { field: '', problem: text } : { field: text.slice(0, colon), problem: text.slice(colon + 2) };
};

/**
 * Coupons and the rules that unlock them. Engagement is counted on the server from what the
 * timeline holds (watch sessions, stored chat, stored votes), never from what a client says.
 */
export class Coupons {
  private readonly now: () => number;
  /** each show's engagement-gated coupons: asked for on every chat message, changed only here */
  private readonly gated = new Map<string, Coupon[]>();

  constructor(private readonly o: CouponsOptions) {
    this.now = o.now ?? Date.now;
  }

  create(input: NewCoupon): Coupon {
    const code = input.code.trim().toUpperCase();
    const problems: string[] = [];
    if (!/^[A-Z0-9][A-Z0-9_-]{2,31}$/.test(code)) problems.push('code: 3 to 32 letters, digits, - or _');
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) problems.push('amount: a positive integer (minor units, or percent)');
    if (input.kind === 'percent' && input.amount > 100) problems.push('amount: a percentage is at most 100');
    const currency = input.currency ? input.currency.toUpperCase() : null;
    if (input.kind === 'fixed' && (!currency || !(currency in currencyExponents))) problems.push('currency: a fixed coupon needs a known ISO 4217 currency');
    if (input.kind === 'percent' && currency) problems.push('currency: only for fixed coupons');
    const showId = input.showId ?? null;
    if (showId && !this.o.shows.get(showId)) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    const unlock = input.unlock ?? null;
    if ((input.liveOnly || unlock || input.expiresAfterShowMinutes != null) && !showId) problems.push('showId: live-only, gated and after-the-show coupons belong to one show');
    if (unlock && (input.unlockThreshold == null || !Number.isSafeInteger(input.unlockThreshold) || input.unlockThreshold < 1)) {
      problems.push('unlockThreshold: minutes to watch, messages, votes, comments before the show, friends who join, or (keyword) how many viewers get it');
    }
    if (!unlock && input.unlockThreshold != null) problems.push('unlockThreshold: only with unlock');
    if (unlock === 'keyword' && !(input.keyword && KEYWORD.test(input.keyword))) problems.push('keyword: one word of 2 to 40 letters or digits');
    if (unlock !== 'keyword' && input.keyword) problems.push('keyword: only with unlock "keyword"');
    if (input.startsAt != null && input.expiresAt != null && input.expiresAt <= input.startsAt) problems.push('expiresAt: after startsAt');
    const variantId = input.variantId ?? null;
    const productId = input.productId ?? (variantId ? (this.o.products.productOfVariant(variantId) ?? null) : null);
    const product = productId ? this.o.products.find(productId) : undefined;
    if (productId && !product) throw new HawkerError('PRODUCT_NOT_FOUND', `no product with id ${productId}`, [{ field: 'productId', problem: `no product with id ${productId}` }]);
    if (variantId && !product?.variants.some((v) => v.id === variantId)) {
      throw new HawkerError('VARIANT_NOT_FOUND', `${productId ? `product ${productId} has no variant` : 'no variant with id'} ${variantId}`, [{ field: 'variantId', problem: `not a variant of ${productId ?? 'any product'}` }]);
    }
    if (product && input.kind === 'fixed' && currency && currency !== product.currency) problems.push(`currency: the product is sold in ${product.currency}`);
    // `fields` names each problem's field for forms; `problems` stays as it was for older clients
    if (problems.length) throw new HawkerError('INVALID_COUPON', problems.join('; '), { problems, fields: problems.map(fieldProblemOf) });
    if (this.o.coupons.byCode(code)) throw new HawkerError('CODE_TAKEN', `a coupon with code ${code} exists`, [{ field: 'code', problem: `another coupon has the code ${code}` }]);
    const coupon: Coupon = {
      id: randomBytes(9).toString('base64url'),
      code,
      kind: input.kind,
      amount: input.amount,
      currency: input.kind === 'fixed' ? currency : null,
      showId,
      liveOnly: input.liveOnly ?? false,
      // an on-air promo code is a secret until the host says it
      listed: input.listed ?? !input.liveOnly,
      startsAt: input.startsAt ?? null,
      expiresAt: input.expiresAt ?? null,
      expiresAfterShowMinutes: input.expiresAfterShowMinutes ?? null,
      maxUses: input.maxUses ?? null,
      perViewerLimit: input.perViewerLimit ?? 1,
      minLevel: input.minLevel ?? 0,
      unlock,
      unlockThreshold: input.unlockThreshold ?? null,
      keyword: input.keyword ? input.keyword.toLowerCase() : null,
      productId,
      variantId,
      uses: 0,
      createdAt: this.now(),
      disabledAt: null,
    };
    this.o.coupons.create(coupon);
    if (coupon.showId) this.gated.delete(coupon.showId);
    return coupon;
  }

  list(): Coupon[] {
    return this.o.coupons.list();
  }

  get(id: string): Coupon & { claims: number } {
    const coupon = this.o.coupons.get(id);
    if (!coupon) throw new HawkerError('COUPON_NOT_FOUND', `no coupon with id ${id}`);
    return { ...coupon, claims: this.o.coupons.claims(id) };
  }

  disable(id: string): Coupon {
    const coupon = this.get(id);
    this.o.coupons.disable(id, this.now());
    if (coupon.showId) this.gated.delete(coupon.showId);
    return this.get(id);
  }

  /** The coupon centre of one viewer in one show. */
  centre(showId: string, viewerId: string): { level: number; coupons: CouponCentreEntry[] } {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    const level = this.o.levelOf(viewerId, show.host);
    const entries = this.o.coupons
      .forShow(showId)
      .filter((c) => c.listed || (c.unlock && this.o.coupons.claimed(c.id, viewerId)))
      .map((c) => this.entry(c, show, viewerId, level));
    return { level, coupons: entries };
  }

  private entry(c: Coupon, show: Show, viewerId: string, level: number): CouponCentreEntry {
    const claimed = c.unlock ? this.o.coupons.claimed(c.id, viewerId) : true;
    const verdict = couponVerdict(c, {
      showId: show.id,
      showStatus: show.status,
      showEndedAt: show.endedAt,
      currency: c.currency ?? '',
      subtotal: 0,
      viewerLevel: level,
      usedByViewer: this.o.coupons.usesBy(c.id, viewerId),
      claimed,
      now: this.now(),
    });
    const states = { COUPON_LOCKED: 'locked', COUPON_ALREADY_USED: 'used', COUPON_USED_UP: 'used up', COUPON_LEVEL: 'level', COUPON_EXPIRED: 'expired', COUPON_NOT_LIVE: 'not live', COUPON_INVALID: 'not yet' } as const;
    const state: CouponCentreEntry['state'] = verdict.ok ? 'available' : states[verdict.code];
    const expiresAt = c.expiresAt ?? (c.expiresAfterShowMinutes != null && show.endedAt != null ? show.endedAt + c.expiresAfterShowMinutes * 60_000 : null);
    return {
      id: c.id,
      code: claimed && state !== 'level' ? c.code : null,
      kind: c.kind,
      amount: c.amount,
      currency: c.currency,
      expiresAt,
      liveOnly: c.liveOnly,
      minLevel: c.minLevel,
      unlock: c.unlock,
      progress: c.unlock && !claimed ? { have: this.progress(c, show.id, viewerId), need: c.unlock === 'keyword' ? 1 : (c.unlockThreshold ?? 1) } : null,
      state,
    };
  }

  private progress(c: Coupon, showId: string, viewerId: string): number {
    if (c.unlock === 'watch') return Math.floor(this.o.audience.watchMs(viewerId, showId) / 60_000);
    if (c.unlock === 'chat') return this.o.chat.countForViewer(viewerId, showId);
    if (c.unlock === 'vote') return this.o.polls.votesInShow(viewerId, showId);
    if (c.unlock === 'preshow') return this.o.preshow?.commentsBefore(viewerId, showId) ?? 0;
    if (c.unlock === 'share') return this.o.referrals?.friendsJoined(viewerId, showId) ?? 0;
    return 0;
  }

  /** Something a viewer did (already stored): unlock what it earned them. */
  activity(showId: string, viewerId: string, kind: Exclude<CouponUnlock, 'keyword'>, text?: string): void {
    const now = this.now();
    let gated = this.gated.get(showId);
    if (!gated) {
      gated = this.o.coupons.forShow(showId).filter((c) => c.unlock && c.showId === showId);
      this.gated.set(showId, gated);
    }
    for (const c of gated) {
      if ((c.expiresAt != null && now >= c.expiresAt) || (c.startsAt != null && now < c.startsAt)) continue;
      if (this.o.coupons.claimed(c.id, viewerId)) continue;
      let earned = false;
      let firstN: number | null = null;
      if (c.unlock === 'keyword') {
        if (kind !== 'chat' || !text || !c.keyword) continue;
        earned = new RegExp(`(?<![\\p{L}\\p{N}])${c.keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu').test(text);
        firstN = c.unlockThreshold;
      } else if (c.unlock === kind) {
        earned = this.progress(c, showId, viewerId) >= (c.unlockThreshold ?? 1);
      }
      if (!earned || !this.o.coupons.claim(c.id, viewerId, showId, now, firstN)) continue;
      this.o.events.append({ showId, type: 'coupon.claimed', at: now, payload: { couponId: c.id, code: c.code, viewerId, unlock: c.unlock } });
      const show = this.o.shows.get(showId);
      if (show) this.o.notify(showId, viewerId, this.entry(c, show, viewerId, this.o.levelOf(viewerId, show.host)));
    }
  }
}
