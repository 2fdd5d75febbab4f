/** A show's theme: brand colour, accent, corner style, optional logo text. */
export interface Theme {
  brandColor: string;
  accentColor: string;
  textColor: string;
  cornerRadius: number;
}

export interface FlashSale {
  id: string;
  showId: string;
  productId: string;
  /** the one variant on sale; null: every variant of the product (or a product without variants) */
  variantId: string | null;
  price: number;
  quantity: number;
  remaining: number;
  perCustomerLimit: number | null;
  startsAt: number;
  endsAt: number;
  createdAt: number;
}

/** What the merchant has put on screen; the renderer turns it into pixels. */
export interface OverlayState {
  pinnedProductId: string | null;
  flashSaleId: string | null;
  announcement: { text: string } | null;
  qr: boolean;
  /** hide everything at once without losing what was set */
  hidden: boolean;
  /** overrides of the default theme for this show */
  theme: Partial<Theme>;
  poll: { question: string; options: Array<{ label: string; votes: number }> } | null;
}

export const emptyOverlayState = (): OverlayState => ({
  pinnedProductId: null,
  flashSaleId: null,
  announcement: null,
  qr: false,
  hidden: false,
  theme: {},
  poll: null,
});

export const ANNOUNCEMENT_MAX = 140;

/** One change to what is on screen, as the timeline and the overlay.changed event carry it. */
export type OverlayChange =
  | { change: 'pin'; productId: string }
  | { change: 'unpin' }
  | { change: 'flash_sale.started'; flashSaleId: string; productId: string; variantId: string | null; price: number; quantity: number; endsAt: string }
  | { change: 'flash_sale.ended'; flashSaleId: string; reason: 'ended' | 'stopped' | 'sold out' }
  | { change: 'announcement'; text: string | null }
  | { change: 'qr'; enabled: boolean }
  | { change: 'hidden'; hidden: boolean }
  | { change: 'theme'; theme: Partial<Theme> }
  | { change: 'poll'; pollId: string | null; question: string | null };
