import { CHAPTER_EVENTS, chaptersOf, type Chapter } from '../domain/chapters.js';
import { CLIP_MIN_SPAN_MS, clipView, type Clip } from '../domain/clip.js';
import type { EventSink, EventSource } from '../domain/events.js';
import { newClipId } from '../domain/ids.js';
import type { ClipRepository, ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';
import type { ClipCutRequest, ClipCutResult } from '../pipeline/clip-cut.js';

export interface ClipMakerOptions {
  shows: Pick<ShowRepository, 'get'>;
  events: Pick<ShowEventRepository, 'listOfTypes'>;
  clips: ClipRepository;
  cutter: { cut(request: ClipCutRequest): Promise<ClipCutResult> };
  /** where clip.ready is told */
  sink: EventSink;
  /** absolute URLs of the clip's media (the API's publicUrl) */
  publicUrl: string;
  logger: Logger;
  /** how often the playlist is read again while the span's last segment is not listed (default 1 s) */
  pollMs?: number;
  /**
   * how long a span waits for its last segment before it is cut from what is there (default
   * 30 s: the segment holding an unpin is listed a segment or two later, well inside the 60 s)
   */
  waitLimitMs?: number;
  /**
   * how much later than its event's PROGRAM-DATE-TIME a pin shows on the video (default 1 s): the
   * PDT is stamped when the change is made, the card is drawn and reaches the encoder after it
   * (measured 0.4 to 0.7 s on a busy 2-core machine; the first draw of a show up to 1.7 s). The
   * clip's span is shifted by it at both ends, so its first frame already shows the card and its
   * length stays the pin's
   */
  drawLatencyMs?: number;
  now?: () => number;
}

/** pin, unpin and end events read to find the show's spans, and clips looked at per show: plenty for any real show */
const TIMELINE_LIMIT = 100_000;

interface Job {
  clip: Clip;
  startAt: number;
  endAt: number;
  queuedAt: number;
}

/**
 * Cuts a demo clip of every closed pin span of a live show: told by the bus that a pin changed
 * (an unpin, another product pinned) or the show ended, it reads the show's chapters (the one
 * definition of a pin span, chaptersOf), stores a pending clip for each span of 2 s or more
 * that has none yet, and cuts them one at a time, in order, off the request path: the bus
 * handler only notes the show. A span whose last segment is not in the playlist yet waits for
 * it (read again every pollMs, bounded). Each clip ends ready (then clip.ready is told) or
 * failed with why; nothing here throws to the bus or leaves a rejection unhandled.
 */
export class ClipMaker {
  private readonly dirty = new Set<string>();
  private readonly queue: Job[] = [];
  private working: Promise<void> | null = null;
  private closed = false;
  private readonly pollMs: number;
  private readonly waitLimitMs: number;
  private readonly now: () => number;
  private readonly drawLatencyMs: number;
  private cancelSleep: (() => void) | null = null;

  constructor(private readonly o: ClipMakerOptions) {
    this.pollMs = o.pollMs ?? 1000;
    this.waitLimitMs = o.waitLimitMs ?? 30_000;
    this.now = o.now ?? Date.now;
    this.drawLatencyMs = o.drawLatencyMs ?? 1000;
  }

  /** pending clips a stopped server left behind are failed (no FFmpeg is cutting them now) */
  recover(): void {
    const failed = this.o.clips.failAbandoned('the server stopped while the clip was being cut');
    if (failed) this.o.logger.warn({ clips: failed }, 'clips left pending by a stopped server marked failed');
  }

  subscribe(bus: EventSource): void {
    bus.on('overlay.changed', ({ showId, change }) => {
      // a pin or an unpin closes the span before it; a flash sale or a poll changes no span
      if (change.change === 'pin' || change.change === 'unpin') this.touch(showId);
    });
    bus.on('show.ended', ({ showId }) => this.touch(showId));
  }

  /** the show's spans may have changed: looked at by the worker, not here */
  touch(showId: string): void {
    if (this.closed) return;
    this.dirty.add(showId);
    this.kick();
  }

  /** no new cut starts; resolves once the current one is over (Hawker is stopping) */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelSleep?.();
    await this.working;
  }

  /** for tests and the bench: resolves once nothing is queued nor being cut */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private kick(): void {
    this.working ??= this.work()
      .catch((err: unknown) => this.o.logger.error({ err }, 'the clip maker stopped on an error'))
      .finally(() => {
        this.working = null;
        // something noted while the last loop was finishing
        if (!this.closed && (this.dirty.size || this.queue.length)) this.kick();
      });
  }

  private async work(): Promise<void> {
    // off the bus handler's call stack: the request that pinned is answered first
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!this.closed) {
      for (const showId of [...this.dirty]) {
        this.dirty.delete(showId);
        this.plan(showId);
      }
      const job = this.queue.shift();
      if (!job) return;
      await this.make(job);
    }
  }

  /** a pending clip for each closed span of the live show (or the show that just ended) with none yet */
  private plan(showId: string): void {
    try {
      const show = this.o.shows.get(showId);
      if (!show || show.startedAt == null || show.status === 'scheduled') return;
      const chapters = chaptersOf(this.o.events.listOfTypes(showId, CHAPTER_EVENTS, TIMELINE_LIMIT), show);
      const existing = this.o.clips.listForShow(showId, { readyOnly: false, limit: TIMELINE_LIMIT });
      const has = (c: Chapter) => existing.some((clip) => clip.productId === c.productId && clip.startMs === c.startMs) || this.queue.some((j) => j.clip.showId === showId && j.clip.productId === c.productId && j.clip.startMs === c.startMs);
      for (const chapter of chapters) {
        if (chapter.endMs == null || chapter.endAt == null || chapter.endMs - chapter.startMs < CLIP_MIN_SPAN_MS || has(chapter)) continue;
        const clip: Clip = { id: newClipId(), showId, productId: chapter.productId, startMs: chapter.startMs, endMs: chapter.endMs, status: 'pending', durationMs: null, bytes: null, error: null, createdAt: this.now(), readyAt: null };
        this.o.clips.createPending(clip);
        this.queue.push({ clip, startAt: chapter.startAt + this.drawLatencyMs, endAt: chapter.endAt + this.drawLatencyMs, queuedAt: this.now() });
      }
    } catch (err) {
      this.o.logger.error({ err, show: showId }, 'could not plan the show\'s clips');
    }
  }

  private async make(job: Job): Promise<void> {
    const { clip } = job;
    const log = this.o.logger.child({ show: clip.showId, clip: clip.id });
    try {
      const request = { showId: clip.showId, clipId: clip.id, startAt: job.startAt, endAt: job.endAt };
      let result = await this.o.cutter.cut(request);
      while (result.status === 'waiting' && !this.closed) {
        const late = this.now() - job.queuedAt >= this.waitLimitMs;
        if (late) log.warn({ waitedMs: this.now() - job.queuedAt }, 'the span\'s last segment never came: the clip is cut from what was recorded');
        else await this.sleep(this.pollMs);
        result = await this.o.cutter.cut({ ...request, evenIfIncomplete: late });
      }
      if (this.closed && result.status === 'waiting') return; // stays pending: failed at the next start
      if (result.status === 'empty') {
        this.o.clips.markFailed(clip.id, result.reason);
        log.info({ reason: result.reason }, 'no clip of this span');
        return;
      }
      if (result.status !== 'cut') return;
      if (!this.o.clips.markReady(clip.id, { durationMs: result.durationMs, bytes: result.bytes }, this.now())) return;
      const ready = this.o.clips.get(clip.id);
      if (!ready) return;
      log.info({ durationMs: result.durationMs, bytes: result.bytes, afterMs: this.now() - job.queuedAt }, 'clip ready');
      this.o.sink.emit({ type: 'clip.ready', showId: clip.showId, clip: clipView(ready, this.o.publicUrl) });
    } catch (err) {
      log.error({ err }, 'the clip could not be cut');
      try {
        this.o.clips.markFailed(clip.id, (err instanceof Error ? err.message : String(err)).slice(0, 500));
      } catch (markErr) {
        log.error({ err: markErr }, 'the failed clip could not be marked failed');
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cancelSleep = null;
        resolve();
      }, ms);
      this.cancelSleep = () => {
        clearTimeout(timer);
        this.cancelSleep = null;
        resolve();
      };
    });
  }
}
