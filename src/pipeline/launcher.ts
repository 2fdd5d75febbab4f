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
}

/** Starts one supervised FFmpeg per live show, writing <hlsRoot>/<showId>/. */
export class TranscodeLauncher {
  private readonly log: Logger;
  private readonly running = new Map<string, FfmpegSupervisor>();
  private readonly pool: ProcessPool;

  constructor(private readonly options: TranscodeLauncherOptions) {
    this.log = options.logger.child({ module: 'pipeline' });
    this.pool = options.pool ?? new ProcessPool({ logger: this.log });
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
      // once its FFmpeg has exited, the show is no longer transcoding (a newer run may have replaced it)
      onStopped: () => {
        if (this.running.get(showId) === supervisor) this.running.delete(showId);
      },
    });
    supervisor.start();
    this.running.set(showId, supervisor);
    return supervisor;
  }

  forget(showId: string): void {
    this.options.overlays?.release(showId);
  }

  end(showId: string): void {
    endPlaylists(this.mediaDir(showId));
    this.options.overlays?.release(showId);
  }

  /**
   * The PROGRAM-DATE-TIME of the video FFmpeg is working on now: where the current run's
   * playlist started, plus how far the encoder has got, plus the time since it said so.
   * An estimate (the encoder holds a few frames); null when the show is not transcoding.
   */
  programDateTimeNow(showId: string, now: number = Date.now()): number | null {
    const supervisor = this.running.get(showId);
    // only a current run's progress: a stalled or ended run's position is no longer "now"
    const progress = supervisor?.progress;
    if (!supervisor || !progress || !supervisor.lastProgressAt) return null;
    const top = this.options.config.pipeline.ladder[0]!.name;
    const start = runStartProgramDateTime(join(this.mediaDir(showId), top));
    if (start == null) return null;
    return start + progress.outTimeMs + (now - supervisor.lastProgressAt);
  }
}
