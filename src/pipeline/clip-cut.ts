import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VARIANT_PLAYLIST } from './hls-output.js';
import { runFfmpegOnce } from './ffmpeg-once.js';
import type { ProcessPool } from './process-pool.js';

/** One media segment of a variant playlist, placed on the PROGRAM-DATE-TIME clock. */
export interface PlaylistSegment {
  /** as the playlist names it, relative to the playlist (seg_000012.ts) */
  uri: string;
  /** EXTINF, ms */
  durationMs: number;
  /** PROGRAM-DATE-TIME of its first frame, epoch ms */
  startAt: number;
  /** an EXT-X-DISCONTINUITY comes before it (a reconnect: a new FFmpeg run) */
  discontinuity: boolean;
}

export interface VariantPlaylist {
  segments: PlaylistSegment[];
  /** ENDLIST: nothing more will be listed */
  ended: boolean;
}

/** What the show's master playlist lists: one rung per variant folder. */
export interface MasterRung {
  /** the variant folder (720p) */
  name: string;
  /** the EXT-X-STREAM-INF line as FFmpeg wrote it */
  streamInf: string;
  bandwidth: number;
}

// a segment's file name, as FFmpeg writes it (and as the HLS route serves it)
const SEGMENT_URI = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/**
 * The segments of a variant playlist on the PDT clock. A segment without a PROGRAM-DATE-TIME of
 * its own follows the one before it; segments before any PDT are skipped (they cannot be
 * placed), as are names the HLS route would not serve.
 */
export function parseVariantPlaylist(text: string): VariantPlaylist {
  const segments: PlaylistSegment[] = [];
  let pdt: number | null = null;
  let duration: number | null = null;
  let discontinuity = false;
  let ended = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const t = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
      pdt = Number.isFinite(t) ? t : null;
    } else if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice('#EXTINF:'.length));
      duration = Number.isFinite(d) && d >= 0 ? Math.round(d * 1000) : null;
    } else if (line.startsWith('#EXT-X-DISCONTINUITY')) {
      discontinuity = true;
      // a new run's clock: only its own PDT places its segments
      pdt = null;
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (!line.startsWith('#')) {
      if (duration !== null && pdt !== null && SEGMENT_URI.test(line)) {
        segments.push({ uri: line, durationMs: duration, startAt: pdt, discontinuity });
        pdt += duration;
        discontinuity = false;
      }
      duration = null;
    }
  }
  return { segments, ended };
}

/** The variant playlists the show's master lists, in its order. */
export function parseMasterPlaylist(text: string): MasterRung[] {
  const rungs: MasterRung[] = [];
  let streamInf: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-STREAM-INF:')) streamInf = line;
    else if (line && !line.startsWith('#')) {
      const m = /^([A-Za-z0-9_-][A-Za-z0-9_.-]{0,63})\/index\.m3u8$/.exec(line);
      if (streamInf && m) rungs.push({ name: m[1]!, streamInf, bandwidth: Number(/[:,]BANDWIDTH=(\d+)/.exec(streamInf)?.[1] ?? 0) });
      streamInf = null;
    }
  }
  return rungs;
}

// PDTs are written with millisecond precision: a pin that lands on a segment's first frame may
// read a millisecond either side of it
const PDT_SLACK_MS = 1;

/**
 * The whole segments of a pin span [startAt, endAt): from the first segment that starts at or
 * after the span's start (its first frame, a keyframe, already shows the card) through the
 * segment holding the span's end (or the last before a reconnect). `complete` is false while the playlist has not yet listed
 * the segment holding the end (and has not ended): wait and read it again.
 */
export function segmentsForSpan(playlist: VariantPlaylist, startAt: number, endAt: number): { segments: PlaylistSegment[]; complete: boolean } {
  const inSpan = playlist.segments.filter((s) => s.startAt >= startAt - PDT_SLACK_MS && s.startAt < endAt);
  // one FFmpeg run's segments only: a reconnect restarts the timestamps, and joined bytes across
  // it would not play. A span the host dropped in ends at the drop (its start shows the card)
  const seam = inSpan.findIndex((s, i) => i > 0 && s.discontinuity);
  const segments = seam < 0 ? inSpan : inSpan.slice(0, seam);
  const last = playlist.segments.at(-1);
  const complete = playlist.ended || (last !== undefined && last.startAt + last.durationMs >= endAt);
  return { segments, complete };
}

/**
 * The segments' files, one a line, for FFmpeg's concatf protocol: their bytes joined into one
 * MPEG-TS, whose timestamps run on without a gap (the concat demuxer would add each file's
 * length, audio's included, and leave a gap of a few milliseconds at every segment).
 */
export function concatList(files: string[]): string {
  for (const f of files) if (f.includes('\n') || !f.startsWith('/')) throw new Error(`not an absolute path of one line: ${JSON.stringify(f)}`);
  return files.map((f) => `${f}\n`).join('');
}

/**
 * The MP4: the segments joined as they are (-c copy, no decoding), ADTS audio made MP4's,
 * the index moved to the front (faststart) so a browser starts playing before the end arrives.
 * Written to `output` in MP4 whatever its name (the caller renames it once complete).
 */
export function clipMp4Args(listFile: string, output: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'mpegts', '-i', `concatf:${listFile}`,
    '-map', '0:v:0', '-map', '0:a:0?',
    '-c', 'copy', '-bsf:a', 'aac_adtstoasc',
    '-movflags', '+faststart',
    '-f', 'mp4', output,
  ];
}

/** The poster: the first frame of the first segment (a keyframe: one frame decoded), as JPEG. */
export function clipPosterArgs(firstSegment: string, output: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-i', firstSegment,
    '-map', '0:v:0', '-frames:v', '1', '-q:v', '3',
    '-f', 'image2', '-c:v', 'mjpeg', output,
  ];
}

/**
 * A VOD playlist of the recording's own segments (no copy): `../<rung>/<segment>` from the
 * show's clips/ folder, each with its PDT (a player can map the clip's time to the show's).
 */
export function clipVariantPlaylist(rung: string, segments: PlaylistSegment[]): string {
  const target = Math.max(1, ...segments.map((s) => Math.ceil(s.durationMs / 1000)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS'];
  segments.forEach((s, i) => {
    if (i > 0 && s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startAt).toISOString()}`, `#EXTINF:${(s.durationMs / 1000).toFixed(6)},`, `../${rung}/${s.uri}`);
  });
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** The clip's master: the show's rungs (same STREAM-INF), each pointing at the clip's playlist of it. */
export function clipMasterPlaylist(clipId: string, rungs: MasterRung[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of rungs) lines.push(r.streamInf, `${clipId}-${r.name}.m3u8`);
  return `${lines.join('\n')}\n`;
}

export interface ClipCutRequest {
  showId: string;
  clipId: string;
  /** the pin span, epoch ms on the PDT clock */
  startAt: number;
  endAt: number;
  /** cut from what is listed even if the segment holding the end never was (waited long enough) */
  evenIfIncomplete?: boolean;
}

export type ClipCutResult =
  | { status: 'cut'; durationMs: number; bytes: number; segments: number }
  /** the playlist has not listed the segment holding the span's end yet: ask again later */
  | { status: 'waiting' }
  /** nothing to cut (no whole segment inside the span, no recording): `reason` says which */
  | { status: 'empty'; reason: string };

export interface ClipCutterOptions {
  pool: ProcessPool;
  ffmpegPath: string;
  /** <data>/media/hls */
  hlsRoot: string;
  /** each FFmpeg run is killed by its PID past this (default 30 s) */
  timeoutMs?: number;
}


/**
 * Cuts a clip of a pin span from a show's recording into <hlsRoot>/<showId>/clips/: the MP4
 * (copy, faststart), its poster, and HLS playlists over the recording's own segments. Every
 * file is written under a temporary name and renamed once whole, the MP4 last of the media: the
 * HLS route never serves half a clip. Throws when FFmpeg fails or overruns.
 */
export class ClipCutter {
  private readonly timeoutMs: number;

  constructor(private readonly o: ClipCutterOptions) {
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  async cut(request: ClipCutRequest): Promise<ClipCutResult> {
    // absolute: the concatf list names files by absolute path
    const showDir = resolve(this.o.hlsRoot, request.showId);
    let masterText: string;
    try {
      masterText = await readFile(join(showDir, 'master.m3u8'), 'utf8');
    } catch {
      return { status: 'empty', reason: 'the show has no recording' };
    }
    const rungs = parseMasterPlaylist(masterText);
    const top = [...rungs].sort((a, b) => b.bandwidth - a.bandwidth)[0];
    if (!top) return { status: 'empty', reason: 'the recording lists no variant playlist' };
    const perRung = new Map<string, PlaylistSegment[]>();
    for (const rung of rungs) {
      let text: string;
      try {
        text = await readFile(join(showDir, rung.name, VARIANT_PLAYLIST), 'utf8');
      } catch {
        continue;
      }
      const span = segmentsForSpan(parseVariantPlaylist(text), request.startAt, request.endAt);
      if (rung === top && !span.complete && !request.evenIfIncomplete) return { status: 'waiting' };
      if (span.segments.length) perRung.set(rung.name, span.segments);
    }
    const segments = perRung.get(top.name);
    if (!segments?.length) return { status: 'empty', reason: 'no whole segment starts inside the span' };

    const clipsDir = join(showDir, 'clips');
    await mkdir(clipsDir, { recursive: true });
    const base = join(clipsDir, request.clipId);
    const listFile = `${base}.concat`;
    const partMp4 = `${base}.mp4.partial`;
    const partJpg = `${base}.jpg.partial`;
    try {
      await writeFile(listFile, concatList(segments.map((s) => join(showDir, top.name, s.uri))));
      await this.run(`clip ${request.clipId}`, clipMp4Args(listFile, partMp4));
      await this.run(`clip poster ${request.clipId}`, clipPosterArgs(join(showDir, top.name, segments[0]!.uri), partJpg));
      const listed = rungs.filter((r) => perRung.has(r.name));
      for (const rung of listed) await writeAtomically(`${base}-${rung.name}.m3u8`, clipVariantPlaylist(rung.name, perRung.get(rung.name)!));
      await rename(partJpg, `${base}.jpg`);
      const { size } = await stat(partMp4);
      await rename(partMp4, `${base}.mp4`);
      // the master last: once it is there, everything it leads to is
      await writeAtomically(`${base}.m3u8`, clipMasterPlaylist(request.clipId, listed));
      return { status: 'cut', durationMs: segments.reduce((sum, s) => sum + s.durationMs, 0), bytes: size, segments: segments.length };
    } finally {
      await Promise.all([listFile, partMp4, partJpg].map((f) => rm(f, { force: true })));
    }
  }

  private run(name: string, args: string[]): Promise<void> {
    return runFfmpegOnce(this.o.pool, this.o.ffmpegPath, name, args, this.timeoutMs);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.writing`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
