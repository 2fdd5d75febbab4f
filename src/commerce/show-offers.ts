import type { FlashSale } from '../domain/overlay.js';
import type { FlashSaleRepository, LineupRepository } from '../domain/ports.js';
import type { Product, ProductOption, Variant } from '../domain/product.js';
import type { ShowLineup } from './show-lineup.js';

/** What a viewer may see of a product: no SKU, no timestamps; picture URLs. */
export type LineupItem = Pick<Product, 'id' | 'title' | 'description' | 'price' | 'currency' | 'compareAtPrice' | 'stock'> & {
  imageUrl: string | null;
  thumbUrl: string | null;
};

/** A variant as it can be bought now: its price in force and how many are left at it. */
export interface VariantOffer {
  id: string;
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAtPrice: number | null;
  priceNow: number;
  stockLeft: number;
  /** the flash sale that sets priceNow (one on this variant or on the whole product), if one does */
  saleId: string | null;
  thumbUrl?: string;
}

/** A lineup product as it can be bought now: the price in force and how many are left at it. */
export interface Offer extends LineupItem {
  priceNow: number;
  /** with variants, the sum of theirs (at most what a sale on the whole product has left) */
  stockLeft: number;
  /** the flash sale on the whole product that sets priceNow, if one does */
  saleId: string | null;
  options: ProductOption[];
  variants: VariantOffer[];
}

export type SaleState = 'running' | 'sold out' | 'ended';

/** The show's latest flash sale and where it stands. */
export interface SaleView {
  id: string;
  productId: string;
  variantId: string | null;
  price: number;
  quantity: number;
  remaining: number;
  endsAt: string;
  state: SaleState;
}

/** Everything a page needs to show true prices and stock: pushed on each change, sent in the welcome. */
export interface LineupState {
  items: Offer[];
  sale: SaleView | null;
}

export const lineupItem = (p: Product): LineupItem => ({
  id: p.id,
  title: p.title,
  description: p.description,
  price: p.price,
  currency: p.currency,
  compareAtPrice: p.compareAtPrice,
  stock: p.stock,
  // the update time in the URL lets the images be cached for good
  imageUrl: p.hasImage ? `/media/products/${p.id}/image.webp?v=${p.updatedAt}` : null,
  thumbUrl: p.hasImage ? `/media/products/${p.id}/thumb.webp?v=${p.updatedAt}` : null,
});

/** A sale on the whole product covers every variant; one on a variant only that one. */
function variantOffer(productId: string, v: Variant, sale: FlashSale | null): VariantOffer {
  return {
    id: v.id,
    sku: v.sku,
    options: { ...v.options },
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    priceNow: sale ? sale.price : v.price,
    stockLeft: sale ? Math.min(sale.remaining, v.stock) : v.stock,
    saleId: sale?.id ?? null,
    ...(v.hasImage ? { thumbUrl: `/media/products/${productId}/variants/${v.id}/thumb.webp?v=${v.updatedAt}` } : {}),
  };
}

export function saleState(sale: FlashSale, now: number): SaleState {
  if (sale.endsAt > now && sale.remaining > 0) return 'running';
  return sale.remaining === 0 ? 'sold out' : 'ended';
}

/**
 * The one place that says what a show's products cost now and how many are left: the price an
 * order that names it is charged (a running sale's; once a sale sold out or ended, the regular
 * price), as the order rules in domain/order-decision.ts decide it.
 */
export class ShowOffers {
  constructor(
    private readonly lineup: Pick<ShowLineup, 'get'>,
    private readonly lineupIds: Pick<LineupRepository, 'get'>,
    private readonly flashSales: Pick<FlashSaleRepository, 'listForShow'>,
    private readonly now: () => number = Date.now,
  ) {}

  view(showId: string): LineupState {
    const now = this.now();
    const sale = this.flashSales.listForShow(showId).at(-1) ?? null;
    const state = sale && saleState(sale, now);
    const selling = sale && state === 'running' ? sale : null;
    const items = this.lineup.get(showId).map((p): Offer => {
      const onSale = selling?.productId === p.id ? selling : null;
      const wholeSale = onSale && onSale.variantId === null ? onSale : null;
      const variants = p.variants.map((v) => variantOffer(p.id, v, onSale && (onSale.variantId === null || onSale.variantId === v.id) ? onSale : null));
      return {
        ...lineupItem(p),
        priceNow: wholeSale ? wholeSale.price : p.price,
        // a sale on the whole product shares its quantity among the variants: each may sell all of it, together no more
        stockLeft: wholeSale ? Math.min(wholeSale.remaining, p.stock) : variants.length ? variants.reduce((sum, v) => sum + v.stockLeft, 0) : p.stock,
        saleId: wholeSale?.id ?? null,
        options: p.options.map((o) => ({ name: o.name, values: [...o.values] })),
        variants,
      };
    });
    return {
      items,
      sale: sale && state && { id: sale.id, productId: sale.productId, variantId: sale.variantId, price: sale.price, quantity: sale.quantity, remaining: sale.remaining, endsAt: new Date(sale.endsAt).toISOString(), state },
    };
  }

  /** whether the show's page lists the product (a stock change there must reach it) */
  lists(showId: string, productId: string): boolean {
    return this.lineupIds.get(showId).includes(productId);
  }
}
