import { Type } from '@sinclair/typebox';
import { ANNOUNCEMENT_MAX } from '../../domain/overlay.js';
import { OverlayViewSchema } from '../../realtime/overlay-wire.js';
import { ID_PATTERN, PRINTABLE_TEXT } from './common.js';

const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' });

// the socket sends the same form: one schema, in realtime/ (http may import realtime, not the reverse)
export { OverlayViewSchema };

export const ChangeResponse = Type.Object({
  overlay: OverlayViewSchema,
  event: Type.Object({
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    streamMs: Type.Union([Type.Integer(), Type.Null()]),
    programDateTime: Type.Union([Type.String(), Type.Null()], { description: 'where in the video the change lands (estimate), when the show is being transcoded' }),
  }),
});

export const PinBody = Type.Object({ productId: Type.String({ pattern: ID_PATTERN }) }, { additionalProperties: false });

export const StartFlashSaleBody = Type.Object(
  {
    productId: Type.String({ pattern: ID_PATTERN }),
    variantId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'put one variant on sale (404 VARIANT_NOT_FOUND unless it is a variant of productId); every variant when not given' })),
    price: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'at most the stock left (409 NOT_ENOUGH_STOCK); all of it when not given' })),
    durationSeconds: Type.Integer({ minimum: 5, maximum: 6 * 3600 }),
    perCustomerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const AnnouncementBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: ANNOUNCEMENT_MAX, pattern: PRINTABLE_TEXT }) }, { additionalProperties: false });

export const QrBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });

export const HiddenBody = Type.Object({ hidden: Type.Boolean() }, { additionalProperties: false });

export const ThemeBody = Type.Object(
  {
    brandColor: Type.Optional(Color),
    accentColor: Type.Optional(Color),
    textColor: Type.Optional(Color),
    cornerRadius: Type.Optional(Type.Integer({ minimum: 0, maximum: 40 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
