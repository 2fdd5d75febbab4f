import { Type } from '@sinclair/typebox';
import { orderStatuses } from '../../domain/order.js';
import { ID_PATTERN, IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';

export const OrderSchema = Type.Object({
  id: Type.String(),
  showId: Type.String(),
  viewerId: Type.String(),
  productId: Type.String(),
  flashSaleId: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer(),
  unitPrice: Type.Integer(),
  total: Type.Integer(),
  discount: Type.Integer(),
  couponId: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String(),
  status: Type.Union(orderStatuses.map((s) => Type.Literal(s))),
  onScreen: Type.Object({ pinnedProductId: Type.Union([Type.String(), Type.Null()]), flashSaleId: Type.Union([Type.String(), Type.Null()]) }),
  streamMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const NewViewerBody = Type.Object({ displayName: Type.String({ minLength: 1, maxLength: 40, pattern: PRINTABLE_TEXT }) }, { additionalProperties: false });
export const NewViewer = Type.Object({ viewerId: Type.String(), displayName: Type.String(), token: Type.String() });

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }) });

export const PlaceOrderBody = Type.Object(
  {
    productId: Type.String({ pattern: ID_PATTERN }),
    quantity: Type.Integer({ minimum: 1, maximum: 100 }),
    couponCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' })),
    price: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'the unit price the buyer saw (priceNow of the live lineup): any other is refused with 409 PRICE_CHANGED' })),
  },
  { additionalProperties: false },
);

const Revenue = Type.Record(Type.String(), Type.Integer(), { description: 'currency -> minor units' });

/** GET /api/shows/:id/stats: ShowStats of src/commerce/show-stats.ts, field for field (wire-check.ts holds them equal) */
export const ShowStatsSchema = Type.Object({
  showId: Type.String(),
  orders: Type.Integer(),
  units: Type.Integer(),
  revenue: Revenue,
  perMinute: Type.Array(Type.Object({ minute: IsoTime, orders: Type.Integer(), revenue: Revenue })),
  perProduct: Type.Array(
    Type.Object({
      productId: Type.String(),
      orders: Type.Integer(),
      units: Type.Integer(),
      revenue: Type.Integer(),
      currency: Type.String(),
      pinnedMs: Type.Integer(),
      ordersWhilePinned: Type.Integer(),
      ordersPerPinnedMinute: Nullable(Type.Number()),
      viewersWhilePinned: Type.Integer(),
      buyersWhilePinned: Type.Integer(),
      conversionWhilePinned: Nullable(Type.Number({ description: 'buyers / signed-in viewers watching while pinned' })),
    }),
  ),
});
