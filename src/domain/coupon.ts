export const couponUnlocks = ['watch', 'chat', 'vote', 'keyword', 'preshow', 'share'] as const;
/**
 * what a viewer must do to unlock a gated coupon: in the show (watch, chat, vote, keyword), before
 * it (preshow: comment or suggest a product before it goes live), or for it (share: friends new
 * to this merchant who joined through the viewer's link)
 */
export type CouponUnlock = (typeof couponUnlocks)[number];

export interface Coupon {
  id: string;
  /** what viewers type at checkout; case does not matter */
  code: string;
  kind: 'fixed' | 'percent';
  /** minor units for fixed, 1-100 for percent */
  amount: number;
  /** fixed coupons only: the currency the amount is in */
  currency: string | null;
  /** only in this show's orders (required for live-only and gated coupons) */
  showId: string | null;
  /** a promo code announced on air: valid only while the show is live */
  liveOnly: boolean;
  /** shown in the viewer's coupon centre (a secret on-air code is not) */
  listed: boolean;
  startsAt: number | null;
  expiresAt: number | null;
  /** "expires 2 h after the show": minutes after the show ends */
  expiresAfterShowMinutes: number | null;
  maxUses: number | null;
  perViewerLimit: number;
  minLevel: number;
  unlock: CouponUnlock | null;
  /** minutes watched, messages sent, votes cast, comments before the show, friends joined; for keyword: how many viewers (first N) */
  unlockThreshold: number | null;
  keyword: string | null;
  /** only for orders of this product (null: any product) */
  productId: string | null;
  /** only for orders of this variant of productId (null: any of its variants) */
  variantId: string | null;
  uses: number;
  createdAt: number;
  disabledAt: number | null;
}

/** Why a coupon was refused at checkout: all 422, each with its own code. */
export type CouponRefusal = 'COUPON_INVALID' | 'COUPON_EXPIRED' | 'COUPON_NOT_LIVE' | 'COUPON_USED_UP' | 'COUPON_ALREADY_USED' | 'COUPON_LOCKED' | 'COUPON_LEVEL';

export interface CouponContext {
  showId: string;
  showStatus: 'scheduled' | 'live' | 'ended';
  showEndedAt: number | null;
  currency: string;
  /** unit price x quantity */
  subtotal: number;
  viewerLevel: number;
  /** the viewer's orders that used this coupon and still stand */
  usedByViewer: number;
  /** gated coupons: whether the viewer unlocked it */
  claimed: boolean;
  now: number;
}

export type CouponVerdict = { ok: true; discount: number } | { ok: false; code: CouponRefusal; message: string };

/** Whether a coupon applies to an order, and the discount: the rules in one pure function. */
export function couponVerdict(c: Coupon, x: CouponContext): CouponVerdict {
  const no = (code: CouponRefusal, message: string): CouponVerdict => ({ ok: false, code, message });
  if (c.disabledAt != null) return no('COUPON_EXPIRED', `${c.code} is no longer valid`);
  if (c.showId && c.showId !== x.showId) return no('COUPON_INVALID', `${c.code} is for another show`);
  if (c.kind === 'fixed' && c.currency !== x.currency) return no('COUPON_INVALID', `${c.code} is in ${c.currency}; this product is priced in ${x.currency}`);
  if (c.startsAt != null && x.now < c.startsAt) return no('COUPON_INVALID', `${c.code} is not valid yet`);
  if (c.expiresAt != null && x.now >= c.expiresAt) return no('COUPON_EXPIRED', `${c.code} expired at ${new Date(c.expiresAt).toISOString()}`);
  if (c.expiresAfterShowMinutes != null && x.showEndedAt != null && x.now >= x.showEndedAt + c.expiresAfterShowMinutes * 60_000) {
    return no('COUPON_EXPIRED', `${c.code} expired ${c.expiresAfterShowMinutes} minutes after the show`);
  }
  if (c.liveOnly && x.showStatus !== 'live') return no('COUPON_NOT_LIVE', `${c.code} is valid only while the show is live`);
  if (x.viewerLevel < c.minLevel) return no('COUPON_LEVEL', `${c.code} needs loyalty level ${c.minLevel}; you are at ${x.viewerLevel}`);
  if (c.unlock && !x.claimed) return no('COUPON_LOCKED', `${c.code} is not unlocked for you yet`);
  if (x.usedByViewer >= c.perViewerLimit) return no('COUPON_ALREADY_USED', `${c.code} can be used ${c.perViewerLimit} time(s) per viewer`);
  if (c.maxUses != null && c.uses >= c.maxUses) return no('COUPON_USED_UP', `${c.code} has been used up`);
  // rounded down: a percentage never takes more than it says
  const discount = c.kind === 'fixed' ? Math.min(c.amount, x.subtotal) : Math.floor((x.subtotal * c.amount) / 100);
  return { ok: true, discount };
}

/** One line of a viewer's coupon centre. The code shows once the coupon is theirs to use. */
export interface CouponCentreEntry {
  id: string;
  code: string | null;
  kind: Coupon['kind'];
  amount: number;
  currency: string | null;
  expiresAt: number | null;
  liveOnly: boolean;
  minLevel: number;
  unlock: CouponUnlock | null;
  /** what is left to do: "watch 10 minutes", with how far the viewer is */
  progress: { have: number; need: number } | null;
  state: 'available' | 'locked' | 'used' | 'used up' | 'expired' | 'level' | 'not live' | 'not yet';
}
