import { randomBytes } from 'node:crypto';
import type { ProductCatalog } from '../commerce/product-catalog.js';
import { HawkerError } from '../domain/errors.js';
import type { EventSource } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import { emptyOverlayState, type FlashSale, type OverlayChange, type OverlayState, type Theme } from '../domain/overlay.js';
import type { FlashSaleRepository, OverlayStateRepository, ShowEventRepository, ShowRepository } from '../domain/ports.js';
import { variantChoiceLine, variantLabel } from '../domain/product.js';
import type { Show } from '../domain/show.js';
import type { Logger } from '../log/logger.js';
import type { FrameSize, Orientation } from '../domain/frame.js';
import { OverlayFeed, type FeedUpdate, type OverlayInput } from '../overlay/feed.js';
import { layoutFor, type FrameLayout } from '../overlay/layout.js';
import { renderScene, type OverlayScene, type SlotSvgs } from '../overlay/render.js';
import { slotNames, type OverlayTheme, type SlotName } from '../overlay/templates.js';
import { requireText } from '../domain/text.js';

export interface ShowOverlaysOptions {
  shows: ShowRepository;
  events: ShowEventRepository;
  states: OverlayStateRepository;
  flashSales: FlashSaleRepository;
  catalog: ProductCatalog;
  theme: OverlayTheme;
  /** <data>/overlay: one folder of slot files per show */
  feedRoot: string;
  checkoutUrl(showId: string, productId: string): string;
  /** PROGRAM-DATE-TIME the running pipeline is writing now, if any */
  programDateTimeNow(showId: string): number | null;
  logger: Logger;
  now?: () => number;
  /** after each change is stored and on the timeline: viewers hear of it with its PDT */
  onChange?(showId: string, change: OverlayChange, programDateTime: string | null, at: number): void;
  /** a product put on the video joins the show's lineup, so the page lists it and it can be bought */
  ensureInLineup?(showId: string, productId: string): void;
}

export interface OverlayView {
  showId: string;
  state: OverlayState;
  pinnedProduct: { id: string; title: string; price: number; currency: string } | null;
  flashSale: (FlashSale & { secondsLeft: number }) | null;
  /** where each slot is drawn on the show's video, for a page that puts tap targets over them */
  layout: ScreenLayout;
}

/** A slot's box as fractions of the video's width and height (the same on every rendition). */
export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenLayout {
  orientation: Orientation;
  /** the top rendition's size now (a reconnect in another shape changes it) */
  frame: FrameSize;
  slots: Record<SlotName, ScreenBox>;
}

const fraction = (n: number) => Math.round(n * 10_000) / 10_000;

/** The layout as fractions of the frame, so a page can scale it to the video element it plays in. */
export function screenLayout(layout: FrameLayout): ScreenLayout {
  const { width, height } = layout.frame;
  const slots = {} as Record<SlotName, ScreenBox>;
  for (const slot of slotNames) {
    const p = layout.slots[slot];
    slots[slot] = { x: fraction(p.x / width), y: fraction(p.y / height), width: fraction(p.width / width), height: fraction(p.height / height) };
  }
  return { orientation: layout.orientation, frame: { width, height }, slots };
}

export interface StartFlashSale {
  productId: string;
  /** one variant on sale; every variant of the product when not given */
  variantId?: string;
  price: number;
  /** at most the stock left; all of it when not given */
  quantity?: number;
  durationSeconds: number;
  perCustomerLimit?: number;
}

/** How long "ENDED" / "SOLD OUT" stays drawn after a sale ended (it has ended everywhere at once: state, timeline, sockets). */
const FLASH_SALE_LINGER_MS = 5000;

/**
 * Owns what each show has on screen: applies the merchant's commands, stores the state,
 * puts every change on the show's timeline, and keeps the show's overlay feed drawn, with a
 * redraw on each second boundary of a running countdown.
 */
export class ShowOverlays {
  private readonly feeds = new Map<string, OverlayFeed>();
  private readonly tickers = new Map<string, NodeJS.Timeout>();
  /** per show: the sale that just ended, still drawn as ENDED / SOLD OUT until `until` */
  private readonly lingering = new Map<string, { saleId: string; until: number }>();
  private readonly now: () => number;
  private readonly log: Logger;
  /** a show not transcoded yet is drawn on the landscape design frame (see feed()) */
  private readonly designLayout: ScreenLayout;

  constructor(private readonly o: ShowOverlaysOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ module: 'overlay' });
    this.designLayout = screenLayout(layoutFor(o.theme, o.theme.layouts.landscape.frame));
  }

  view(showId: string): OverlayView {
    this.show(showId);
    const state = this.state(showId);
    const pinned = state.pinnedProductId ? this.o.catalog.get(state.pinnedProductId) : null;
    const sale = this.drawnSale(showId, state);
    return {
      showId,
      state,
      pinnedProduct: pinned && { id: pinned.id, title: pinned.title, price: pinned.price, currency: pinned.currency },
      flashSale: sale && { ...sale, secondsLeft: Math.max(0, Math.ceil((sale.endsAt - this.now()) / 1000)) },
      // the layout the slots are drawn with, whether or not a feed exists yet: the socket's view
      // taken inside a change and the REST answer after it must agree
      layout: this.feeds.has(showId) ? screenLayout(this.feeds.get(showId)!.layout) : this.designLayout,
    };
  }

  pin(showId: string, productId: string) {
    this.o.catalog.get(productId);
    this.show(showId);
    this.o.ensureInLineup?.(showId, productId);
    return this.change(showId, (s) => ({ ...s, pinnedProductId: productId }), { change: 'pin', productId });
  }

  unpin(showId: string) {
    return this.change(showId, (s) => ({ ...s, pinnedProductId: null }), { change: 'unpin' });
  }

  startFlashSale(showId: string, input: StartFlashSale) {
    const product = this.o.catalog.get(input.productId);
    const variant = input.variantId === undefined ? null : this.o.catalog.variant(product.id, input.variantId);
    // stock is what is left after every order so far: a sale cannot offer more than that
    const { sku, stock } = variant ?? product;
    if (stock === 0) throw new HawkerError('NOT_ENOUGH_STOCK', `${sku} is sold out: no stock left for a sale`);
    const quantity = input.quantity ?? stock;
    if (quantity > stock) {
      throw new HawkerError('NOT_ENOUGH_STOCK', `${sku} has ${stock} left in stock; the sale asks for ${quantity} (at most ${stock})`);
    }
    const show = this.show(showId);
    if (show.status === 'ended') throw new HawkerError('SHOW_ENDED');
    this.o.ensureInLineup?.(showId, product.id);
    const previous = this.state(showId).flashSaleId;
    const at = this.now();
    if (previous) this.o.flashSales.end(previous, at);
    this.lingering.delete(showId);
    const sale: FlashSale = {
      id: randomBytes(9).toString('base64url'),
      showId,
      productId: product.id,
      variantId: variant?.id ?? null,
      price: input.price,
      quantity,
      remaining: quantity,
      perCustomerLimit: input.perCustomerLimit ?? null,
      startsAt: at,
      endsAt: at + input.durationSeconds * 1000,
      createdAt: at,
    };
    this.o.flashSales.create(sale);
    const result = this.change(showId, (s) => ({ ...s, flashSaleId: sale.id }), {
      change: 'flash_sale.started',
      flashSaleId: sale.id,
      productId: product.id,
      variantId: sale.variantId,
      price: sale.price,
      quantity: sale.quantity,
      endsAt: new Date(sale.endsAt).toISOString(),
    });
    return { ...result, flashSale: sale };
  }

  stopFlashSale(showId: string) {
    const id = this.state(showId).flashSaleId;
    if (!id) throw new HawkerError('FLASH_SALE_NOT_FOUND');
    this.o.flashSales.end(id, this.now());
    this.lingering.delete(showId);
    return this.change(showId, (s) => ({ ...s, flashSaleId: null }), { change: 'flash_sale.ended', flashSaleId: id, reason: 'stopped' });
  }

  /** The overlays' own subscriptions: a sale ends the moment an order empties it. */
  subscribe(bus: EventSource): void {
    bus.on('order.placed', ({ order }) => this.afterOrder(order));
  }

  /** An order took the last of a sale (or of the product's stock): the sale ends now, everywhere. */
  afterOrder(order: Order): void {
    if (!order.flashSaleId || this.state(order.showId).flashSaleId !== order.flashSaleId) return;
    const sale = this.o.flashSales.get(order.flashSaleId);
    const product = this.tryProduct(order.productId);
    // a sale on one variant ends when that variant's stock is gone, not the product's
    const stock = sale?.variantId ? (product?.variants.find((v) => v.id === sale.variantId)?.stock ?? 0) : (product?.stock ?? 0);
    if (!sale || (sale.remaining > 0 && stock > 0)) return;
    this.endSale(order.showId, sale.id, 'sold out');
  }

  announce(showId: string, raw: string | null) {
    const text = raw === null ? null : requireText('text', raw);
    return this.change(showId, (s) => ({ ...s, announcement: text ? { text } : null }), { change: 'announcement', text });
  }

  setQr(showId: string, enabled: boolean) {
    return this.change(showId, (s) => ({ ...s, qr: enabled }), { change: 'qr', enabled });
  }

  setHidden(showId: string, hidden: boolean) {
    return this.change(showId, (s) => ({ ...s, hidden }), { change: 'hidden', hidden });
  }

  setTheme(showId: string, theme: Partial<Theme>) {
    return this.change(showId, (s) => ({ ...s, theme: { ...s.theme, ...theme } }), { change: 'theme', theme });
  }

  /**
   * The poll box on the video. Opening, closing or hiding it is a change on the timeline; the
   * tally moving while votes come in is only a redraw.
   */
  setPoll(showId: string, poll: { id: string; question: string; options: Array<{ label: string; votes: number }> } | null, record: boolean) {
    const drawn = poll && { question: poll.question, options: poll.options.map((o) => ({ label: o.label, votes: o.votes })) };
    if (record) return void this.change(showId, (s) => ({ ...s, poll: drawn }), { change: 'poll', pollId: poll?.id ?? null, question: poll?.question ?? null });
    this.o.states.save(showId, { ...this.state(showId), poll: drawn }, this.now());
    this.redrawLogged(showId);
  }

  /**
   * The pipeline's overlay inputs for a show about to be transcoded, laid out for its top
   * rendition's frame (a reconnect in another shape gets that shape's layout); drawn from the
   * stored state.
   */
  inputsFor(showId: string, frame: FrameSize = this.o.theme.layouts.landscape.frame): OverlayInput[] {
    const inputs = this.feed(showId, frame).inputs();
    this.redrawLogged(showId);
    return inputs;
  }

  /** Where each slot is on the show's video now (its last transcode's frame), for pages and tests. */
  layout(showId: string): FrameLayout | null {
    return this.feeds.get(showId)?.layout ?? null;
  }

  slotSize(slot: string, showId?: string): { width: number; height: number } {
    const layout = (showId && this.layout(showId)) || layoutFor(this.o.theme, this.o.theme.layouts.landscape.frame);
    const place = layout.slots[slot as keyof OverlayTheme['slots']];
    if (!place) throw new Error(`no overlay slot ${slot}`);
    return { width: place.width, height: place.height };
  }

  /** Stop ticking for a show and drop its files (the show ended or was deleted). */
  release(showId: string): void {
    const timer = this.tickers.get(showId);
    if (timer) clearTimeout(timer);
    this.tickers.delete(showId);
    this.lingering.delete(showId);
    this.feeds.get(showId)?.remove();
    this.feeds.delete(showId);
  }

  shutdown(): void {
    for (const timer of this.tickers.values()) clearTimeout(timer);
    this.tickers.clear();
  }

  /** What the video shows now, slot by slot, as SVG (what redraw hands the feed). */
  drawing(showId: string): SlotSvgs {
    return renderScene(this.o.theme, this.scene(showId));
  }

  /** Redraw now; resolves when the files FFmpeg reads hold the new pictures. */
  async redraw(showId: string): Promise<FeedUpdate> {
    const scene = this.scene(showId);
    try {
      const feed = this.feed(showId);
      return await feed.update(renderScene(feed.drawTheme, scene));
    } finally {
      // even after a failed draw: a countdown that stopped ticking would never end its sale
      this.scheduleTick(showId, scene);
    }
  }

  /** A redraw nobody awaits: its failure is logged here, never left unhandled. */
  private redrawLogged(showId: string): void {
    this.redraw(showId).catch((err: unknown) => this.log.error({ err, show: showId }, 'overlay redraw failed'));
  }

  private change(showId: string, apply: (s: OverlayState) => OverlayState, change: OverlayChange) {
    this.show(showId);
    const at = this.now();
    const state = apply(this.state(showId));
    this.o.states.save(showId, state, at);
    const pdt = this.o.programDateTimeNow(showId);
    const event = this.o.events.append({
      showId,
      type: 'overlay.changed',
      at,
      payload: { ...change, programDateTime: pdt != null ? new Date(pdt).toISOString() : null },
    });
    this.o.onChange?.(showId, change, (event.payload.programDateTime as string | null) ?? null, at);
    const drawn = this.redraw(showId).catch((err: unknown) => {
      this.log.error({ err, show: showId }, 'overlay redraw failed');
      return null;
    });
    return { state, event, drawn };
  }

  /** Ends a running sale at `now` (sold out, or its time is up): state, timeline and sockets at once; the box lingers. */
  private endSale(showId: string, saleId: string, reason: 'sold out' | 'ended'): void {
    const at = this.now();
    if (reason === 'sold out') this.o.flashSales.endSoldOut(saleId, at);
    else this.o.flashSales.end(saleId, at);
    this.lingering.set(showId, { saleId, until: at + FLASH_SALE_LINGER_MS });
    this.change(showId, (s) => ({ ...s, flashSaleId: null }), { change: 'flash_sale.ended', flashSaleId: saleId, reason });
  }

  /** the running sale, or the one that just ended while its ENDED / SOLD OUT box lingers */
  private drawnSale(showId: string, state: OverlayState): FlashSale | null {
    if (state.flashSaleId) return this.o.flashSales.get(state.flashSaleId) ?? null;
    const lingering = this.lingering.get(showId);
    if (!lingering || lingering.until <= this.now()) return null;
    return this.o.flashSales.get(lingering.saleId) ?? null;
  }

  private scheduleTick(showId: string, scene: OverlayScene): void {
    const existing = this.tickers.get(showId);
    if (existing) clearTimeout(existing);
    this.tickers.delete(showId);
    const sale = scene.flashSale?.sale;
    if (!sale) return;
    const now = this.now();
    const left = sale.endsAt - now;
    let delay: number;
    let after: () => void;
    if (scene.state.flashSaleId !== sale.id) {
      // the box of a sale that ended: drawn once more when it goes
      const lingering = this.lingering.get(showId);
      delay = Math.max(0, (lingering?.until ?? now) - now);
      after = () => {
        if (this.lingering.get(showId)?.saleId === sale.id) this.lingering.delete(showId);
        this.redrawLogged(showId);
      };
    } else if (left > 0) {
      // the next moment the mm:ss text changes: a whole second before the end
      delay = left - (Math.ceil(left / 1000) - 1) * 1000 + 1;
      after = () => this.redrawLogged(showId);
    } else {
      // time is up: the sale ends now, everywhere
      delay = 0;
      after = () => {
        if (this.state(showId).flashSaleId !== sale.id) return;
        this.endSale(showId, sale.id, 'ended');
      };
    }
    const timer = setTimeout(() => {
      this.tickers.delete(showId);
      try {
        after();
      } catch (err) {
        // the show may have been deleted, or the database refused the write
        this.log.error({ err, show: showId }, 'overlay timer failed');
      }
    }, delay);
    timer.unref();
    this.tickers.set(showId, timer);
  }

  private scene(showId: string): OverlayScene {
    const state = this.state(showId);
    const pinnedProduct = state.pinnedProductId ? this.tryProduct(state.pinnedProductId) : null;
    const sale = this.drawnSale(showId, state);
    const saleProduct = sale ? this.tryProduct(sale.productId) : null;
    const checkoutProduct = pinnedProduct ?? saleProduct;
    // the card shows the price in force: a running sale's, with the regular price struck through
    const running = sale && sale.id === state.flashSaleId && sale.remaining > 0 && sale.endsAt > this.now() ? sale : null;
    const saleOnCard = pinnedProduct && running?.productId === pinnedProduct.id ? running : null;
    // a sale on one variant: the card names that variant and its regular price
    const saleVariant = saleOnCard?.variantId ? (pinnedProduct?.variants.find((v) => v.id === saleOnCard.variantId) ?? null) : null;
    const regular = saleVariant?.price ?? pinnedProduct?.price ?? 0;
    const cardProduct = pinnedProduct && saleOnCard && saleOnCard.price < regular
      ? { ...pinnedProduct, price: saleOnCard.price, compareAtPrice: regular }
      : pinnedProduct;
    const variantLine = cardProduct ? (saleVariant ? `Sale: ${variantLabel(cardProduct.options, saleVariant)}` : variantChoiceLine(cardProduct)) : '';
    return {
      state,
      pinned: cardProduct && { product: cardProduct, imagePng: cardProduct.hasImage ? this.o.catalog.overlayImage(cardProduct.id) : null, variantLine },
      flashSale: sale && saleProduct ? { sale, product: saleProduct } : null,
      checkoutUrl: checkoutProduct ? this.o.checkoutUrl(showId, checkoutProduct.id) : null,
      now: this.now(),
    };
  }

  private tryProduct(id: string) {
    try {
      return this.o.catalog.get(id);
    } catch {
      return null;
    }
  }

  /**
   * The show's feed; with a frame, one laid out for that frame (replacing a feed for another
   * size, whose draws in flight then write nothing). Without one, the current feed, or one for
   * the landscape design frame while nothing has been transcoded yet.
   */
  private feed(showId: string, frame?: FrameSize): OverlayFeed {
    let feed = this.feeds.get(showId);
    const wanted = frame ?? feed?.layout.frame ?? this.o.theme.layouts.landscape.frame;
    if (!feed || feed.layout.frame.width !== wanted.width || feed.layout.frame.height !== wanted.height) {
      feed?.close();
      feed = new OverlayFeed(this.o.theme, layoutFor(this.o.theme, wanted), `${this.o.feedRoot}/${showId}`, this.log.child({ show: showId }));
      this.feeds.set(showId, feed);
    }
    return feed;
  }

  private state(showId: string): OverlayState {
    return this.o.states.get(showId) ?? emptyOverlayState();
  }

  private show(showId: string): Show {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    return show;
  }
}
