/**
 * One rendition's LL-HLS state, read from the segment files FFmpeg's segment muxer writes
 * (seg_NNNNNN.m4s, each ftyp + moov + ~200 ms CMAF fragments, written as they are made): every
 * complete fragment is a part, every closed file a segment, both served by byte range from the
 * same file. The segment number is the media sequence number, so a restarted FFmpeg that
 * continues the numbering (-segment_start_number) continues the playlist.
 *
 * Prototype for issue 17 (docs/llhls-design.md); not wired into the server yet.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyIndex, scanSegment, type SegmentIndex, type Track } from './cmaf-index.js';
import type { LlMediaState, LlPart, LlPendingSegment, LlSegment } from './llhls-playlist.js';

export const segmentFileName = (n: number) => `seg_${String(n).padStart(6, '0')}.m4s`;

export interface RungPackagerOptions {
  dir: string;
  firstSegment: number;
  targetDurationS: number;
  partTargetS: number;
  /**
   * Wall-clock time (ms) of a decode time on the media timeline. Hawker's port for true
   * PROGRAM-DATE-TIME: the ingest knows when each frame arrived (docs/llhls-design.md).
   */
  programDateTime: (decodeTimeS: number) => number;
}

interface Current {
  n: number;
  file: FileHandle;
  index: SegmentIndex;
}

const notFound = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (notFound(err)) return null;
    throw err;
  }
}

export class RungPackager {
  private readonly segments: LlSegment[] = [];
  private current: Current | null = null;
  private init: { uri: string; length: number } | null = null;
  private tracks: Track[] = [];
  private ended = false;

  constructor(private readonly options: RungPackagerOptions) {}

  private get nextNumber(): number {
    return this.current?.n ?? (this.segments.at(-1)?.msn ?? this.options.firstSegment - 1) + 1;
  }

  /**
   * Reads what FFmpeg wrote since the last call. Returns true when a part or a segment was
   * added (the moment to answer the blocking requests waiting on this rendition).
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (;;) {
      if (!this.current) {
        const n = this.nextNumber;
        let file: FileHandle;
        try {
          file = await open(join(this.options.dir, segmentFileName(n)), 'r');
        } catch (err) {
          if (notFound(err)) return changed;
          throw err;
        }
        this.current = { n, file, index: emptyIndex() };
      }
      const current = this.current;
      // the segment muxer opens the next file only after closing this one: once it exists,
      // this file's size is final
      const nextExists = (await sizeOf(join(this.options.dir, segmentFileName(current.n + 1)))) !== null;
      const { size } = await current.file.stat();
      const before = current.index.fragments.length;
      current.index = await scanSegment(current.file, size, current.index, this.tracks);
      if (current.index.tracks.length) this.tracks = current.index.tracks;
      if (current.index.fragments.length > before) changed = true;
      if (!nextExists) return changed;
      this.close(current, size);
      changed = true;
    }
  }

  private close(current: Current, size: number): void {
    const uri = segmentFileName(current.n);
    const { fragments, initLength } = current.index;
    const start = initLength ?? 0;
    if (!this.init && initLength) this.init = { uri, length: initLength };
    const parts = this.partsOf(current);
    if (fragments.length > 0) {
      this.segments.push({
        msn: current.n,
        uri,
        byteRange: { offset: start, length: size - start },
        durationS: parts.reduce((sum, p) => sum + p.durationS, 0),
        programDateTimeMs: this.options.programDateTime(fragments[0]!.startS),
        parts,
        discontinuity: false,
      });
    }
    this.current = null;
    // closing is best effort: the packager has read all it needs
    current.file.close().catch(() => undefined);
  }

  private partsOf(current: Current): LlPart[] {
    const uri = segmentFileName(current.n);
    return current.index.fragments.map((f) => ({
      uri,
      byteRange: { offset: f.offset, length: f.length },
      durationS: f.durationS,
      independent: f.independent,
    }));
  }

  /** FFmpeg stopped: what is written is all there will be. */
  async finish(): Promise<void> {
    await this.refresh();
    if (this.current) {
      const { size } = await this.current.file.stat();
      this.close(this.current, size);
    }
    this.ended = true;
  }

  state(): Omit<LlMediaState, 'renditionReports'> {
    const current = this.current;
    let pending: LlPendingSegment | null = null;
    if (current && !this.ended) {
      const first = current.index.fragments[0];
      pending = {
        msn: current.n,
        programDateTimeMs: first ? this.options.programDateTime(first.startS) : 0,
        discontinuity: false,
        parts: this.partsOf(current),
        nextPart: { uri: segmentFileName(current.n), byteRangeStart: current.index.nextOffset || null },
      };
    } else if (!this.ended) {
      // between two files: the next part is the first of the next segment
      pending = { msn: this.nextNumber, programDateTimeMs: 0, discontinuity: false, parts: [], nextPart: null };
    }
    const init = this.init ?? (current?.index.initLength ? { uri: segmentFileName(current.n), length: current.index.initLength } : null);
    return {
      targetDurationS: this.options.targetDurationS,
      partTargetS: this.options.partTargetS,
      init: init ? { uri: init.uri, byteRange: { offset: 0, length: init.length } } : { uri: segmentFileName(this.options.firstSegment), byteRange: null },
      segments: this.segments,
      pending,
      ended: this.ended,
    };
  }
}

/**
 * FFmpeg segment-muxer output for one rendition: 1 s segment files of CMAF fragments of about
 * partSeconds, flushed to the file as each fragment is made (measured: readable ~0.1 s after the
 * muxer got its last frame; without flush_packets the same file lags 1-2.6 s). tfdt keeps the
 * run's timeline (frag_discont), so every segment shares the first one's init section.
 * Map the rendition's streams and set its encoders before these arguments.
 */
export function cmafSegmentMuxerArgs(input: { dir: string; segmentSeconds: number; partSeconds: number; startNumber: number }): string[] {
  const movflags = '+cmaf+frag_keyframe+empty_moov+default_base_moof+frag_discont+skip_trailer';
  return [
    '-f', 'segment',
    '-segment_time', String(input.segmentSeconds),
    '-segment_start_number', String(input.startNumber),
    '-reset_timestamps', '0',
    '-segment_format', 'mp4',
    '-segment_format_options', `movflags=${movflags}:frag_duration=${Math.round(input.partSeconds * 1_000_000)}:flush_packets=1`,
    join(input.dir, 'seg_%06d.m4s'),
  ];
}

/**
 * PART-TARGET for a part length on a frame grid: FFmpeg closes a fragment on the first frame at
 * or past partSeconds, so a part lasts a whole number of frames (0.2 s at 30 fps is 6 frames;
 * at 29.97 fps 6 frames last 0.2002 s, over a PART-TARGET of 0.2).
 */
export function partTargetFor(partSeconds: number, fps: number): number {
  const frames = Math.ceil(partSeconds * fps - 1e-9);
  return Math.ceil((frames / fps) * 1000) / 1000;
}
