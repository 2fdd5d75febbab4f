import type { FlashSale, OverlayState } from './overlay.js';
import type { Product } from './product.js';
import type { Show, ShowEvent } from './show.js';

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
}

export interface ShowEventRepository {
  append(event: Omit<ShowEvent, 'id'>): ShowEvent;
  listForShow(showId: string, limit: number): ShowEvent[];
}

export interface ProductRepository {
  create(product: Product): void;
  get(id: string): Product | undefined;
  findBySku(sku: string): Product | undefined;
  list(): Product[];
  setHasImage(id: string, hasImage: boolean, at: number): void;
}

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
}
