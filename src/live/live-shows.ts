import { rmSync } from 'node:fs';
import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { ShowEventType } from '../domain/show.js';
import type { PublishDecision, PublishRequest } from '../ingest/rtmp-ingest.js';
import type { Logger } from '../log/logger.js';
import type { EncodeProgress } from '../pipeline/progress.js';
import type { PipelineHealth } from '../pipeline/supervisor.js';

/** A running transcode for one show, as the state machine needs to see it. */
export interface Pipeline {
  stop(): Promise<void>;
  readonly restarts: number;
  /** the current run's progress; null while it is starting, stalled or restarting */
  readonly progress: EncodeProgress | null;
  readonly pid: number | undefined;
  readonly health: PipelineHealth;
}

export interface PipelineLauncher {
  /**
   * Start transcoding the stream published under streamKey (the key the publisher used, even
   * if it was rotated since); appends to existing playlists when there are any. It inspects the
   * source first; one it cannot transcode rejects with an error named 'SourceRefused' whose
   * message is for the host.
   */
  start(
    showId: string,
    streamKey: string,
    hooks: { onRestart(attempt: number, reason: string): void; onSource?(source: PublishedSource): void },
  ): Promise<Pipeline>;
  /** Close the show's playlists (EXT-X-ENDLIST) once no FFmpeg writes them. */
  end(showId: string): void;
  /** Where the show's media lives, to delete it with the show. */
  mediaDir(showId: string): string;
  /** Drop what the pipeline keeps for a show that is being deleted (its overlay pictures). */
  forget(showId: string): void;
}

/** What the host sends, as the pipeline found it (its shape picks the ladder and the layout). */
export interface PublishedSource {
  width: number;
  height: number;
  fps: number | null;
  audio: unknown;
}

export interface LiveShowsOptions {
  shows: ShowRepository;
  events: ShowEventRepository;
  pipelines: PipelineLauncher;
  logger: Logger;
  /** how long a show whose publisher dropped stays live, waiting for the host to reconnect */
  reconnectWindowMs: number;
  now?: () => number;
  /** told when a show goes live or ends (the webhook outbox listens) */
  onShowEvent?(type: 'show.live' | 'show.ended', showId: string, at: number): void;
}

interface ActiveShow {
  showId: string;
  /** the RTMP session publishing now; null while waiting for a reconnect */
  publisherSessionId: string | null;
  pipeline: Pipeline | null;
  endTimer: NodeJS.Timeout | null;
  /** pipeline starts and stops run one after the other: two FFmpeg never write one playlist */
  queue: Promise<void>;
  /** set while the show is live but the database could not be told (disk full): retried */
  liveRetry: NodeJS.Timeout | null;
}

/** how often a live mark the database refused is tried again */
const LIVE_RETRY_MS = 1000;

export interface LiveStats {
  liveShows: number;
  runningPipelines: number;
  pipelineRestartsTotal: number;
  /** only pipelines making progress now: a stalled or ended run's figures are not current */
  encodeSpeed: Array<{ showId: string; speed: number; fps: number }>;
  pipelines: Array<{ showId: string; health: PipelineHealth }>;
}

/**
 * The show state machine: scheduled -> live -> ended, driven by ingest events. A publisher that
 * drops leaves the show live for reconnectWindowMs; a reconnect in that window continues the
 * same show and the same playlists (with a discontinuity).
 */
export class LiveShows {
  private readonly active = new Map<string, ActiveShow>();
  private readonly now: () => number;
  private readonly log: Logger;
  private restartsTotal = 0;
  private closed = false;

  constructor(private readonly options: LiveShowsOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ module: 'live' });
  }

  // ---- ingest handlers -------------------------------------------------------------------

  authorizePublish = (request: PublishRequest): PublishDecision => {
    if (this.closed) return { accept: false, reason: 'server is shutting down' };
    const show = this.options.shows.findByStreamKey(request.streamKey);
    if (!show) return { accept: false, reason: 'unknown or revoked stream key' };
    if (show.status === 'ended') return { accept: false, reason: `show ${show.id} has ended` };
    const state = this.active.get(show.id);
    if (state?.publisherSessionId) return { accept: false, reason: `show ${show.id} already has a publisher` };
    // Claimed now, not at publishStarted: a second publisher racing in between is refused.
    this.activate(show.id).publisherSessionId = request.sessionId;
    return { accept: true };
  };

  publishStarted = (request: PublishRequest): void => {
    const show = this.options.shows.findByStreamKey(request.streamKey);
    const state = show && this.active.get(show.id);
    if (!show || !state || state.publisherSessionId !== request.sessionId) return;
    const at = this.now();
    if (state.endTimer) {
      clearTimeout(state.endTimer);
      state.endTimer = null;
    }
    const reconnect = show.status === 'live';
    if (!reconnect) this.goLive(state, at);
    this.record(show.id, 'publisher.connected', at, { remote: request.remoteAddress, reconnect });
    void this.enqueue(state, async () => {
      if (state.publisherSessionId !== request.sessionId || this.closed) return;
      try {
        state.pipeline = await this.options.pipelines.start(show.id, request.streamKey, {
          onRestart: (attempt, reason) => {
            this.restartsTotal += 1;
            this.record(show.id, 'pipeline.restarted', this.now(), { attempt, reason });
          },
          onSource: (source) =>
            this.record(show.id, 'source.probed', this.now(), {
              width: source.width,
              height: source.height,
              fps: source.fps,
              audio: source.audio != null,
            }),
        });
      } catch (err) {
        if (!(err instanceof Error) || err.name !== 'SourceRefused') throw err;
        // No transcoder, so no restart loop: the host reads why on the timeline and in the
        // cockpit, and a reconnect with other settings is probed afresh.
        this.log.warn({ show: show.id, reason: err.message }, 'source refused');
        this.record(show.id, 'source.refused', this.now(), { message: `Hawker cannot transcode this stream: ${err.message}` });
      }
    });
  };

  publishEnded = (request: PublishRequest): void => {
    const show = this.options.shows.findByStreamKey(request.streamKey);
    const state = show ? this.active.get(show.id) : [...this.active.values()].find((s) => s.publisherSessionId === request.sessionId);
    if (!state || state.publisherSessionId !== request.sessionId) return;
    state.publisherSessionId = null;
    const at = this.now();
    this.record(state.showId, 'publisher.disconnected', at, { remote: request.remoteAddress });
    this.log.info({ show: state.showId, reconnectWindowMs: this.options.reconnectWindowMs }, 'publisher left; waiting for a reconnect');
    void this.enqueue(state, () => this.stopPipeline(state));
    this.armEndTimer(state);
  };

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * Shows still marked live come from a process that died without ending them: give their
   * hosts the reconnect window, then end them as usual.
   */
  recover(): string[] {
    const orphans = this.options.shows.listByStatus('live');
    const at = this.now();
    for (const show of orphans) {
      const state = this.activate(show.id);
      this.log.warn({ show: show.id }, 'show was live when the server stopped; waiting for its host to reconnect');
      // The host's connection ended with the old process; the timeline says so, so that the
      // reconnect that follows pairs with a disconnect (chapters and stats read them in pairs).
      try {
        this.record(show.id, 'publisher.disconnected', at, { reason: 'server restarted' });
      } catch (err) {
        this.log.error({ err, show: show.id }, 'could not record the lost publisher');
      }
      this.armEndTimer(state);
    }
    return orphans.map((s) => s.id);
  }

  /** Whether the show has a publisher connected right now. */
  isPublishing(showId: string): boolean {
    return Boolean(this.active.get(showId)?.publisherSessionId);
  }

  /** Forget a show about to be deleted (it must not be publishing). */
  async discard(showId: string): Promise<void> {
    const state = this.active.get(showId);
    if (state) {
      if (state.endTimer) clearTimeout(state.endTimer);
      state.endTimer = null;
      await this.enqueue(state, () => this.stopPipeline(state));
      this.active.delete(showId);
    }
    rmSync(this.options.pipelines.mediaDir(showId), { recursive: true, force: true });
    this.options.pipelines.forget(showId);
  }

  /** End every live show: stop FFmpeg, close the playlists. Used on SIGTERM. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.active.values()].map((state) => this.endShow(state, 'server shutdown')));
  }

  stats(): LiveStats {
    const states = [...this.active.values()];
    return {
      liveShows: states.length,
      runningPipelines: states.filter((s) => s.pipeline).length,
      pipelineRestartsTotal: this.restartsTotal,
      encodeSpeed: states.flatMap((s) =>
        s.pipeline?.progress ? [{ showId: s.showId, speed: s.pipeline.progress.speed, fps: s.pipeline.progress.fps }] : [],
      ),
      pipelines: states.flatMap((s) => (s.pipeline ? [{ showId: s.showId, health: s.pipeline.health }] : [])),
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * Runs inside the ingest's publish handler, so it never throws. When the database cannot
   * store the live mark (disk full) the show goes live anyway: viewers are told, the pipeline
   * starts, and the mark is written when the database takes writes again.
   */
  private goLive(state: ActiveShow, at: number): void {
    const showId = state.showId;
    try {
      this.options.shows.markLive(showId, at);
    } catch (err) {
      this.log.error({ err, show: showId }, 'show is live, but the database could not record it; retrying every second');
      this.tell('show.live', showId, at);
      if (!state.liveRetry) {
        state.liveRetry = setInterval(() => {
          if (this.active.get(showId) !== state) return this.stopLiveRetry(state);
          try {
            this.options.shows.markLive(showId, at);
          } catch {
            return;
          }
          this.stopLiveRetry(state);
          this.record(showId, 'show.live', at, { recordedLate: true });
          this.log.info({ show: showId }, 'show is live (recorded late)');
        }, LIVE_RETRY_MS);
        state.liveRetry.unref();
      }
      return;
    }
    this.record(showId, 'show.live', at, {});
    this.log.info({ show: showId }, 'show is live');
  }

  private stopLiveRetry(state: ActiveShow): void {
    if (state.liveRetry) clearInterval(state.liveRetry);
    state.liveRetry = null;
  }

  private activate(showId: string): ActiveShow {
    let state = this.active.get(showId);
    if (!state) {
      state = { showId, publisherSessionId: null, pipeline: null, endTimer: null, queue: Promise.resolve(), liveRetry: null };
      this.active.set(showId, state);
    }
    return state;
  }

  private armEndTimer(state: ActiveShow): void {
    if (state.endTimer) clearTimeout(state.endTimer);
    state.endTimer = setTimeout(() => {
      state.endTimer = null;
      try {
        if (!state.publisherSessionId) void this.endShow(state, 'publisher did not come back');
      } catch (err) {
        // endShow's own work runs in the queue, which logs its failures; this is the rest
        this.log.error({ err, show: state.showId }, 'could not end the show after its reconnect window');
      }
    }, this.options.reconnectWindowMs);
  }

  private endShow(state: ActiveShow, reason: string): Promise<void> {
    this.stopLiveRetry(state);
    if (state.endTimer) clearTimeout(state.endTimer);
    state.endTimer = null;
    state.publisherSessionId = null;
    return this.enqueue(state, async () => {
      await this.stopPipeline(state);
      if (this.active.get(state.showId) !== state) return;
      this.active.delete(state.showId);
      const show = this.options.shows.get(state.showId);
      if (!show) return;
      try {
        this.options.pipelines.end(state.showId);
      } catch (err) {
        this.log.error({ err, show: state.showId }, 'could not close the playlists');
      }
      const at = this.now();
      this.options.shows.markEnded(state.showId, at);
      this.record(state.showId, 'show.ended', at, { reason });
      this.log.info({ show: state.showId, reason }, 'show ended');
    });
  }

  private async stopPipeline(state: ActiveShow): Promise<void> {
    const pipeline = state.pipeline;
    state.pipeline = null;
    if (pipeline) await pipeline.stop();
  }

  /** Runs the show's tasks one after another; the promise never rejects (a failure is logged). */
  private enqueue(state: ActiveShow, task: () => Promise<void> | void): Promise<void> {
    const next = state.queue.then(task).catch((err: unknown) => {
      this.log.error({ err, show: state.showId }, 'live state task failed');
    });
    state.queue = next;
    return next;
  }

  /**
   * Called from ingest handlers: a timeline event the database cannot take (disk full) is
   * logged and dropped rather than thrown into node-media-server, which would end the process.
   */
  private record(showId: string, type: ShowEventType, at: number, payload: Record<string, unknown>): void {
    try {
      this.options.events.append({ showId, type, at, payload });
    } catch (err) {
      this.log.error({ err, show: showId, type }, 'show event could not be recorded');
    }
    if (type === 'show.live' || type === 'show.ended') this.tell(type, showId, at);
  }

  private tell(type: 'show.live' | 'show.ended', showId: string, at: number): void {
    try {
      this.options.onShowEvent?.(type, showId, at);
    } catch (err) {
      this.log.error({ err, show: showId, type }, 'show event listener failed');
    }
  }
}
