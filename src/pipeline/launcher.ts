import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HawkerConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { ANALYZE_DURATION_US, buildTranscodeArgs, outputFps, PROBE_SIZE_BYTES, type OverlayLayer } from './ffmpeg-args.js';
import { parseDeliveryDirectives } from './llhls-playlist.js';
import { partTargetFor } from './llhls-rung.js';
import { LlShowPackager, llRungDir } from './llhls-show.js';
import { rungSizes, type FrameSize } from './ladder.js';
import { probeSource, ProbeFailed, type SourceInfo } from './source-probe.js';
import { endPlaylists, hasPlaylists, runStartProgramDateTime } from './hls-output.js';
import { ProcessPool } from './process-pool.js';
import type { FfmpegSupervisor, RestartReason } from './supervisor.js';

/** Where the overlay pictures of a show come from (the overlay module, wired by main.ts). */
export interface OverlaySource {
  /** the pictures for a top rendition of this size, placed by the layout for its shape */
  inputsFor(showId: string, frame: FrameSize): OverlayLayer[];
  release(showId: string): void;
}

export interface TranscodeLauncherOptions {
  config: Pick<HawkerConfig, 'ffmpeg' | 'pipeline'>;
  /** how the publisher's stream is inspected before FFmpeg starts (default: ffprobe on it) */
  probe?(url: string): Promise<SourceInfo>;
  /** <data>/media/hls */
  hlsRoot: string;
  /** the local RTMP URL FFmpeg reads a stream from */
  inputUrlFor(streamKey: string): string;
  overlays?: OverlaySource;
  logger: Logger;
  /** the pool that owns every child process (default: one of its own) */
  pool?: ProcessPool;
  /** where each show's current run is kept for programDateTimeNow (default: one of its own) */
  clock?: ProgramClock;
}

/**
 * The video time each show's transcode is at, from the run the launcher started. Its own object
 * so that the overlays can ask for it without holding the launcher (which holds the overlays).
 */
export class ProgramClock {
  private readonly runs = new Map<string, { supervisor: FfmpegSupervisor; playlistDir: string }>();

  /** the show's current run, writing its top rung's playlist in playlistDir */
  started(showId: string, supervisor: FfmpegSupervisor, playlistDir: string): void {
    this.runs.set(showId, { supervisor, playlistDir });
  }

  /** once its FFmpeg has exited, the show is no longer transcoding (a newer run may have replaced it) */
  stopped(showId: string, supervisor: FfmpegSupervisor): void {
    if (this.runs.get(showId)?.supervisor === supervisor) this.runs.delete(showId);
  }

  /**
   * The PROGRAM-DATE-TIME of the video FFmpeg is working on now: where the current run's
   * playlist started, plus how far the encoder has got, plus the time since it said so.
   * An estimate (the encoder holds a few frames); null when the show is not transcoding.
   */
  programDateTimeNow(showId: string, now: number = Date.now()): number | null {
    const run = this.runs.get(showId);
    // only a current run's progress: a stalled or ended run's position is no longer "now"
    const progress = run?.supervisor.progress;
    if (!run || !progress || !run.supervisor.lastProgressAt) return null;
    const start = runStartProgramDateTime(run.playlistDir);
    if (start == null) return null;
    return start + progress.outTimeMs + (now - run.supervisor.lastProgressAt);
  }
}

/**
 * When ffprobe gives no answer (it timed out, or is missing) the transcode still starts, on the
 * shape most sources have; a source without audio then fails and restarts as it did before.
 */
/**
 * A new FFmpeg's time to its first encoded frame before the watchdog may kill it: loading,
 * opening the RTMP input and probing it took over 4 s on a loaded 2-core machine, and a watchdog
 * that killed each new run there turned one stall into a restart loop.
 */
const FFMPEG_STARTUP_GRACE_MS = 20_000;

/** how long an ended show's LL-HLS stays served (players finishing the last parts) before its files go */
const LL_KEPT_AFTER_END_MS = 60_000;

const FALLBACK_SOURCE: SourceInfo = { width: 1280, height: 720, fps: null, videoCodec: 'unknown', audio: { codec: 'unknown', sampleRate: 48000, channels: 2 } };

/** Starts one supervised FFmpeg per live show, writing <hlsRoot>/<showId>/. */
export class TranscodeLauncher {
  private readonly log: Logger;
  private readonly clock: ProgramClock;
  private readonly pool: ProcessPool;
  /** each live show's LL-HLS packager (pipeline.lowLatency.enabled) */
  private readonly lowLatency = new Map<string, LlShowPackager>();
  /** ended shows whose LL-HLS files go once players have read the last parts */
  private readonly lowLatencyRemovals = new Map<string, NodeJS.Timeout>();
  /** LL-HLS playlists being ended (close waits for them) */
  private readonly lowLatencyEnding = new Set<Promise<void>>();

  constructor(private readonly options: TranscodeLauncherOptions) {
    this.log = options.logger.child({ module: 'pipeline' });
    this.pool = options.pool ?? new ProcessPool({ logger: this.log });
    this.clock = options.clock ?? new ProgramClock();
  }

  mediaDir(showId: string): string {
    return join(this.options.hlsRoot, showId);
  }

  /**
   * Probe the published stream, then start its transcode: the ladder and the overlay layout
   * follow the source's shape, a source without audio gets silence. Rejects with SourceRefused
   * (nothing started) when the source cannot be transcoded here.
   */
  async start(
    showId: string,
    streamKey: string,
    hooks: { onRestart(attempt: number, reason: RestartReason): void; onSource?(source: SourceInfo): void },
  ): Promise<FfmpegSupervisor> {
    const { pipeline, ffmpeg } = this.options.config;
    const source = await this.probe(showId, this.options.inputUrlFor(streamKey));
    hooks.onSource?.(source);
    const outputDir = this.mediaDir(showId);
    mkdirSync(outputDir, { recursive: true });
    const top = rungSizes(source, pipeline.ladder)[0]!;
    let overlays: OverlayLayer[] = [];
    if (pipeline.overlays && this.options.overlays) {
      try {
        overlays = this.options.overlays.inputsFor(showId, top);
      } catch (err) {
        // the host's video matters more than the pictures on it
        this.log.error({ err, show: showId }, 'overlays could not be prepared; transcoding without them');
      }
    }
    const ll = this.lowLatencyFor(showId, source);
    const supervisor: FfmpegSupervisor = this.pool.supervise(`pipeline ${showId}`, {
      ffmpegPath: ffmpeg.path,
      logger: this.log.child({ show: showId }),
      restartMinDelayMs: pipeline.restartMinDelayMs,
      restartMaxDelayMs: pipeline.restartMaxDelayMs,
      restartStableAfterMs: pipeline.restartStableAfterMs,
      stopTimeoutMs: pipeline.stopTimeoutMs,
      watchdogMs: pipeline.watchdogSeconds * 1000,
      startupGraceMs: FFMPEG_STARTUP_GRACE_MS,
      continueFirstRun: hasPlaylists(outputDir),
      buildArgs: (continuing) =>
        buildTranscodeArgs({
          inputUrl: this.options.inputUrlFor(streamKey),
          outputDir,
          segmentSeconds: pipeline.segmentSeconds,
          ladder: pipeline.ladder,
          preset: pipeline.preset,
          inputTimeoutSeconds: pipeline.inputTimeoutSeconds,
          continuing,
          source,
          overlays,
          // each run's files are numbered on from the last run's: the LL playlists continue
          ...(ll && { lowLatency: { dirFor: (rung: string) => ll.dirFor(rung), partSeconds: pipeline.lowLatency.partSeconds, startNumber: ll.beginRun() } }),
        }),
      onRestart: ({ attempt, reason }) => hooks.onRestart(attempt, reason),
      onStopped: () => this.clock.stopped(showId, supervisor),
    });
    supervisor.start();
    this.clock.started(showId, supervisor, join(outputDir, pipeline.ladder[0]!.name));
    return supervisor;
  }

  /**
   * The show's LL-HLS packager: the one already running (a reconnect or an FFmpeg restart
   * continues its playlists) unless its files were cleared (a rehearsal that went live starts
   * afresh); null with LL-HLS switched off.
   */
  private lowLatencyFor(showId: string, source: SourceInfo): LlShowPackager | null {
    const { pipeline } = this.options.config;
    if (!pipeline.lowLatency.enabled) return null;
    const showDir = this.mediaDir(showId);
    const existing = this.lowLatency.get(showId);
    if (existing && existsSync(join(showDir, llRungDir(pipeline.ladder[0]!.name)))) return existing;
    if (existing) this.dropLowLatency(showId, existing);
    const fps = outputFps(source.fps) ?? source.fps ?? 30;
    const ll = new LlShowPackager({
      showDir,
      rungs: pipeline.ladder.map((r) => r.name),
      targetDurationS: pipeline.segmentSeconds,
      partTargetS: partTargetFor(pipeline.lowLatency.partSeconds, fps),
      logger: this.log.child({ show: showId }),
    });
    ll.start();
    this.lowLatency.set(showId, ll);
    return ll;
  }

  private dropLowLatency(showId: string, ll: LlShowPackager): void {
    if (this.lowLatency.get(showId) === ll) this.lowLatency.delete(showId);
    ll.stop().catch((err: unknown) => this.log.error({ err, show: showId }, 'LL-HLS packager could not be stopped'));
  }

  /** The LL-HLS master playlist of a live show; null when it has none (plain HLS, not live). */
  lowLatencyMaster(showId: string): string | null {
    return this.lowLatency.get(showId)?.masterPlaylist() ?? null;
  }

  /** LL-HLS blocking reloads held now, all shows */
  lowLatencyHeldRequests(): number {
    let held = 0;
    for (const ll of this.lowLatency.values()) held += ll.heldRequests;
    return held;
  }

  /** A rung's LL-HLS media playlist for a request's delivery directives (held while blocking). */
  async lowLatencyMedia(
    showId: string,
    rung: string,
    query: Readonly<Record<string, string | undefined>>,
    gone?: Promise<void>,
  ): Promise<{ text: string; blocking: boolean } | null> {
    const directives = parseDeliveryDirectives(query);
    const ll = this.lowLatency.get(showId);
    return ll ? { text: await ll.mediaPlaylist(rung, directives, gone), blocking: directives.msn !== null } : null;
  }

  private async probe(showId: string, url: string): Promise<SourceInfo> {
    const { ffmpeg, pipeline } = this.options.config;
    try {
      const source = this.options.probe
        ? await this.options.probe(url)
        : await probeSource({ ffprobePath: ffmpeg.probePath, url, timeoutMs: (pipeline.inputTimeoutSeconds + 2) * 1000 }, ANALYZE_DURATION_US, PROBE_SIZE_BYTES);
      this.log.info({ show: showId, source }, 'source probed');
      return source;
    } catch (err) {
      if (!(err instanceof ProbeFailed)) throw err;
      this.log.warn({ show: showId, reason: err.message }, 'source could not be probed; transcoding it as 1280x720 with audio');
      return FALLBACK_SOURCE;
    }
  }

  forget(showId: string): void {
    this.options.overlays?.release(showId);
    const ll = this.lowLatency.get(showId);
    if (ll) this.dropLowLatency(showId, ll);
  }

  end(showId: string): void {
    endPlaylists(this.mediaDir(showId));
    this.options.overlays?.release(showId);
    // The recording is the plain HLS; the LL files are a second copy of the live show, kept
    // while players finish the last parts, then removed. Also when no packager is left (the
    // server restarted after the show's last publish): the files are on disk all the same.
    const ll = this.lowLatency.get(showId);
    const ending: Promise<void> = (ll ? ll.end() : Promise.resolve())
      .catch((err: unknown) => this.log.error({ err, show: showId }, 'LL-HLS playlists could not be ended'))
      .then(() => {
        const timer = setTimeout(() => void this.removeLowLatency(showId), LL_KEPT_AFTER_END_MS);
        timer.unref();
        this.lowLatencyRemovals.set(showId, timer);
      })
      .finally(() => this.lowLatencyEnding.delete(ending));
    this.lowLatencyEnding.add(ending);
  }

  /** drops the ended show's packager and deletes its LL files (off the event loop: a long show has thousands) */
  private async removeLowLatency(showId: string): Promise<void> {
    clearTimeout(this.lowLatencyRemovals.get(showId));
    this.lowLatencyRemovals.delete(showId);
    const ll = this.lowLatency.get(showId);
    if (ll) this.dropLowLatency(showId, ll);
    await Promise.all(
      this.options.config.pipeline.ladder.map((rung) =>
        rm(join(this.mediaDir(showId), llRungDir(rung.name)), { recursive: true, force: true }).catch((err: unknown) =>
          this.log.warn({ err, show: showId }, 'LL-HLS files of an ended show could not be removed'),
        ),
      ),
    );
  }

  /**
   * Stops every LL-HLS packager (the server stops). The shows that ended (every live show, on
   * SIGTERM) lose their LL files now: the minute's timer would not outlive the process.
   */
  async close(): Promise<void> {
    await Promise.all([...this.lowLatencyEnding]);
    await Promise.all([...this.lowLatencyRemovals.keys()].map((showId) => this.removeLowLatency(showId)));
    await Promise.all([...this.lowLatency.values()].map((ll) => ll.stop()));
    this.lowLatency.clear();
  }

  /** The PROGRAM-DATE-TIME of the video the show's FFmpeg is working on now (see ProgramClock). */
  programDateTimeNow(showId: string, now: number = Date.now()): number | null {
    return this.clock.programDateTimeNow(showId, now);
  }
}
