// The wire types the browser modules (assets/**/*.js, checked by src/web/tsconfig.json) speak.
// The socket's messages and the stats are the server's own types, so a change on the server
// that the pages do not follow fails `npm run typecheck`. Show and Product are written out
// (importing the route modules would drag the whole server into the browser's program), and
// wire-check.ts, compiled with the server, fails the type-check when they differ from the
// routes' schemas. The rest are written out too and name the route they mirror.
import type { ServerMessage } from '../realtime/server-messages.js';
import type { ClientMessage } from '../realtime/protocol.js';
import type { ShowStats } from '../commerce/show-stats.js';
import type { OverlayWire } from '../realtime/overlay-wire.js';
import type { Quote as QuoteOf, WireOrder, WireOrderDetail } from '../domain/order.js';
import type { ShowReportData } from '../report/show-report.js';

export type { ClientMessage, ServerMessage, ShowStats };
/** GET /api/shows/:id/report (ShowReportSchema in src/http/schemas/report.ts; kept equal by wire-check.ts) */
export type ShowReport = { [K in keyof ShowReportData]: K extends 'startedAt' ? string : K extends 'endedAt' ? string | null : ShowReportData[K] };
/** one frame of /api/shows/:id/live carries an array of these */
export type LiveMessage<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** GET /api/shows/:id (ShowSchema in src/http/schemas/shows.ts; kept equal by wire-check.ts) */
export interface Show {
  id: string;
  title: string;
  host: string;
  scheduledAt: string | null;
  status: 'scheduled' | 'live' | 'ended';
  /** rehearsal: only the cockpit sees the stream; awaiting-reconnect: live, the host dropped */
  phase: 'scheduled' | 'rehearsal' | 'live' | 'awaiting-reconnect' | 'ending' | 'ended';
  streamKey: string;
  ingestUrl: string;
  playbackUrl: string;
  lowLatencyPlaybackUrl: string | null;
  watchUrl: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** the show's media (recording, clips) was deleted then; its data stays */
  recordingDeletedAt: string | null;
}

/** GET /api/products (ProductSchema in src/http/schemas/products.ts; kept equal by wire-check.ts) */
export interface Product {
  id: string;
  sku: string;
  title: string;
  description: string;
  price: number;
  currency: string;
  compareAtPrice: number | null;
  stock: number;
  stockVersion: number;
  hasImage: boolean;
  options: ProductOption[];
  /** with variants, stock is the sum of theirs */
  variants: ProductVariant[];
  createdAt: string;
  updatedAt: string;
}

export interface ProductOption {
  name: string;
  values: string[];
}

export interface ProductVariant {
  id: string;
  sku: string;
  /** { Size: 'M', Colour: 'Red' } */
  options: { [optionName: string]: string };
  price: number;
  compareAtPrice: number | null;
  stock: number;
  stockVersion: number;
  hasImage: boolean;
  imageUrl?: string;
}
export type ChatLine = Omit<LiveMessage<'chat'>, 'type'>;
export type PollResults = NonNullable<LiveMessage<'welcome'>['poll']>;
export type QuestionView = LiveMessage<'questions'>['items'][number];
/** a demo clip: the socket's `clip` message and the welcome's `clips`; GET /api/shows/:id/clips and /api/products/:id/clips (ClipViewSchema) */
export type Clip = LiveMessage<'clip'>['clip'];

/** GET /api/shows/:id/lineup (LineupItem in src/http/schemas/lineup.ts) */
export interface LineupItem {
  id: string;
  title: string;
  description: string;
  price: number;
  currency: string;
  compareAtPrice: number | null;
  stock: number;
  imageUrl: string | null;
  thumbUrl: string | null;
}

/** the socket's lineup message (and the welcome's lineup): products at the price in force, the stock left, the latest sale */
export type LineupState = Omit<LiveMessage<'lineup'>, 'type'>;
export type Offer = LineupState['items'][number];

/** GET /api/shows/:id/overlay, and `overlay` of the socket's welcome and overlay messages: one form (OverlayViewSchema in src/realtime/overlay-wire.ts) */
export type OverlayView = OverlayWire;

/** where each slot is drawn on the video, as fractions of its width and height */
export type ScreenLayout = NonNullable<OverlayWire['layout']>;
/** a slot's box as fractions of the video frame */
export type ScreenBox = ScreenLayout['slots'][string];

/** POST /api/shows/:id/orders (OrderSchema in src/http/schemas/orders.ts), the parts the viewer reads */
export interface PlacedOrder {
  total: number;
  discount: number;
  currency: string;
  couponId: string | null;
}

/** An order: POST /api/shows/:id/orders, GET /api/orders/:id, GET /api/me/orders (OrderSchema in src/http/schemas/orders.ts; kept equal by wire-check.ts) */
export type Order = WireOrder;
/** The merchant's order: GET /api/orders, /api/orders/:id/detail, the `order` live message (OrderDetailSchema) */
export type OrderDetail = WireOrderDetail;
/** POST /api/shows/:id/quote (QuoteSchema) */
export type Quote = QuoteOf;
/** GET /api/orders (OrderListSchema) */
export interface OrderList {
  orders: OrderDetail[];
  next: string | null;
}
/** GET /api/me/orders (MyOrdersSchema) */
export interface MyOrders {
  orders: Order[];
}
/** GET and PUT /api/me/profile (ProfileSchema) */
export type Profile = { contact: Order['contact']; shippingAddress: Order['shippingAddress'] };

/** POST /api/viewers */
export interface NewViewer {
  token: string;
  viewerId: string;
  displayName: string;
}

/** GET /api/shows/:id/coupons: a viewer's coupons for a show (CouponCentre in src/http/schemas/coupons.ts) */
export interface CouponCentre {
  level: number;
  coupons: Array<{
    kind: 'fixed' | 'percent';
    amount: number;
    currency: string | null;
    code: string | null;
    state: string;
    unlock: string | null;
    progress: { have: number; need: number } | null;
    expiresAt: string | null;
  }>;
}

/** POST /api/shows/:id/share: the viewer's referral code and the link carrying it (ShareAnswer in src/http/schemas/referrals.ts; kept equal by wire-check.ts) */
export interface ShareLink {
  code: string;
  url: string;
}

/** GET /api/shows/:id/timeline (TimelineEvent in src/http/schemas/shows.ts) */
export interface TimelineEvent {
  id: number;
  type: string;
  at: string;
  streamMs: number | null;
  payload: Record<string, unknown>;
}

/** GET /api/coupons (CouponSchema in src/http/schemas/coupons.ts) */
export interface Coupon {
  id: string;
  code: string;
  kind: 'fixed' | 'percent';
  amount: number;
  currency: string | null;
  unlock: string | null;
  unlockThreshold: number | null;
  keyword: string | null;
  minLevel: number;
  liveOnly: boolean;
  uses: number;
  maxUses: number | null;
  disabledAt: string | null;
}

// ---- checkout (issue 14; the contract in checkout-contract.md). Written against the contract
// while the routes are built in parallel: the viewer's buy sheet and "my orders" read these.

/** a variant of a lineup offer as the pushed lineup state carries it */
export interface OfferVariant {
  id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  priceNow: number;
  stockLeft: number;
  /** a flash sale on this variant alone */
  saleId?: string | null;
  thumbUrl?: string | null;
}
/** an option of a product (e.g. Size: S, M, L) */
export interface ProductOption {
  name: string;
  values: string[];
}
/** an offer as the buy sheet reads it: options and variants when the product has them */
export type CheckoutOffer = Offer & { options?: ProductOption[]; variants?: OfferVariant[] };

/** GET /api/checkout */
export interface CheckoutConfig {
  providers: Array<'manual' | 'stripe'>;
  holdMinutes: number;
  manualInstructions: string;
  stripePublishableKey: string | null;
  shipping: Record<string, number>;
  taxPercent: number;
}

/** POST /api/shows/:id/quote */
export interface Quote {
  currency: string;
  unitPrice: number;
  regularPrice: number;
  quantity: number;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  coupon: { code: string } | null;
}

export interface Contact {
  name: string;
  email: string;
  phone?: string;
}
export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}
/** GET / PUT /api/me/profile */
export interface Profile {
  contact: Contact | null;
  shippingAddress: ShippingAddress | null;
}

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'cancelled' | 'expired' | 'refunded';
/** an order as its viewer reads it (OrderSchema; GET /api/me/orders, POST /api/shows/:id/orders, the socket's my-order) */
export interface ViewerOrder {
  id: string;
  showId: string;
  productId: string;
  variantId: string | null;
  quantity: number;
  unitPrice: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  currency: string;
  couponId: string | null;
  status: OrderStatus;
  replay: boolean;
  holdExpiresAt: string | null;
  payment: { provider: 'manual' | 'stripe' | null; reference: string | null };
  contact: Contact | null;
  shippingAddress: ShippingAddress | null;
  carrier: string | null;
  trackingNumber: string | null;
  paidAt: string | null;
  shippedAt: string | null;
  createdAt: string;
}

/** POST /api/orders/:id/payment */
export type PaymentStart =
  | { provider: 'stripe'; clientSecret: string; publishableKey: string; savedMethods: Array<{ id: string; brand: string; last4: string }> }
  | { provider: 'manual'; instructions: string };

/** GET /api/storage (StorageTotalsSchema in src/http/schemas/storage.ts; kept equal by wire-check.ts) */
export interface StorageTotals {
  shows: Array<{ showId: string; title: string; recordingBytes: number; clipBytes: number; recordingDeletedAt: string | null }>;
  totalBytes: number;
  freeBytes: number | null;
}

/** GET /api/shows/:id/chapters (ChapterSchema in src/http/schemas/chapters.ts; kept equal by wire-check.ts): one span in which a product was pinned, in stream time and in the PDT clock */
export interface Chapter {
  productId: string;
  title: string;
  thumbUrl: string | null;
  startMs: number;
  /** null: still pinned */
  endMs: number | null;
  startAt: string;
  endAt: string | null;
  clipUrl?: string;
  clipMp4Url?: string;
  posterUrl?: string;
}

/** GET /api/shows/:id/suggestions items and the `suggestion` message (SuggestionViewSchema; kept equal by wire-check.ts) */
export type Suggestion = LiveMessage<'suggestion'>['suggestion'];

/** GET /api/shows/:id/preshow: the cockpit's "Before the show" (PreshowSchema in src/http/schemas/preshow.ts; kept equal by wire-check.ts) */
export interface Preshow {
  comments: Array<{ id: string; viewerId: string; displayName: string; text: string; at: string }>;
  suggestions: Suggestion[];
}
/** GET /api/channel: live, upcoming and past shows (ChannelFeedSchema in src/http/schemas/channel.ts; kept equal by wire-check.ts) */
export type { ChannelFeed, ShowCard } from '../reach/channel-feed.js';
