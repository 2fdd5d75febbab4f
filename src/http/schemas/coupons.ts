import { Type } from '@sinclair/typebox';
import { couponUnlocks } from '../../domain/coupon.js';
import { ID_PATTERN, IsoTime, Nullable } from './common.js';

const Iso = IsoTime;

export const CouponSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  kind: Type.Union([Type.Literal('fixed'), Type.Literal('percent')]),
  amount: Type.Integer(),
  currency: Nullable(Type.String()),
  showId: Nullable(Type.String()),
  liveOnly: Type.Boolean(),
  listed: Type.Boolean(),
  startsAt: Nullable(Iso),
  expiresAt: Nullable(Iso),
  expiresAfterShowMinutes: Nullable(Type.Integer()),
  maxUses: Nullable(Type.Integer()),
  perViewerLimit: Type.Integer(),
  minLevel: Type.Integer(),
  unlock: Nullable(Type.String()),
  unlockThreshold: Nullable(Type.Integer()),
  keyword: Nullable(Type.String()),
  productId: Nullable(Type.String({ description: 'only for orders of this product' })),
  variantId: Nullable(Type.String({ description: 'only for orders of this variant' })),
  uses: Type.Integer(),
  claims: Type.Optional(Type.Integer()),
  createdAt: Iso,
  disabledAt: Nullable(Iso),
});

export const CreateCoupon = Type.Object(
  {
    code: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }),
    kind: Type.Union([Type.Literal('fixed'), Type.Literal('percent')]),
    amount: Type.Integer({ minimum: 1, maximum: 10_000_000_000, description: 'minor units (fixed) or 1-100 (percent)' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    showId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    liveOnly: Type.Optional(Type.Boolean({ description: 'a promo code announced on air: valid only while the show is live' })),
    listed: Type.Optional(Type.Boolean({ description: "shown in viewers' coupon centre (default: not for live-only codes)" })),
    startsAt: Type.Optional(Iso),
    expiresAt: Type.Optional(Iso),
    expiresAfterShowMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    perViewerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    minLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    unlock: Type.Optional(Type.Union(couponUnlocks.map((u) => Type.Literal(u)))),
    unlockThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    keyword: Type.Optional(Type.String({ minLength: 2, maxLength: 40 })),
    productId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'the coupon applies only to this product (404 PRODUCT_NOT_FOUND)' })),
    variantId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'only to this variant (of productId when given; 404 VARIANT_NOT_FOUND)' })),
  },
  { additionalProperties: false },
);
export type CreateCouponBody = typeof CreateCoupon.static;

export const CentreEntry = Type.Object({
  id: Type.String(),
  code: Nullable(Type.String()),
  kind: Type.String(),
  amount: Type.Integer(),
  currency: Nullable(Type.String()),
  expiresAt: Nullable(Iso),
  liveOnly: Type.Boolean(),
  minLevel: Type.Integer(),
  unlock: Nullable(Type.String()),
  progress: Nullable(Type.Object({ have: Type.Integer(), need: Type.Integer() })),
  state: Type.String(),
});

export const CouponCentre = Type.Object({ level: Type.Integer(), coupons: Type.Array(CentreEntry) });
