import { rmSync } from 'node:fs';
import type { DomainEvent, EventSink, SourceShape } from '../domain/events.js';
import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import { decide, initialPhase, isOnAir, type PhaseEffect, type PhaseInput, type PhaseRefusal, type ShowPhase, type ShowPhaseKind } from '../domain/show-phase.js';
import type { Show, ShowEventType } from '../domain/show.js';
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
  /** a rehearsing show goes live on its own at its scheduled time (at once if that has passed) */
  goLiveAtScheduledTime?: boolean;
  now?: () => number;
  /**
   * told when a show goes live or ends: its transactional subscribers (the webhook outbox) write
   * in the transaction that changes the status and appends the timeline event
   */
  bus?: EventSink;
  /**
   * drops a publisher's RTMP connection (the ingest's disconnect): End show with OBS still
   * connected disconnects it rather than ignoring a stream that keeps coming
   */
  disconnectPublisher?(sessionId: string): void;
}

interface ActiveShow {
  showId: string;
  phase: ShowPhase;
  pipeline: Pipeline | null;
  reconnectTimer: NodeJS.Timeout | null;
  /** goes live at the scheduled time (live.goLiveAtScheduledTime) */
  startTimer: NodeJS.Timeout | null;
  /** pipeline starts and stops run one after the other: two FFmpeg never write one playlist */
  queue: Promise<void>;
  /** set while the show is live but the database could not be told (disk full): retried */
  liveRetry: NodeJS.Timeout | null;
  /** the stream key the publisher used (even if rotated since): the pipeline reads that stream */
  streamKey: string | null;
  /** the last publish's source as the pipeline found it, or why it was refused: the cockpit shows it */
  source: { source: SourceShape | null; refused: string | null } | null;
}

/** how often a live mark the database refused is tried again */
const LIVE_RETRY_MS = 1000;

/** the ingest's words for a refused publish */
const publishRefusals: Record<PhaseRefusal, (showId: string) => string> = {
  'has-publisher': (id) => `show ${id} already has a publisher`,
  ending: (id) => `show ${id} is ending`,
  ended: (id) => `show ${id} has ended`,
  'not-rehearsing': (id) => `show ${id} is not rehearsing`,
  'not-live': (id) => `show ${id} is not live`,
};

export interface LiveStats {
  liveShows: number;
  runningPipelines: number;
  pipelineRestartsTotal: number;
  /** only pipelines making progress now: a stalled or ended run's figures are not current */
  encodeSpeed: Array<{ showId: string; speed: number; fps: number }>;
  pipelines: Array<{ showId: string; health: PipelineHealth }>;
}

/**
 * Runs each show's phase machine (src/domain/show-phase.ts), driven by ingest events and the
 * merchant: it feeds the inputs, keeps the phase, and carries out the effects the machine
 * decides, the ones that wait on FFmpeg one after another in the show's queue. A publisher that
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
    // Claimed now, not at publishStarted: a second publisher racing in between is refused.
    const refusal = this.dispatch(this.stateOf(show), { type: 'claim', sessionId: request.sessionId });
    if (refusal) return { accept: false, reason: publishRefusals[refusal](show.id) };
    return { accept: true };
  };

  publishStarted = (request: PublishRequest): void => {
    const show = this.options.shows.findByStreamKey(request.streamKey);
    const state = show && this.active.get(show.id);
    if (!show || !state || publisherOf(state.phase) !== request.sessionId) return;
    state.streamKey = request.streamKey;
    // a show with a scheduled time rehearses on its stream (OBS or the test pattern) until Go
    // live; one without goes live on it
    const backstage = show.scheduledAt !== null;
    this.dispatch(state, { type: 'publish', sessionId: request.sessionId, remote: request.remoteAddress, backstage });
  };

  publishEnded = (request: PublishRequest): void => {
    const show = this.options.shows.findByStreamKey(request.streamKey);
    const state = show ? this.active.get(show.id) : [...this.active.values()].find((s) => publisherOf(s.phase) === request.sessionId);
    if (!state || publisherOf(state.phase) !== request.sessionId) return;
    this.dispatch(state, { type: 'unpublish', sessionId: request.sessionId, remote: request.remoteAddress });
  };

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * Shows still marked live come from a process that died without ending them: give their
   * hosts the reconnect window, then end them as usual.
   */
  recover(): string[] {
    const orphans = this.options.shows.listByStatus('live');
    for (const show of orphans) {
      this.log.warn({ show: show.id }, 'show was live when the server stopped; waiting for its host to reconnect');
      const state = this.activate(show.id, { kind: 'scheduled', publisher: null });
      this.dispatch(state, { type: 'recover' });
    }
    return orphans.map((s) => s.id);
  }

  // ---- the merchant ---------------------------------------------------------------------------

  /** Go live: a rehearsing show goes on air (a live one stays). */
  goLive(showId: string): PhaseRefusal | null {
    const show = this.options.shows.get(showId);
    if (!show) return 'ended';
    if (this.closed) return 'ending';
    return this.dispatch(this.stateOf(show), { type: 'go-live' });
  }

  /** End show: resolves once it has ended (FFmpeg stopped, playlists closed, status stored). */
  async end(showId: string): Promise<PhaseRefusal | null> {
    const show = this.options.shows.get(showId);
    if (!show) return 'ended';
    const state = this.stateOf(show);
    const publisher = publisherOf(state.phase);
    const refusal = this.dispatch(state, { type: 'end', reason: 'ended by the merchant' });
    await state.queue;
    // after FFmpeg stopped and the playlists closed: the stream has nothing left to feed
    if (!refusal && publisher) this.dropPublisher(state.showId, publisher);
    return refusal;
  }

  /** Where the show is in its life now. */
  phaseOf(show: Show): ShowPhaseKind {
    return (this.active.get(show.id)?.phase ?? initialPhase(show.status)).kind;
  }

  /** The last publish's source (its shape, or why it was refused), while the show is held here. */
  sourceOf(showId: string): { source: SourceShape | null; refused: string | null } | null {
    return this.active.get(showId)?.source ?? null;
  }

  /** Whether the show has a publisher connected right now. */
  isPublishing(showId: string): boolean {
    const state = this.active.get(showId);
    return Boolean(state && publisherOf(state.phase));
  }

  /** Forget a show about to be deleted (it must not be publishing). */
  async discard(showId: string): Promise<void> {
    const state = this.active.get(showId);
    if (state) {
      this.cancelReconnectTimer(state);
      this.cancelStartTimer(state);
      this.stopLiveRetry(state);
      await this.enqueue(state, () => this.stopPipeline(state));
      this.active.delete(showId);
    }
    rmSync(this.options.pipelines.mediaDir(showId), { recursive: true, force: true });
    this.options.pipelines.forget(showId);
  }

  /** End every live show: stop FFmpeg, close the playlists. Used on SIGTERM. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.active.values()].map((state) => {
        this.dispatch(state, { type: 'shutdown' });
        return state.queue;
      }),
    );
  }

  stats(): LiveStats {
    const states = [...this.active.values()];
    return {
      liveShows: states.filter((s) => isOnAir(s.phase)).length,
      runningPipelines: states.filter((s) => s.pipeline).length,
      pipelineRestartsTotal: this.restartsTotal,
      encodeSpeed: states.flatMap((s) =>
        s.pipeline?.progress ? [{ showId: s.showId, speed: s.pipeline.progress.speed, fps: s.pipeline.progress.fps }] : [],
      ),
      pipelines: states.flatMap((s) => (s.pipeline ? [{ showId: s.showId, health: s.pipeline.health }] : [])),
    };
  }

  // ---- the runner ---------------------------------------------------------------------------

  /**
   * Feeds one input to the show's machine and carries out what it decided. Runs inside ingest
   * handlers and timers, so it never throws: each effect contains its own failures. Returns the
   * refusal, if the machine refused the input.
   */
  private dispatch(state: ActiveShow, input: PhaseInput): PhaseRefusal | null {
    const { phase, effects } = decide(state.phase, input);
    const changed = phase.kind !== state.phase.kind;
    state.phase = phase;
    // the cockpit hears of every phase, the rehearsal too (the host's sockets only)
    if (changed) this.tell({ type: 'show.phase', showId: state.showId, phase: phase.kind, at: this.now() });
    let refusal: PhaseRefusal | null = null;
    // once an effect waits on FFmpeg, the ones after it wait behind it, in order
    let queued = false;
    for (const effect of effects) {
      if (effect.type === 'refuse') {
        refusal = effect.refusal;
        continue;
      }
      if (queued || queuedEffects.has(effect.type)) {
        queued = true;
        void this.enqueue(state, () => this.run(state, effect));
      } else {
        this.runNow(state, effect);
      }
    }
    if (phase.kind === 'ended' && this.active.get(state.showId) === state) this.active.delete(state.showId);
    return refusal;
  }

  /** An effect inside the show's queue: its failure is logged by the queue and the next one runs. */
  private async run(state: ActiveShow, effect: Exclude<PhaseEffect, { type: 'refuse' }>): Promise<void> {
    switch (effect.type) {
      case 'start-pipeline':
        return this.startPipeline(state, effect.sessionId);
      case 'stop-pipeline':
        await this.stopPipeline(state);
        if (effect.then) this.dispatch(state, effect.then);
        return;
      case 'clear-media':
        return this.clearMedia(state.showId);
      default:
        return this.runNow(state, effect);
    }
  }

  private runNow(state: ActiveShow, effect: Exclude<PhaseEffect, { type: 'refuse' }>): void {
    const showId = state.showId;
    try {
      switch (effect.type) {
        case 'arm-reconnect-timer':
          this.log.info({ show: showId, reconnectWindowMs: this.options.reconnectWindowMs }, 'publisher left; waiting for a reconnect');
          return this.armReconnectTimer(state);
        case 'cancel-reconnect-timer':
          return this.cancelReconnectTimer(state);
        case 'arm-start-timer':
          return this.armStartTimer(state);
        case 'cancel-start-timer':
          return this.cancelStartTimer(state);
        case 'mark-live':
          return this.markLive(state, this.now());
        case 'close-playlists':
          return this.options.pipelines.end(showId);
        case 'mark-ended':
          return this.markEnded(state, effect.reason);
        case 'record':
          return this.record(showId, effect.event, this.now(), effect.payload);
        case 'tell-host':
          return this.tell({ type: 'show.host', showId, present: effect.present, at: this.now() });
        case 'start-pipeline':
        case 'stop-pipeline':
        case 'clear-media':
          // queued effects never get here (dispatch queues them)
          void this.enqueue(state, () => this.run(state, effect));
          return;
      }
    } catch (err) {
      this.log.error({ err, show: showId, effect: effect.type }, 'live state effect failed');
    }
  }

  private async startPipeline(state: ActiveShow, sessionId: string): Promise<void> {
    // the publisher may have left (or the server begun stopping) while an earlier task ran
    if (publisherOf(state.phase) !== sessionId || this.closed || !state.streamKey) return;
    const showId = state.showId;
    try {
      state.pipeline = await this.options.pipelines.start(showId, state.streamKey, {
        onRestart: (attempt, reason) => {
          this.restartsTotal += 1;
          this.record(showId, 'pipeline.restarted', this.now(), { attempt, reason });
        },
        onSource: (source) => {
          const shape: SourceShape = { width: source.width, height: source.height, fps: source.fps, audio: source.audio != null };
          this.tellSource(state, shape, null);
          // a rehearsal leaves nothing on the show's timeline
          if (state.phase.kind === 'rehearsal') return;
          this.record(showId, 'source.probed', this.now(), { ...shape });
        },
      });
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'SourceRefused') throw err;
      // No transcoder, so no restart loop: the host reads why on the timeline and in the
      // cockpit, and a reconnect with other settings is probed afresh.
      this.log.warn({ show: showId, reason: err.message }, 'source refused');
      const message = `Hawker cannot transcode this stream: ${err.message}`;
      this.tellSource(state, null, message);
      this.record(showId, 'source.refused', this.now(), { message });
    }
  }

  private async stopPipeline(state: ActiveShow): Promise<void> {
    const pipeline = state.pipeline;
    state.pipeline = null;
    if (pipeline) await pipeline.stop();
  }

  private clearMedia(showId: string): void {
    rmSync(this.options.pipelines.mediaDir(showId), { recursive: true, force: true });
  }

  /**
   * Runs inside the ingest's publish handler, so it never throws. The status, the timeline event
   * and the webhook outbox rows commit together. When the database cannot take them (disk full)
   * the show goes live anyway: viewers are told, the pipeline starts, and the three are written
   * together when the database takes writes again.
   */
  private markLive(state: ActiveShow, at: number): void {
    const showId = state.showId;
    try {
      this.commitStatus({ type: 'show.live', showId, at }, () => this.options.shows.markLive(showId, at), {});
    } catch (err) {
      this.log.error({ err, show: showId }, 'show is live, but the database could not record it; retrying every second');
      this.tell({ type: 'show.live', showId, at });
      if (!state.liveRetry) {
        state.liveRetry = setInterval(() => {
          if (this.active.get(showId) !== state) return this.stopLiveRetry(state);
          try {
            this.commitStatus({ type: 'show.live', showId, at }, () => this.options.shows.markLive(showId, at), { recordedLate: true });
          } catch {
            return;
          }
          this.stopLiveRetry(state);
          this.log.info({ show: showId }, 'show is live (recorded late)');
        }, LIVE_RETRY_MS);
        state.liveRetry.unref();
      }
      return;
    }
    this.log.info({ show: showId }, 'show is live');
  }

  /** Throws when the database refused it: then none of it is stored (the queue logs it). */
  private markEnded(state: ActiveShow, reason: string): void {
    this.stopLiveRetry(state);
    const showId = state.showId;
    if (!this.options.shows.get(showId)) return;
    const at = this.now();
    this.commitStatus({ type: 'show.ended', showId, at }, () => this.options.shows.markEnded(showId, at), { reason });
    this.log.info({ show: showId, reason }, 'show ended');
  }

  /**
   * A status change, its timeline event and its webhook outbox rows in one transaction; viewers
   * are told once it committed. Throws (and stores nothing) when any of the writes fails.
   */
  private commitStatus(event: Extract<DomainEvent, { type: 'show.live' | 'show.ended' }>, setStatus: () => void, payload: Record<string, unknown>): void {
    const writes = () => {
      setStatus();
      this.options.events.append({ showId: event.showId, type: event.type, at: event.at, payload });
    };
    const { bus } = this.options;
    if (bus) bus.commit(event, (fn) => this.options.shows.atomically(fn), writes);
    else this.options.shows.atomically(writes);
  }

  private stopLiveRetry(state: ActiveShow): void {
    if (state.liveRetry) clearInterval(state.liveRetry);
    state.liveRetry = null;
  }

  /** The show's runner state, made from its stored status the first time it is needed. */
  private stateOf(show: Show): ActiveShow {
    return this.active.get(show.id) ?? this.activate(show.id, initialPhase(show.status));
  }

  private activate(showId: string, phase: ShowPhase): ActiveShow {
    let state = this.active.get(showId);
    if (!state) {
      state = { showId, phase, pipeline: null, reconnectTimer: null, startTimer: null, queue: Promise.resolve(), liveRetry: null, streamKey: null, source: null };
      this.active.set(showId, state);
    }
    return state;
  }

  private armReconnectTimer(state: ActiveShow): void {
    this.cancelReconnectTimer(state);
    state.reconnectTimer = setTimeout(() => {
      state.reconnectTimer = null;
      try {
        this.dispatch(state, { type: 'reconnect-window-elapsed' });
      } catch (err) {
        // dispatch contains its effects' failures; this is the rest
        this.log.error({ err, show: state.showId }, 'could not end the show after its reconnect window');
      }
    }, this.options.reconnectWindowMs);
  }

  private armStartTimer(state: ActiveShow): void {
    this.cancelStartTimer(state);
    const scheduledAt = this.options.goLiveAtScheduledTime ? this.options.shows.get(state.showId)?.scheduledAt : null;
    if (scheduledAt == null) return;
    state.startTimer = setTimeout(() => {
      state.startTimer = null;
      try {
        this.log.info({ show: state.showId }, 'scheduled time reached: going live');
        this.dispatch(state, { type: 'go-live' });
      } catch (err) {
        this.log.error({ err, show: state.showId }, 'could not go live at the scheduled time');
      }
    }, Math.max(0, scheduledAt - this.now()));
    state.startTimer.unref();
  }

  private cancelStartTimer(state: ActiveShow): void {
    if (state.startTimer) clearTimeout(state.startTimer);
    state.startTimer = null;
  }

  private cancelReconnectTimer(state: ActiveShow): void {
    if (state.reconnectTimer) clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
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
  }

  private dropPublisher(showId: string, sessionId: string): void {
    try {
      this.options.disconnectPublisher?.(sessionId);
    } catch (err) {
      this.log.error({ err, show: showId }, 'could not disconnect the publisher of an ended show');
    }
  }

  /** the cockpit's view of the source: kept for a cockpit that (re)connects, and pushed to it */
  private tellSource(state: ActiveShow, source: SourceShape | null, refused: string | null): void {
    state.source = { source, refused };
    this.tell({ type: 'show.source', showId: state.showId, source, refused, at: this.now() });
  }

  /** viewers hear of it although the database could not store it (emit contains failures) */
  private tell(event: DomainEvent): void {
    this.options.bus?.emit(event);
  }
}

/** the effects that wait on FFmpeg (or on one that does): they run in the show's queue */
const queuedEffects = new Set<PhaseEffect['type']>(['start-pipeline', 'stop-pipeline', 'clear-media']);

/** the RTMP session holding the show's stream, if any */
function publisherOf(phase: ShowPhase): string | null {
  return 'publisher' in phase ? phase.publisher : null;
}
