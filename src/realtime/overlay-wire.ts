import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Orientation } from '../domain/frame.js';
import type { FlashSale, OverlayState } from '../domain/overlay.js';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });
const Fraction = Type.Number({ minimum: 0, maximum: 1 });

const ScreenLayoutSchema = Type.Object(
  {
    orientation: Type.Union([Type.Literal('landscape'), Type.Literal('portrait'), Type.Literal('square')]),
    frame: Type.Object({ width: Type.Integer(), height: Type.Integer() }),
    slots: Type.Record(Type.String(), Type.Object({ x: Fraction, y: Fraction, width: Fraction, height: Fraction })),
  },
  { description: "where each slot is drawn on the video, as fractions of its width and height (the landscape design until the show's first transcode)" },
);

/**
 * What is on screen, in the one form both the REST API (GET /api/shows/:id/overlay and the
 * answer to every overlay change) and the live socket (`welcome`, `overlay`) send. Times are
 * ISO 8601 in UTC, like every other time on the API and the socket (the `flash_sale` stock
 * message included); `secondsLeft` is the countdown when the view was taken.
 */
export const OverlayViewSchema = Type.Object({
  showId: Type.String(),
  state: Type.Object({
    pinnedProductId: Nullable(Type.String()),
    flashSaleId: Nullable(Type.String()),
    announcement: Nullable(Type.Object({ text: Type.String() })),
    qr: Type.Boolean(),
    hidden: Type.Boolean(),
    theme: Type.Partial(Type.Object({ brandColor: Type.String(), accentColor: Type.String(), textColor: Type.String(), cornerRadius: Type.Integer() })),
    poll: Nullable(Type.Object({ question: Type.String(), options: Type.Array(Type.Object({ label: Type.String(), votes: Type.Integer() })) })),
  }),
  pinnedProduct: Nullable(Type.Object({ id: Type.String(), title: Type.String(), price: Type.Integer(), currency: Type.String() })),
  flashSale: Nullable(
    Type.Object({
      id: Type.String(),
      productId: Type.String(),
      variantId: Nullable(Type.String()),
      price: Type.Integer(),
      quantity: Type.Integer(),
      remaining: Type.Integer(),
      perCustomerLimit: Nullable(Type.Integer()),
      startsAt: Iso,
      endsAt: Iso,
      secondsLeft: Type.Integer(),
    }),
  ),
  layout: Nullable(ScreenLayoutSchema),
});
export type OverlayWire = Static<typeof OverlayViewSchema>;

/** What the show's overlays report as on screen now (ShowOverlays.view()), in domain form. */
export interface OverlaySnapshot {
  showId: string;
  state: OverlayState;
  pinnedProduct: { id: string; title: string; price: number; currency: string } | null;
  flashSale: (FlashSale & { secondsLeft: number }) | null;
  /** where each slot is drawn on the show's video, for a page that puts tap targets over them */
  layout: ScreenLayoutSnapshot | null;
}

export interface ScreenLayoutSnapshot {
  orientation: Orientation;
  frame: { width: number; height: number };
  slots: Record<string, { x: number; y: number; width: number; height: number }>;
}

// A field added to the overlay state must be added to the wire form too, or this fails to compile.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type OverlayStateOnTheWire = Assert<Equal<OverlayWire['state'], OverlayState>>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The snapshot in its wire form; field by field, so the socket sends exactly what REST sends. */
export function overlayToWire(view: OverlaySnapshot): OverlayWire {
  const { state, pinnedProduct: pinned, flashSale: sale } = view;
  return {
    showId: view.showId,
    state: {
      pinnedProductId: state.pinnedProductId,
      flashSaleId: state.flashSaleId,
      announcement: state.announcement && { text: state.announcement.text },
      qr: state.qr,
      hidden: state.hidden,
      // written only through the theme route's closed schema: the four keys, nothing else
      theme: { ...state.theme },
      poll: state.poll && { question: state.poll.question, options: state.poll.options.map((o) => ({ label: o.label, votes: o.votes })) },
    },
    pinnedProduct: pinned && { id: pinned.id, title: pinned.title, price: pinned.price, currency: pinned.currency },
    flashSale: sale && {
      id: sale.id,
      productId: sale.productId,
      variantId: sale.variantId,
      price: sale.price,
      quantity: sale.quantity,
      remaining: sale.remaining,
      perCustomerLimit: sale.perCustomerLimit,
      startsAt: iso(sale.startsAt),
      endsAt: iso(sale.endsAt),
      secondsLeft: sale.secondsLeft,
    },
    layout: view.layout && {
      orientation: view.layout.orientation,
      frame: { width: view.layout.frame.width, height: view.layout.frame.height },
      slots: Object.fromEntries(Object.entries(view.layout.slots).map(([slot, b]) => [slot, { x: b.x, y: b.y, width: b.width, height: b.height }])),
    },
  };
}
