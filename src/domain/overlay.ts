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
