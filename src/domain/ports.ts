import type { Clip } from './clip.js';
import type { Coupon } from './coupon.js';
import type { ChatMessage, ChatSettings, HostActivity, Poll, Question, Sanction } from './audience.js';
import type { FlashSale, OverlayState } from './overlay.js';
import type { Contact, Order, OrderDetail, OrderStatus, PaymentProvider, PlaceOrder, PlaceOrderResult, QuoteRequest, QuoteResult, ShippingAddress, Viewer, WebhookEventType } from './order.js';
import type { Product, ProductOption, Variant } from './product.js';
import type { Show, ShowEvent, ShowEventType } from './show.js';

/** Storage of shows, implemented by src/db; consumers never see SQL. */
export interface ShowRepository {
  create(show: Show): void;
  get(id: string): Show | undefined;
  list(): Show[];
  listByStatus(status: Show['status']): Show[];
  findByStreamKey(streamKey: string): Show | undefined;
  setStreamKey(id: string, streamKey: string): void;
  markLive(id: string, startedAt: number): void;
  markEnded(id: string, endedAt: number): void;
  delete(id: string): boolean;
  /** runs fn in one transaction (a status change, its timeline event and its outbox rows) */
  atomically<T>(fn: () => T): T;
}

export interface ShowEventRepository {
  /** stream time is worked out here, from when the show first went live */
  append(event: Omit<ShowEvent, 'id' | 'streamMs'>): ShowEvent;
  listForShow(showId: string, limit: number): ShowEvent[];
  /** the show's events of these types only, in order (the others' payloads are never read) */
  listOfTypes(showId: string, types: readonly ShowEventType[], limit: number): ShowEvent[];
}

/** what a product edit writes: never the stock */
export type ProductFields = Pick<Product, 'id' | 'sku' | 'title' | 'description' | 'price' | 'currency' | 'compareAtPrice' | 'updatedAt'>;

export interface ProductRepository {
  create(product: Product): void;
  get(id: string): Product | undefined;
  findBySku(sku: string): Product | undefined;
  list(): Product[];
  setHasImage(id: string, hasImage: boolean, at: number): void;
  /** everything but the stock, which only setStock and adjustStock (and orders) write */
  update(product: ProductFields): void;
  /** sets the stock if its version is still `version`; false when it moved on (or no such product) */
  setStock(id: string, stock: number, version: number, at: number): boolean;
  /** stock + delta; false when that would go below 0 (or no such product) */
  adjustStock(id: string, delta: number, at: number): boolean;
  /** false when orders, flash sales or coupons still point at it */
  delete(id: string): boolean;
  /** runs fn in one transaction: all of it is stored or none */
  atomically<T>(fn: () => T): T;
  setOptions(id: string, options: ProductOption[], at: number): void;
  /** `position`: where it is listed among the product's variants */
  createVariant(variant: Variant, position: number): void;
  getVariant(id: string): Variant | undefined;
  findVariantBySku(sku: string): Variant | undefined;
  /** everything but the stock, like update */
  updateVariant(variant: VariantFields): void;
  setVariantStock(id: string, stock: number, version: number, at: number): boolean;
  adjustVariantStock(id: string, delta: number, at: number): boolean;
  setVariantHasImage(id: string, hasImage: boolean, at: number): void;
  /** false when orders, flash sales or coupons still name it */
  deleteVariant(id: string): boolean;
}

/** what an edit of a variant writes: never its stock */
export type VariantFields = Pick<Variant, 'id' | 'sku' | 'options' | 'price' | 'compareAtPrice' | 'updatedAt'> & { position: number };

export interface OverlayStateRepository {
  get(showId: string): OverlayState | undefined;
  save(showId: string, state: OverlayState, at: number): void;
}

export interface FlashSaleRepository {
  create(sale: FlashSale): void;
  get(id: string): FlashSale | undefined;
  listForShow(showId: string): FlashSale[];
  /** ends it now (ends_at = at) if it is still running */
  end(id: string, at: number): void;
  /** ends it now because it sold out: until its scheduled end, orders that name no price stay sold out */
  endSoldOut(id: string, at: number): void;
}

export interface ViewerRepository {
  create(viewer: Viewer, tokenHash: string): void;
  findByTokenHash(tokenHash: string): Viewer | undefined;
  get(id: string): Viewer | undefined;
  /** what the viewer was asked once (contact, shipping address), remembered across shows */
  profile(id: string): { contact: Contact | null; shippingAddress: ShippingAddress | null };
  setProfile(id: string, profile: { contact: Contact; shippingAddress: ShippingAddress }): void;
}

/** What a status change writes besides the status (times, the shipment). */
export interface OrderTransition {
  paidAt?: number;
  shippedAt?: number;
  carrier?: string;
  trackingNumber?: string;
}

/** The merchant's order list: every filter optional, newest first, `before` pages on. */
export interface OrderListFilter {
  orderId?: string;
  showId?: string;
  status?: OrderStatus;
  productId?: string;
  /** created at or after (ms) */
  from?: number;
  /** created before (ms) */
  to?: number;
  limit: number;
  /** the `next` cursor of the previous page */
  before?: string;
}

/** Orders, stock and the webhook outbox change together, in one transaction per call. */
export interface OrderLedger {
  /** resolves once the order (or the refusal) is durable on disk */
  place(request: PlaceOrder): Promise<PlaceOrderResult>;
  /** the price an order would have, with an order's refusals; reads only */
  quote(request: QuoteRequest): QuoteResult;
  get(id: string): Order | undefined;
  byPaymentRef(provider: PaymentProvider, reference: string): Order | undefined;
  /**
   * status change with its side effects (stock back on cancel and expiry), or undefined when not
   * allowed (a pending order past its hold cannot be paid)
   */
  transition(id: string, from: readonly OrderStatus[], to: OrderStatus, at: number, extra?: OrderTransition): Order | undefined;
  attachPayment(id: string, provider: PaymentProvider, reference: string, at: number): Order | undefined;
  /** expires up to `limit` pending orders whose hold ran out by `at`, in one transaction */
  expireDue(at: number, limit: number): Order[];
  listForShow(showId: string): Order[];
  listForViewer(viewerId: string): Order[];
  details(filter: OrderListFilter): { orders: OrderDetail[]; next: string | null };
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  createdAt: number;
}

export interface OutboxItem {
  id: number;
  endpointId: string;
  url: string;
  secret: string;
  eventId: string;
  eventType: WebhookEventType;
  payload: string;
  attempts: number;
}

export interface WebhookStore {
  addEndpoint(endpoint: WebhookEndpoint): void;
  listEndpoints(): WebhookEndpoint[];
  removeEndpoint(id: string): boolean;
  enqueue(eventType: WebhookEventType, payload: Record<string, unknown>, at: number): void;
  due(now: number, limit: number): OutboxItem[];
  recordAttempt(item: OutboxItem, result: { at: number; statusCode: number | null; error: string | null; durationMs: number; delivered: boolean; nextAttemptAt: number | null }): void;
  deliveries(endpointId: string, limit: number): Array<{ eventId: string; eventType: string; attempt: number; at: number; statusCode: number | null; error: string | null; durationMs: number }>;
}

/** chat_messages and chat_settings */
export interface ChatRepository {
  /** many messages in one transaction: chat is written once per tick, not once per message */
  insertMany(messages: ChatMessage[]): void;
  recent(showId: string, limit: number): ChatMessage[];
  get(id: string): ChatMessage | undefined;
  markDeleted(id: string, at: number, by: string): boolean;
  /** every message of the viewer not yet deleted, in every show; returns what it deleted */
  markAllDeletedBy(viewerId: string, at: number, by: string): Array<{ id: string; showId: string }>;
  countForViewer(viewerId: string, showId: string): number;
  settings(showId: string): ChatSettings;
  saveSettings(showId: string, settings: ChatSettings): void;
}

/** timeouts, bans and who moderates */
export interface ModerationRepository {
  addSanction(sanction: Sanction, at: number): void;
  /** lifts bans and timeouts of the viewer (in the show, or everywhere when showId is null) */
  liftSanctions(viewerId: string, at: number): number;
  activeSanction(viewerId: string, showId: string, now: number): Sanction | undefined;
  isModerator(viewerId: string): boolean;
  setModerator(viewerId: string, moderator: boolean, at: number): void;
  moderators(): Array<{ viewerId: string; displayName: string; grantedAt: number }>;
}

export interface HostVoiceRepository {
  /** the viewer row the host speaks through in chat, made on first use */
  hostVoice(host: string, displayName: string, at: number): { id: string; displayName: string };
  hostVoiceIds(): string[];
}

export interface PollRepository {
  create(poll: Poll): void;
  get(id: string): Poll | undefined;
  current(showId: string): Poll | undefined;
  close(id: string, at: number): void;
  /** false when the viewer has voted in this poll already */
  vote(pollId: string, viewerId: string, option: number, at: number): boolean;
  tally(pollId: string): number[];
  votesInShow(viewerId: string, showId: string): number;
}

export interface QuestionRepository {
  create(question: Omit<Question, 'votes' | 'displayName'>): void;
  get(id: string): Question | undefined;
  /** open ones first by votes, then oldest first */
  ranked(showId: string, includeAnswered: boolean, limit: number): Question[];
  /** false when the viewer has upvoted it already */
  upvote(questionId: string, viewerId: string): boolean;
  markAnswered(id: string, at: number): boolean;
}

/** who watched which show, and for how long */
export interface WatchSessionRepository {
  openSession(showId: string, viewerId: string, at: number): number;
  touchSessions(ids: number[], at: number): void;
  watchMs(viewerId: string, showId: string): number;
  /** signed-in viewers who were watching at some moment between from and to */
  viewersBetween(showId: string, from: number, to: number): string[];
}

export interface HostActivityRepository {
  /** watch time, comments and paid-or-pending purchases of a viewer across the host's shows */
  hostActivity(viewerId: string, host: string): HostActivity;
}

export interface LineupRepository {
  get(showId: string): string[];
  set(showId: string, productIds: string[]): void;
  /** every product some show's lineup names (shown to viewers somewhere) */
  everListed(): string[];
  /** whether some show's lineup names this product */
  listedAnywhere(productId: string): boolean;
}

export interface CouponRepository {
  create(coupon: Coupon): void;
  get(id: string): Coupon | undefined;
  byCode(code: string): Coupon | undefined;
  list(): Coupon[];
  /** the show's own coupons and the store-wide ones */
  forShow(showId: string): Coupon[];
  disable(id: string, at: number): boolean;
  /** records that a viewer unlocked a gated coupon; for first-N coupons only while fewer than `firstN` have */
  claim(couponId: string, viewerId: string, showId: string, at: number, firstN: number | null): boolean;
  claimed(couponId: string, viewerId: string): boolean;
  claims(couponId: string): number;
  usesBy(couponId: string, viewerId: string): number;
}

/** What became of a show's recording once the show ended. */
export interface RecordingRepository {
  /** ids of the shows that ended before `before` and whose recording is still there */
  endedBefore(before: number): string[];
  /**
   * the show's media is gone: its recording_deleted_at is set (a second call keeps the first
   * time) and its clips are marked deleted, in one transaction
   */
  markDeleted(showId: string, at: number): void;
  /** when the show's media was deleted; null while it is there, undefined for no such show */
  deletedAt(showId: string): number | null | undefined;
}

/** the clips table: demo clips cut from a show's recording */
export interface ClipRepository {
  /** a clip about to be cut (status pending) */
  createPending(clip: Pick<Clip, 'id' | 'showId' | 'productId' | 'startMs' | 'endMs' | 'createdAt'>): void;
  get(id: string): Clip | undefined;
  /** false when it is no longer pending (its recording was deleted meanwhile) */
  markReady(id: string, media: { durationMs: number; bytes: number }, at: number): boolean;
  markFailed(id: string, error: string): boolean;
  /** newest first; `readyOnly` for the public: ready clips of shows not scheduled (a rehearsal's media is private) */
  listForProduct(productId: string, options: { readyOnly: boolean; limit: number }): Clip[];
  listForShow(showId: string, options: { readyOnly: boolean; limit: number }): Clip[];
  /** the show's media is gone: every clip of it becomes deleted; returns how many changed */
  markDeletedForShow(showId: string): number;
  /** pending clips a stopped server left behind become failed (at start); returns how many */
  failAbandoned(error: string): number;
}
