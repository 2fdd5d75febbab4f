import type { EventSource } from '../domain/events.js';
import type { LineupRepository } from '../domain/ports.js';

/**
 * Whether a show's page lists a product, answered from memory: after every order the audience
 * notifier asks it once per show with viewers connected, which read the show's lineup from
 * SQLite each time. A show's entry is dropped when its lineup changes; every entry when any
 * product changes (a deleted product leaves the lineups it was in).
 */
export class LineupMembership {
  private readonly known = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly lineups: Pick<LineupRepository, 'get'>,
    private readonly maxShows = 1_000,
  ) {}

  lists(showId: string, productId: string): boolean {
    let ids = this.known.get(showId);
    if (!ids) {
      ids = new Set(this.lineups.get(showId));
      if (this.known.size >= this.maxShows) this.known.clear();
      this.known.set(showId, ids);
    }
    return ids.has(productId);
  }

  /** Subscribe before anything that asks after the same events (the audience notifier). */
  subscribe(bus: EventSource): void {
    bus.on('lineup.changed', ({ showId }) => this.known.delete(showId));
    bus.on('products.changed', () => this.known.clear());
  }
}
