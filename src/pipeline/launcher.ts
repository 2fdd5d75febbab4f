import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HawkerConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { buildTranscodeArgs, type OverlayLayer } from './ffmpeg-args.js';
import { endPlaylists, hasPlaylists, runStartProgramDateTime } from './hls-output.js';
import { ProcessPool } from './process-pool.js';
import type { FfmpegSupervisor, RestartReason } from './supervisor.js';

/** Where the overlay pictures of a show come from (the overlay module, wired by main.ts). */
export interface OverlaySource {
  inputsFor(showId: string): OverlayLayer[];
  release(showId: string): void;
}

export interface TranscodeLauncherOptions {
  config: Pick<HawkerConfig, 'ffmpeg' | 'pipeline'>;
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

/** Starts one supervised FFmpeg per live show, writing <hlsRoot>/<showId>/. */
export class TranscodeLauncher {
  private readonly log: Logger;
  private readonly clock: ProgramClock;
  private readonly pool: ProcessPool;

  constructor(private readonly options: TranscodeLauncherOptions) {
    this.log = options.logger.child({ module: 'pipeline' });
    this.pool = options.pool ?? new ProcessPool({ logger: this.log });
    this.clock = options.clock ?? new ProgramClock();
  }

  mediaDir(showId: string): string {
    return join(this.options.hlsRoot, showId);
  }

  start(showId: string, streamKey: string, hooks: { onRestart(attempt: number, reason: RestartReason): void }): FfmpegSupervisor {
    const { pipeline, ffmpeg } = this.options.config;
    const outputDir = this.mediaDir(showId);
    mkdirSync(outputDir, { recursive: true });
    let overlays: OverlayLayer[] = [];
    if (pipeline.overlays && this.options.overlays) {
      try {
        overlays = this.options.overlays.inputsFor(showId);
      } catch (err) {
        // the host's video matters more than the pictures on it
        this.log.error({ err, show: showId }, 'overlays could not be prepared; transcoding without them');
      }
    }
    const supervisor: FfmpegSupervisor = this.pool.supervise(`pipeline ${showId}`, {
      ffmpegPath: ffmpeg.path,
      logger: this.log.child({ show: showId }),
      restartMinDelayMs: pipeline.restartMinDelayMs,
      restartMaxDelayMs: pipeline.restartMaxDelayMs,
      restartStableAfterMs: pipeline.restartStableAfterMs,
      stopTimeoutMs: pipeline.stopTimeoutMs,
      watchdogMs: pipeline.watchdogSeconds * 1000,
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
          overlays,
        }),
      onRestart: ({ attempt, reason }) => hooks.onRestart(attempt, reason),
      onStopped: () => this.clock.stopped(showId, supervisor),
    });
    supervisor.start();
    this.clock.started(showId, supervisor, join(outputDir, pipeline.ladder[0]!.name));
    return supervisor;
  }

  forget(showId: string): void {
    this.options.overlays?.release(showId);
  }

  end(showId: string): void {
    endPlaylists(this.mediaDir(showId));
    this.options.overlays?.release(showId);
  }

  /** The PROGRAM-DATE-TIME of the video the show's FFmpeg is working on now (see ProgramClock). */
  programDateTimeNow(showId: string, now: number = Date.now()): number | null {
    return this.clock.programDateTimeNow(showId, now);
  }
}
