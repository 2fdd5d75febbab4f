import { HawkerError } from '../domain/errors.js';
import type { LineupRepository, ShowRepository } from '../domain/ports.js';
import type { Product } from '../domain/product.js';
import type { ProductCatalog } from './product-catalog.js';

export const LINEUP_MAX = 200;

/** The products a show will present, in order: the viewer page's product list. */
export class ShowLineup {
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
    return this.get(showId);
  }

  private requireShow(showId: string): void {
    if (!this.shows.get(showId)) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
  }
}
