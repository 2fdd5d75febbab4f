import type { EventSource } from '../domain/events.js';
import type { Logger } from '../log/logger.js';

/** What one poster grab did (the pipeline's PosterGrabber answers this). */
export type PosterGrab = { status: 'written'; segment: string } | { status: 'no-segment' };

export interface LivePostersOptions {
  /**
   * takes the show's poster from its lowest rendition's newest segment, one that starts at or
   * after `since` (when the show went live: never a rehearsal's frame); throws when FFmpeg fails
   */
  grab(showId: string, since: number): Promise<PosterGrab>;
  /** channel.posterSeconds, in ms */
  everyMs: number;
  /** how soon to look again while a live show has no segment yet (default: min(1 s, everyMs)) */
  firstTryMs?: number;
  logger: Logger;
  /** for tests: a clock they drive */
  setTimer?: (fn: () => void, ms: number) => () => void;
  now?: () => number;
}

interface Loop {
  cancel: (() => void) | null;
  running: Promise<void> | null;
  stopped: boolean;
  /** a still was written for this run of the loop */
  written: boolean;
  /** when the show went live */
  since: number;
}

const realTimer = (fn: () => void, ms: number) => {
  // never what keeps the process alive: shutdown closes the loop
  const handle = setTimeout(fn, ms).unref();
  return () => clearTimeout(handle);
};

/**
 * Keeps a still of every live show: from show.live to show.ended it asks for a poster every
 * `everyMs`, each grab starting only once the one before it finished (never two FFmpegs for
 * one show), the next one `everyMs` after the last one started (or sooner while the stream has
 * no segment yet). At show.ended the loop stops; the last still stays as the replay's poster.
 * A grab that fails is logged and the loop goes on; nothing here throws to the bus.
 */
export class LivePosters {
  private readonly loops = new Map<string, Loop>();
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  private readonly now: () => number;
  private readonly firstTryMs: number;
  private closed = false;
  private failures = 0;

  constructor(private readonly o: LivePostersOptions) {
    this.setTimer = o.setTimer ?? realTimer;
    this.now = o.now ?? Date.now;
    this.firstTryMs = o.firstTryMs ?? Math.min(1000, o.everyMs);
  }

  subscribe(bus: EventSource): void {
    bus.on('show.live', ({ showId, at }) => this.start(showId, at));
    // a host back after a restart of the server (the show was recovered live, never told live here)
    bus.on('show.host', ({ showId, present, at }) => {
      if (present) this.start(showId, at);
    });
    // a grab in flight finishes on its own; nobody waits for it here
    bus.on('show.ended', ({ showId }) => void this.stop(showId));
  }

  /** how often a live show's still is taken again (a live poster is cached no longer) */
  get everySeconds(): number {
    return Math.max(1, Math.round(this.o.everyMs / 1000));
  }

  /** the shows whose stills are being taken */
  live(): string[] {
    return [...this.loops.keys()];
  }

  /** `since`: when the show went live (stills come from segments after it) */
  start(showId: string, since: number): void {
    if (this.closed || this.loops.has(showId)) return;
    const loop: Loop = { cancel: null, running: null, stopped: false, written: false, since };
    this.loops.set(showId, loop);
    this.schedule(showId, loop, 0);
  }

  /** Stops the show's loop; a grab in flight finishes (its still is the last one). */
  stop(showId: string): Promise<void> {
    const loop = this.loops.get(showId);
    if (!loop) return Promise.resolve();
    this.loops.delete(showId);
    loop.stopped = true;
    loop.cancel?.();
    loop.cancel = null;
    return loop.running ?? Promise.resolve();
  }

  /** Stops every loop and waits for the grabs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.loops.keys()].map((id) => this.stop(id)));
  }

  /** grabs that threw since start (FFmpeg failed or overran) */
  get failed(): number {
    return this.failures;
  }

  private schedule(showId: string, loop: Loop, ms: number): void {
    loop.cancel = this.setTimer(() => {
      loop.cancel = null;
      if (loop.stopped) return;
      loop.running = this.tick(showId, loop).finally(() => (loop.running = null));
    }, ms);
  }

  private async tick(showId: string, loop: Loop): Promise<void> {
    const startedAt = this.now();
    try {
      const result = await this.o.grab(showId, loop.since);
      if (result.status === 'written') loop.written = true;
    } catch (err) {
      this.failures += 1;
      this.o.logger.warn({ err, show: showId }, 'live poster not taken');
    }
    if (loop.stopped) return;
    const every = loop.written ? this.o.everyMs : this.firstTryMs;
    this.schedule(showId, loop, Math.max(0, startedAt + every - this.now()));
  }
}
