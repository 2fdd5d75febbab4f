import type { EventSource } from '../domain/events.js';

/** What a shop's page is told about one of its SKUs that is in a live show now. */
export interface LiveNowItem {
  showId: string;
  title: string;
  productId: string;
  /** the product is pinned on the video right now */
  onScreen: boolean;
  watchUrl: string;
  /** the mini player (the watch page's mini mode) on this product */
  playerUrl: string;
}

/** What the index reads when it rebuilds a show; db/ and live/ implement it, wired in services.ts. */
export interface LiveNowSources {
  /** shows on air now (public: never a rehearsal), asked once at start; afterwards the bus says */
  liveShowIds(): string[];
  show(id: string): { id: string; title: string } | undefined;
  /** the show's lineup, product ids in order */
  lineup(showId: string): readonly string[];
  product(id: string): { id: string; sku: string; variants: ReadonlyArray<{ sku: string }> } | undefined;
  /** the product pinned on the show's video now, if any */
  pinnedProductId(showId: string): string | null;
}

interface ShowEntry {
  showId: string;
  title: string;
  /** when it joined the index: of two live shows with the same SKU, the later one wins */
  since: number;
  pinned: string | null;
  /** SKU (product's and every variant's) to product id */
  skus: Map<string, string>;
}

interface Indexed {
  item: LiveNowItem;
  /** `"<sku>":{…}`: the answer is these joined, so a request serialises nothing */
  json: string;
}

/**
 * SKU -> the live show that presents it, in memory: GET /api/live-now answers every product
 * page view of a shop from here, so a lookup is a Map read per SKU and the answer is joined from
 * JSON fragments made when the index changed. Kept current from the bus (a show goes live or
 * ends, its lineup or pin changes, products change) and built at start for shows already live.
 * Changes are rare (a merchant's click), reads are many: every change rebuilds the affected
 * show's entry and then the whole SKU map (a few live shows of at most 200 products each).
 */
export class LiveNowIndex {
  private readonly shows = new Map<string, ShowEntry>();
  private bySku = new Map<string, Indexed>();
  private sequence = 0;

  constructor(
    private readonly sources: LiveNowSources,
    private readonly publicUrl: string,
    private readonly onError: (err: unknown, showId: string) => void = () => {},
  ) {}

  /** Builds the entries of the shows live at start; then follows the bus. */
  start(bus: EventSource): void {
    for (const id of this.sources.liveShowIds()) this.load(id);
    this.reindex();
    bus.on('show.live', ({ showId }) => this.refresh(showId));
    bus.on('show.ended', ({ showId }) => {
      if (this.shows.delete(showId)) this.reindex();
    });
    bus.on('lineup.changed', ({ showId }) => {
      if (this.shows.has(showId)) this.refresh(showId);
    });
    bus.on('overlay.changed', ({ showId }) => this.pinChanged(showId));
    // a SKU edited, a variant added or a product deleted: every live show that lists it
    bus.on('products.changed', ({ productIds }) => {
      const changed = new Set(productIds);
      let any = false;
      for (const entry of [...this.shows.values()]) {
        if (![...entry.skus.values()].some((id) => changed.has(id)) && !this.lists(entry.showId, changed)) continue;
        this.load(entry.showId, entry.since);
        any = true;
      }
      if (any) this.reindex();
    });
  }

  /** The live SKUs among these (unknown ones are left out). */
  lookup(skus: Iterable<string>): Record<string, LiveNowItem> {
    const out: Record<string, LiveNowItem> = {};
    for (const sku of skus) {
      const hit = this.bySku.get(sku);
      if (hit) out[sku] = hit.item;
    }
    return out;
  }

  /** `{"items":{…}}` for these SKUs, from the fragments kept with the index (a repeated SKU once). */
  json(skus: Iterable<string>): string {
    const parts: string[] = [];
    const seen = new Set<string>();
    for (const sku of skus) {
      const hit = this.bySku.get(sku);
      if (!hit || seen.has(sku)) continue;
      seen.add(sku);
      parts.push(hit.json);
    }
    return `{"items":{${parts.join(',')}}}`;
  }

  /** how many SKUs are live now (metrics, tests) */
  get size(): number {
    return this.bySku.size;
  }

  private refresh(showId: string): void {
    this.load(showId, this.shows.get(showId)?.since);
    this.reindex();
  }

  /** a product added to a lineup since the entry was built is not in its SKUs yet */
  private lists(showId: string, productIds: Set<string>): boolean {
    try {
      return this.sources.lineup(showId).some((id) => productIds.has(id));
    } catch (err) {
      this.onError(err, showId);
      return false;
    }
  }

  private pinChanged(showId: string): void {
    const entry = this.shows.get(showId);
    if (!entry) return;
    const pinned = this.pinnedOf(showId);
    if (pinned === entry.pinned) return;
    entry.pinned = pinned;
    this.reindex();
  }

  private pinnedOf(showId: string): string | null {
    try {
      return this.sources.pinnedProductId(showId);
    } catch (err) {
      this.onError(err, showId);
      return null;
    }
  }

  /** (Re)reads one live show; a failure leaves the show out rather than stale. */
  private load(showId: string, since = ++this.sequence): void {
    try {
      const show = this.sources.show(showId);
      if (!show) {
        this.shows.delete(showId);
        return;
      }
      const skus = new Map<string, string>();
      for (const productId of this.sources.lineup(showId)) {
        const product = this.sources.product(productId);
        if (!product) continue; // deleted since it joined the lineup
        skus.set(product.sku, product.id);
        for (const variant of product.variants) skus.set(variant.sku, product.id);
      }
      this.shows.set(showId, { showId, title: show.title, since, pinned: this.pinnedOf(showId), skus });
    } catch (err) {
      this.shows.delete(showId);
      this.onError(err, showId);
    }
  }

  private reindex(): void {
    const next = new Map<string, Indexed>();
    // oldest first, so a later show (or the one with the product on screen) overwrites
    const entries = [...this.shows.values()].sort((a, b) => a.since - b.since);
    for (const entry of entries) {
      for (const [sku, productId] of entry.skus) {
        const onScreen = entry.pinned === productId;
        const held = next.get(sku);
        if (held && held.item.onScreen && !onScreen) continue;
        const item: LiveNowItem = {
          showId: entry.showId,
          title: entry.title,
          productId,
          onScreen,
          watchUrl: `${this.publicUrl}/watch/${entry.showId}`,
          playerUrl: `${this.publicUrl}/watch/${entry.showId}?embed=mini&product=${encodeURIComponent(productId)}`,
        };
        next.set(sku, { item, json: `${JSON.stringify(sku)}:${JSON.stringify(item)}` });
      }
    }
    this.bySku = next;
  }
}
