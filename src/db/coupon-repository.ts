import type { Coupon } from '../domain/coupon.js';
import type { CouponRepository } from '../domain/ports.js';
import type { Db } from './open.js';

export interface CouponRow {
  id: string;
  code: string;
  kind: Coupon['kind'];
  amount: number;
  currency: string | null;
  show_id: string | null;
  live_only: number;
  listed: number;
  starts_at: number | null;
  expires_at: number | null;
  expires_after_show_minutes: number | null;
  max_uses: number | null;
  per_viewer_limit: number;
  min_level: number;
  unlock: Coupon['unlock'];
  unlock_threshold: number | null;
  keyword: string | null;
  uses: number;
  created_at: number;
  disabled_at: number | null;
}

export const toCoupon = (r: CouponRow): Coupon => ({
  id: r.id,
  code: r.code,
  kind: r.kind,
  amount: r.amount,
  currency: r.currency,
  showId: r.show_id,
  liveOnly: r.live_only === 1,
  listed: r.listed === 1,
  startsAt: r.starts_at,
  expiresAt: r.expires_at,
  expiresAfterShowMinutes: r.expires_after_show_minutes,
  maxUses: r.max_uses,
  perViewerLimit: r.per_viewer_limit,
  minLevel: r.min_level,
  unlock: r.unlock,
  unlockThreshold: r.unlock_threshold,
  keyword: r.keyword,
  uses: r.uses,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

const params = (c: Coupon) => ({ ...c, liveOnly: c.liveOnly ? 1 : 0, listed: c.listed ? 1 : 0 });

export function createCouponRepository(db: Db): CouponRepository {
  const insert = db.prepare<[ReturnType<typeof params>]>(
    `INSERT INTO coupons (id, code, kind, amount, currency, show_id, live_only, listed, starts_at, expires_at, expires_after_show_minutes,
       max_uses, per_viewer_limit, min_level, unlock, unlock_threshold, keyword, uses, created_at, disabled_at)
     VALUES (@id, @code, @kind, @amount, @currency, @showId, @liveOnly, @listed, @startsAt, @expiresAt, @expiresAfterShowMinutes,
       @maxUses, @perViewerLimit, @minLevel, @unlock, @unlockThreshold, @keyword, 0, @createdAt, NULL)`,
  );
  const byId = db.prepare<[id: string], CouponRow>('SELECT * FROM coupons WHERE id = ?');
  const byCode = db.prepare<[code: string], CouponRow>('SELECT * FROM coupons WHERE code = ?');
  const all = db.prepare<[], CouponRow>('SELECT * FROM coupons ORDER BY created_at DESC, rowid DESC');
  const forShow = db.prepare<[showId: string], CouponRow>('SELECT * FROM coupons WHERE (show_id = ? OR show_id IS NULL) AND disabled_at IS NULL ORDER BY created_at, rowid');
  const disable = db.prepare<[at: number, id: string]>('UPDATE coupons SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL');
  const claimAny = db.prepare<[couponId: string, viewerId: string, showId: string, at: number]>('INSERT INTO coupon_claims (coupon_id, viewer_id, show_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  // first N: the count and the insert in one statement, so two viewers cannot both be the Nth
  const claimFirstN = db.prepare<[{ couponId: string; viewerId: string; showId: string; at: number; firstN: number }]>(
    `INSERT INTO coupon_claims (coupon_id, viewer_id, show_id, at)
     SELECT @couponId, @viewerId, @showId, @at WHERE (SELECT count(*) FROM coupon_claims WHERE coupon_id = @couponId) < @firstN
     ON CONFLICT DO NOTHING`,
  );
  const claimed = db.prepare<[couponId: string, viewerId: string], 1>('SELECT 1 FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?');
  const claims = db.prepare<[couponId: string], { n: number }>('SELECT count(*) AS n FROM coupon_claims WHERE coupon_id = ?');
  const usesBy = db.prepare<[couponId: string, viewerId: string], { n: number }>("SELECT count(*) AS n FROM orders WHERE coupon_id = ? AND viewer_id = ? AND status IN ('pending', 'paid', 'shipped')");
  return {
    create: (c) => void insert.run(params(c)),
    get: (id) => {
      const row = byId.get(id);
      return row && toCoupon(row);
    },
    byCode: (code) => {
      const row = byCode.get(code);
      return row && toCoupon(row);
    },
    list: () => all.all().map(toCoupon),
    forShow: (showId) => forShow.all(showId).map(toCoupon),
    disable: (id, at) => disable.run(at, id).changes > 0,
    claim: (couponId, viewerId, showId, at, firstN) =>
      (firstN == null ? claimAny.run(couponId, viewerId, showId, at) : claimFirstN.run({ couponId, viewerId, showId, at, firstN })).changes > 0,
    claimed: (couponId, viewerId) => claimed.get(couponId, viewerId) !== undefined,
    claims: (couponId) => claims.get(couponId)!.n,
    usesBy: (couponId, viewerId) => usesBy.get(couponId, viewerId)!.n,
  };
}
