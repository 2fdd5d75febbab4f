import { HawkerError } from '../domain/errors.js';
import { newShowId, newStreamKey } from '../domain/ids.js';
import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { Show, ShowEvent } from '../domain/show.js';
import type { LiveShows } from './live-shows.js';
import { requireText } from '../domain/text.js';

/** Merchant-facing operations on shows; the live state machine guards what a live show allows. */
export class ShowCatalog {
  constructor(
    private readonly shows: ShowRepository,
    private readonly events: ShowEventRepository,
    private readonly live: LiveShows,
    private readonly now: () => number = Date.now,
  ) {}

  create(title: string, details: { host?: string; scheduledAt?: number | null } = {}): Show {
    const show: Show = {
      id: newShowId(),
      title: requireText('title', title),
      host: details.host ? requireText('host', details.host) : '',
      scheduledAt: details.scheduledAt ?? null,
      status: 'scheduled',
      streamKey: newStreamKey(),
      createdAt: this.now(),
      startedAt: null,
      endedAt: null,
    };
    this.shows.create(show);
    return show;
  }

  list(): Show[] {
    return this.shows.list();
  }

  get(id: string): Show {
    const show = this.shows.get(id);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${id}`);
    return show;
  }

  /** The old key stops working at once for new publishes; a host already live stays on air. */
  rotateStreamKey(id: string): Show {
    this.get(id);
    this.shows.setStreamKey(id, newStreamKey());
    this.events.append({ showId: id, type: 'streamkey.rotated', at: this.now(), payload: {} });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    if (this.live.isPublishing(id)) throw new HawkerError('SHOW_LIVE');
    await this.live.discard(id);
    this.shows.delete(id);
  }

  timeline(id: string, limit: number): ShowEvent[] {
    this.get(id);
    return this.events.listForShow(id, limit);
  }
}
