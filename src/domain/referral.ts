/** Why a page load through a share link did not count as a new friend, in the order the rules are asked (src/reach/referrals.ts decideJoin). */
export const joinRefusals = ['no-link', 'unknown-code', 'other-show', 'own-link', 'referrer-device', 'already-counted', 'device-seen', 'viewer-seen', 'address-cap'] as const;
export type JoinRefusal = (typeof joinRefusals)[number];

/**
 * What one referral code of a show brought: the merchant's figures (GET /api/shows/:id/referrals
 * and the show's stats). Orders and revenue are those of the viewers the code brought, placed in
 * that show after they came, that still stand.
 */
export interface ReferralFigures {
  code: string;
  /** the viewer who shared the link */
  viewerId: string;
  displayName: string;
  /** page loads through the link (a reload counts again) */
  joins: number;
  /** joins that counted as a friend new to this merchant (what the 'share' coupon counts) */
  newViewers: number;
  /** distinct viewers (with a name) the code brought to the show */
  viewers: number;
  orders: number;
  /** per currency, minor units */
  revenue: Record<string, number>;
}
