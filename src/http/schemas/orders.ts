import { Type } from '@sinclair/typebox';
import { orderStatuses, paymentProviders } from '../../domain/order.js';
import { ID_PATTERN, IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';
import { ReferralFiguresSchema } from './referrals.js';

const NullableString = Nullable(Type.String());
// what a buyer types: printable, bounded (it is drawn in the panel and exported to CSV)
const Line = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: PRINTABLE_TEXT });

export const ContactSchema = Type.Object(
  {
    name: Line(100),
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9+() .-]+$' })),
  },
  { additionalProperties: false },
);

export const ShippingAddressSchema = Type.Object(
  {
    name: Line(100),
    line1: Line(200),
    line2: Type.Optional(Line(200)),
    city: Line(100),
    region: Type.Optional(Line(100)),
    postalCode: Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9 -]+$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  { additionalProperties: false },
);

export const OrderSchema = Type.Object({
  id: Type.String(),
  showId: Type.String(),
  viewerId: Type.String(),
  productId: Type.String(),
  variantId: NullableString,
  flashSaleId: NullableString,
  quantity: Type.Integer(),
  unitPrice: Type.Integer(),
  total: Type.Integer({ description: 'unitPrice x quantity - discount + shipping + tax' }),
  discount: Type.Integer(),
  shipping: Type.Integer(),
  tax: Type.Integer(),
  couponId: NullableString,
  currency: Type.String(),
  status: Type.Union(orderStatuses.map((s) => Type.Literal(s))),
  replay: Type.Boolean({ description: 'bought from the replay, after the show ended' }),
  holdExpiresAt: Nullable(IsoTime),
  payment: Type.Object({ provider: Nullable(Type.Union(paymentProviders.map((p) => Type.Literal(p)))), reference: NullableString }),
  contact: Nullable(ContactSchema),
  shippingAddress: Nullable(ShippingAddressSchema),
  carrier: NullableString,
  trackingNumber: NullableString,
  paidAt: Nullable(IsoTime),
  shippedAt: Nullable(IsoTime),
  onScreen: Type.Object({ pinnedProductId: NullableString, flashSaleId: NullableString }),
  streamMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

/** The merchant's order detail (GET /api/orders/:id/detail, the list, the live pushes). */
export const OrderDetailSchema = Type.Composite([
  OrderSchema,
  Type.Object({
    viewerName: Type.String(),
    productTitle: Type.String(),
    variantLabel: Nullable(Type.String({ description: '"M / Red"' })),
    recordingUrl: Nullable(Type.String({ description: '/watch/<showId>?t=<seconds>: the recording at the moment of the order' })),
  }),
]);

export const MyOrdersSchema = Type.Object({ orders: Type.Array(OrderSchema) });

export const OrderListQuery = Type.Object(
  {
    showId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    status: Type.Optional(Type.Union(orderStatuses.map((s) => Type.Literal(s)))),
    productId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Type.String({ maxLength: 100, pattern: '^[0-9]{1,15}\\.[A-Za-z0-9_-]{1,64}$', description: 'the `next` of the previous page' })),
  },
  { additionalProperties: false },
);

export const OrderListSchema = Type.Object({ orders: Type.Array(OrderDetailSchema), next: NullableString });

export const CsvQuery = Type.Omit(OrderListQuery, ['limit', 'before']);

export const ShipBody = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 60, pattern: PRINTABLE_TEXT }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9 ._/-]+$' }),
  },
  { additionalProperties: false },
);

export const ProfileSchema = Type.Object({ contact: Nullable(ContactSchema), shippingAddress: Nullable(ShippingAddressSchema) });
export const ProfileBody = Type.Object({ contact: ContactSchema, shippingAddress: ShippingAddressSchema }, { additionalProperties: false });

export const NewViewerBody = Type.Object({ displayName: Type.String({ minLength: 1, maxLength: 40, pattern: PRINTABLE_TEXT }) }, { additionalProperties: false });
export const NewViewer = Type.Object({ viewerId: Type.String(), displayName: Type.String(), token: Type.String() });

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }) });

const QuoteFields = {
  productId: Type.String({ pattern: ID_PATTERN }),
  variantId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'required for a product with variants (400 VARIANT_REQUIRED)' })),
  quantity: Type.Integer({ minimum: 1, maximum: 100 }),
  couponCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' })),
};

export const QuoteBody = Type.Object(QuoteFields, { additionalProperties: false });

export const QuoteSchema = Type.Object({
  currency: Type.String(),
  unitPrice: Type.Integer(),
  regularPrice: Type.Integer(),
  quantity: Type.Integer(),
  subtotal: Type.Integer(),
  discount: Type.Integer(),
  shipping: Type.Integer(),
  tax: Type.Integer(),
  total: Type.Integer(),
  coupon: Nullable(Type.Object({ code: Type.String() })),
});

export const PlaceOrderBody = Type.Object(
  {
    ...QuoteFields,
    price: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000, description: 'the unit price the buyer saw (priceNow of the live lineup): any other is refused with 409 PRICE_CHANGED' })),
    contact: Type.Optional(ContactSchema),
    shippingAddress: Type.Optional(ShippingAddressSchema),
    payment: Type.Optional(Type.Union(paymentProviders.map((p) => Type.Literal(p)), { description: "how the buyer pays (default 'manual'); 400 PAYMENT_UNAVAILABLE when not offered" })),
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
  referrals: Type.Array(ReferralFiguresSchema, { description: 'shared by viewers: per referral code of the show' }),
});
