import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HawkerConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { buildTranscodeArgs } from './ffmpeg-args.js';
import { endPlaylists, hasPlaylists } from './hls-output.js';
import { FfmpegSupervisor } from './supervisor.js';

export interface TranscodeLauncherOptions {
  config: Pick<HawkerConfig, 'ffmpeg' | 'pipeline'>;
  /** <data>/media/hls */
  hlsRoot: string;
  /** the local RTMP URL FFmpeg reads a stream from */
  inputUrlFor(streamKey: string): string;
  logger: Logger;
}

/** Starts one supervised FFmpeg per live show, writing <hlsRoot>/<showId>/. */
export class TranscodeLauncher {
  private readonly log: Logger;

  constructor(private readonly options: TranscodeLauncherOptions) {
    this.log = options.logger.child({ module: 'pipeline' });
  }

  mediaDir(showId: string): string {
    return join(this.options.hlsRoot, showId);
  }

  start(showId: string, streamKey: string, hooks: { onRestart(attempt: number): void }): FfmpegSupervisor {
    const { pipeline, ffmpeg } = this.options.config;
    const outputDir = this.mediaDir(showId);
    mkdirSync(outputDir, { recursive: true });
    const supervisor = new FfmpegSupervisor({
      ffmpegPath: ffmpeg.path,
      logger: this.log.child({ show: showId }),
      restartMinDelayMs: pipeline.restartMinDelayMs,
      restartMaxDelayMs: pipeline.restartMaxDelayMs,
      restartStableAfterMs: pipeline.restartStableAfterMs,
      stopTimeoutMs: pipeline.stopTimeoutMs,
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
        }),
      onRestart: ({ attempt }) => hooks.onRestart(attempt),
    });
    supervisor.start();
    return supervisor;
  }

  end(showId: string): void {
    endPlaylists(this.mediaDir(showId));
  }
}
