import type { ShowEvent } from './show.js';

/**
 * What the post-show report reads, as plain rows: the port `src/report/` declares and `src/db/`
 * implements (report code never imports db). Times are wall-clock ms since the epoch.
 */
export interface WatchSpan {
  viewerId: string;
  joinedAt: number;
  lastSeenAt: number;
}

/** an order that stands (pending, paid or shipped) */
export interface ReportOrder {
  productId: string;
  viewerId: string;
  quantity: number;
  total: number;
  currency: string;
  createdAt: number;
}

/** a chat line a viewer typed (deleted lines and the host's own voice left out) */
export interface ChatLine {
  viewerId: string;
  text: string;
  at: number;
}

export interface ReportQuestion {
  id: string;
  kind: 'question' | 'demo';
  text: string;
  productId: string | null;
  votes: number;
  answered: boolean;
}

/** a product as the report names and matches it */
export interface ReportProduct {
  id: string;
  title: string;
  sku: string;
  currency: string;
  /** the SKUs of its variants (a viewer may type one) */
  variantSkus: string[];
  /** stock left now: the product's, or the sum of its variants' */
  stockLeft: number;
  aliases: string[];
}

export interface ReportSource {
  watchSpans(showId: string): WatchSpan[];
  standingOrders(showId: string): ReportOrder[];
  /** at most `limit` lines, oldest first */
  chatLines(showId: string, limit: number): ChatLine[];
  questions(showId: string, limit: number): ReportQuestion[];
  /** pin, unpin and show.ended events, in order */
  pinEvents(showId: string): ShowEvent[];
  /** the show's lineup products together with the ids given (pinned, ordered, asked about) */
  products(showId: string, alsoIds: readonly string[]): ReportProduct[];
  /** the host's shows that ended and had started before `before`, newest first */
  previousShows(host: string, before: number, limit: number): Array<{ id: string; startedAt: number; endedAt: number }>;
}

/** product_aliases: what viewers call a product besides its title and SKU */
export interface ProductAliasRepository {
  list(productId: string): string[];
  /** replaces the product's whole list */
  replace(productId: string, aliases: readonly string[], at: number): void;
}
