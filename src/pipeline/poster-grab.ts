import { readFileSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseMasterPlaylist, parseVariantPlaylist } from './clip-cut.js';
import { VARIANT_PLAYLIST } from './hls-output.js';
import { runFfmpegOnce } from './ffmpeg-once.js';
import type { ProcessPool } from './process-pool.js';

/** The show's poster, next to its playlists: <hlsRoot>/<showId>/poster.jpg */
export const POSTER_FILE = 'poster.jpg';

/**
 * A still of one segment: its first frame (a keyframe, so FFmpeg decodes one frame and reads
 * no further), scaled down to `width` (never up: a small rendition keeps its size; the height
 * follows, even), as JPEG. One thread: a poster is a background chore beside live transcodes.
 */
export function posterArgs(segment: string, output: string, width: number): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-threads', '1',
    '-i', segment,
    '-map', '0:v:0', '-an', '-frames:v', '1',
    '-vf', `scale='min(${width},iw)':-2`,
    '-q:v', '4',
    '-f', 'image2', '-c:v', 'mjpeg', output,
  ];
}

/**
 * The lowest rendition's newest listed segment (FFmpeg lists a segment once it is whole), as an
 * absolute path, or null while the show has no master or no segment yet. `since` (epoch ms):
 * only a segment whose PROGRAM-DATE-TIME is at or after it (the show's Go live: the rehearsal's
 * last segments are still on disk for a moment after it, and they are not public).
 */
export async function newestLowestSegment(showDir: string, since = 0): Promise<{ rung: string; file: string } | null> {
  let master: string;
  try {
    master = await readFile(join(showDir, 'master.m3u8'), 'utf8');
  } catch {
    return null;
  }
  const lowest = [...parseMasterPlaylist(master)].sort((a, b) => a.bandwidth - b.bandwidth)[0];
  if (!lowest) return null;
  let text: string;
  try {
    text = await readFile(join(showDir, lowest.name, VARIANT_PLAYLIST), 'utf8');
  } catch {
    return null;
  }
  const last = parseVariantPlaylist(text).segments.at(-1);
  return last && last.startAt >= since ? { rung: lowest.name, file: join(showDir, lowest.name, last.uri) } : null;
}

/**
 * The name of the show's lowest rendition (its folder), or null before FFmpeg wrote the master.
 * Read synchronously: the master is a few hundred bytes, read once per live show per feed.
 */
export function lowestRendition(showDir: string): string | null {
  try {
    const rungs = parseMasterPlaylist(readFileSync(join(showDir, 'master.m3u8'), 'utf8'));
    return [...rungs].sort((a, b) => a.bandwidth - b.bandwidth)[0]?.name ?? null;
  } catch {
    return null;
  }
}

export interface PosterGrabberOptions {
  pool: ProcessPool;
  ffmpegPath: string;
  /** <data>/media/hls */
  hlsRoot: string;
  /** the poster's width in pixels (channel.posterWidth) */
  width: number;
  /** FFmpeg is killed by its PID past this (default 10 s: one frame takes well under one) */
  timeoutMs?: number;
}

export type PosterGrabResult = { status: 'written'; segment: string } | { status: 'no-segment' };


/**
 * Takes a show's poster from its lowest rendition's newest segment into
 * <hlsRoot>/<showId>/poster.jpg, written under a temporary name and renamed once whole (a
 * reader never gets half a JPEG). One call is one FFmpeg through the pool, killed on timeout;
 * the caller keeps calls for one show from overlapping. Throws when FFmpeg fails or overruns.
 */
export class PosterGrabber {
  private readonly timeoutMs: number;

  constructor(private readonly o: PosterGrabberOptions) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  posterFile(showId: string): string {
    return join(resolve(this.o.hlsRoot), showId, POSTER_FILE);
  }

  /** `since`: only from a segment that starts at or after it (the show's Go live) */
  async grab(showId: string, since = 0): Promise<PosterGrabResult> {
    const showDir = join(resolve(this.o.hlsRoot), showId);
    const segment = await newestLowestSegment(showDir, since);
    if (!segment) return { status: 'no-segment' };
    const output = this.posterFile(showId);
    const partial = `${output}.partial`;
    try {
      await this.run(`poster ${showId}`, posterArgs(segment.file, partial, this.o.width));
      await rename(partial, output);
      return { status: 'written', segment: segment.file };
    } finally {
      await rm(partial, { force: true });
    }
  }

  private run(name: string, args: string[]): Promise<void> {
    return runFfmpegOnce(this.o.pool, this.o.ffmpegPath, name, args, this.timeoutMs);
  }
}
