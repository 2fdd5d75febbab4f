import { HawkerError } from '../domain/errors.js';
import type { LineupRepository, ShowRepository } from '../domain/ports.js';
import type { Product } from '../domain/product.js';
import type { ProductCatalog } from './product-catalog.js';

export const LINEUP_MAX = 200;

/** The products a show will present, in order: the viewer page's product list. */
export class ShowLineup {
  private readonly changedListeners: Array<(showId: string) => void> = [];

  constructor(
    private readonly shows: ShowRepository,
    private readonly repo: LineupRepository,
    private readonly catalog: ProductCatalog,
  ) {}

  get(showId: string): Product[] {
    this.requireShow(showId);
    const products: Product[] = [];
    for (const id of this.repo.get(showId)) {
      try {
        products.push(this.catalog.get(id));
      } catch {
        // a product deleted since it was put in the lineup just drops out of it
      }
    }
    return products;
  }

  set(showId: string, productIds: string[]): Product[] {
    this.requireShow(showId);
    if (productIds.length > LINEUP_MAX) throw new HawkerError('INVALID_PRODUCT', `a lineup holds at most ${LINEUP_MAX} products`);
    const seen = new Set<string>();
    for (const id of productIds) {
      if (seen.has(id)) throw new HawkerError('INVALID_PRODUCT', `product ${id} is in the lineup twice`);
      seen.add(id);
      this.catalog.get(id);
    }
    this.repo.set(showId, productIds);
    this.changed(showId);
    return this.get(showId);
  }

  /**
   * Puts the product at the end of the lineup unless it is there: a product on the video (pinned,
   * on sale) is always one the page lists and sells. Returns whether it was added.
   */
  ensure(showId: string, productId: string): boolean {
    const ids = this.repo.get(showId);
    if (ids.includes(productId)) return false;
    if (ids.length >= LINEUP_MAX) throw new HawkerError('INVALID_PRODUCT', `the lineup holds ${LINEUP_MAX} products, the most it may: take one out to put ${productId} on the video`);
    this.repo.set(showId, [...ids, productId]);
    this.changed(showId);
    return true;
  }

  /** told after each change of a show's lineup */
  onChanged(listener: (showId: string) => void): void {
    this.changedListeners.push(listener);
  }

  private changed(showId: string): void {
    for (const listener of this.changedListeners) listener(showId);
  }

  private requireShow(showId: string): void {
    if (!this.shows.get(showId)) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
  }
}
