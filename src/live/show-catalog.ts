import { HawkerError } from '../domain/errors.js';
import { newShowId, newStreamKey } from '../domain/ids.js';
import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { PhaseRefusal, ShowPhaseKind } from '../domain/show-phase.js';
import type { Show, ShowEvent } from '../domain/show.js';
import type { LiveShows } from './live-shows.js';
import { requireText } from '../domain/text.js';

/** Merchant-facing operations on shows; the live state machine guards what a live show allows. */
export class ShowCatalog {
  /** shows whose media is public: once live, a show never goes back to scheduled */
  private readonly publicMedia = new Set<string>();

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
      recordingDeletedAt: null,
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
    this.publicMedia.delete(id);
  }

  /** Go live: the rehearsing stream goes on air for every viewer. */
  goLive(id: string): Show {
    this.get(id);
    const refusal = this.live.goLive(id);
    if (refusal) throw refusalError(refusal);
    return this.get(id);
  }

  /** End show: stops the stream and closes the recording; answers once it has ended. */
  async end(id: string): Promise<Show> {
    this.get(id);
    const refusal = await this.live.end(id);
    if (refusal) throw refusalError(refusal);
    return this.get(id);
  }

  /** Where the show is in its life (rehearsal and waiting for the host are known only here). */
  phaseOf(show: Show): ShowPhaseKind {
    return this.live.phaseOf(show);
  }

  /**
   * Whether the show's playlists and segments are for everyone: from the moment it went live
   * (for viewers: the database may learn it later on a full disk). Before that (scheduled,
   * rehearsing) they are the cockpit's preview only.
   */
  mediaIsPublic(id: string): boolean {
    if (this.publicMedia.has(id)) return true;
    const show = this.shows.get(id);
    // no such show: nothing of a rehearsal to hide (a deleted show's media is gone with it)
    if (!show) return true;
    const phase = this.live.phaseOf(show);
    if (phase === 'scheduled' || phase === 'rehearsal') return false;
    this.publicMedia.add(id);
    return true;
  }

  timeline(id: string, limit: number): ShowEvent[] {
    this.get(id);
    return this.events.listForShow(id, limit);
  }
}

function refusalError(refusal: PhaseRefusal): HawkerError {
  switch (refusal) {
    case 'not-rehearsing':
      return new HawkerError('SHOW_NOT_REHEARSING');
    case 'not-live':
      return new HawkerError('SHOW_NOT_LIVE');
    case 'has-publisher':
    case 'ending':
    case 'ended':
      return new HawkerError('SHOW_ENDED');
  }
}
