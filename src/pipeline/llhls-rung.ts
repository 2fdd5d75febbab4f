/**
 * One rendition's LL-HLS state, read from the segment files FFmpeg's segment muxer writes
 * (seg_NNNNNN.m4s, each ftyp + moov + ~200 ms CMAF fragments, written as they are made): every
 * complete fragment is a part, every closed file a segment, both served by byte range from the
 * same file (docs/llhls-design.md).
 *
 * File numbers and media sequence numbers are kept apart: a run FFmpeg was killed in may leave a
 * file without a whole fragment, which is skipped, and a playlist's segments must still be
 * numbered without a gap.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyIndex, scanSegment, type SegmentIndex, type Track } from './cmaf-index.js';
import type { LlInit, LlMediaState, LlPart, LlPendingSegment, LlSegment } from './llhls-playlist.js';

export const segmentFileName = (n: number) => `seg_${String(n).padStart(6, '0')}.m4s`;

export interface RungPackagerOptions {
  dir: string;
  /** the media sequence number of the first segment listed */
  firstMsn: number;
  targetDurationS: number;
  partTargetS: number;
}

/** One FFmpeg run: where its files start, and the wall clock of its timeline. */
interface Run {
  firstFile: number;
  /** wall-clock ms of the run's first file's creation: FFmpeg's muxers start together */
  originMs: number | null;
  /** decode time of the run's first fragment (its timeline's zero for the origin) */
  firstStartS: number | null;
  init: LlInit | null;
  /** the first segment of this run has been listed (the next ones carry no seam) */
  seamListed: boolean;
  /** a run before it: its first segment is marked EXT-X-DISCONTINUITY */
  afterAnother: boolean;
}

interface Current {
  n: number;
  file: FileHandle;
  index: SegmentIndex;
  run: Run;
}

const notFound = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (notFound(err)) return false;
    throw err;
  }
}

export class RungPackager {
  private readonly segments: LlSegment[] = [];
  private current: Current | null = null;
  private readonly runs: Run[] = [];
  private nextFile: number | null = null;
  /** the run of the first segment listed (its init section heads the playlist) */
  private firstListedRun: Run | null = null;
  private tracks: Track[] = [];
  private ended = false;

  constructor(private readonly options: RungPackagerOptions) {}

  private get nextMsn(): number {
    return (this.segments.at(-1)?.msn ?? this.options.firstMsn - 1) + 1;
  }

  /**
   * A new FFmpeg run writes from file `firstFile` on: its files start a new timeline and a new
   * init section (the source may have changed shape), so its first segment follows a seam.
   */
  beginRun(firstFile: number): void {
    this.runs.push({ firstFile, originMs: null, firstStartS: null, init: null, seamListed: false, afterAnother: this.runs.length > 0 || this.segments.length > 0 });
    if (this.nextFile === null) this.nextFile = firstFile;
  }

  private runOf(n: number): Run | null {
    let found: Run | null = null;
    for (const run of this.runs) if (run.firstFile <= n) found = run;
    return found;
  }

  /**
   * Reads what FFmpeg wrote since the last call. Returns true when the state changed: a part or a
   * segment added (the moment to answer the blocking requests waiting on this rendition), or a
   * new file or its init read (the preload hint moves), so a state kept by the caller is renewed.
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (;;) {
      if (this.ended || this.nextFile === null) return changed;
      if (!this.current) {
        const n = this.nextFile;
        const run = this.runOf(n);
        if (!run) return changed;
        let file: FileHandle;
        try {
          file = await open(join(this.options.dir, segmentFileName(n)), 'r');
        } catch (err) {
          if (notFound(err)) {
            // a killed run stops numbering: the next run's first file is the one to wait for
            const later = this.runs.find((r) => r.firstFile > n);
            if (later && (await exists(join(this.options.dir, segmentFileName(later.firstFile))))) {
              this.nextFile = later.firstFile;
              continue;
            }
            return changed;
          }
          throw err;
        }
        if (run.originMs === null && n === run.firstFile) {
          const info = await file.stat();
          // the file was created when FFmpeg's muxers started: the moment its timeline began
          run.originMs = info.birthtimeMs > 0 ? info.birthtimeMs : Date.now();
        }
        this.current = { n, file, index: emptyIndex(), run };
        changed = true;
      }
      const current = this.current;
      // the segment muxer opens the next file only after closing this one (or a new run starts
      // its own): once either exists, this file is final
      const following = this.runs.find((r) => r.firstFile > current.n);
      const nextNumbered = await exists(join(this.options.dir, segmentFileName(current.n + 1)));
      const nextExists = nextNumbered || (following !== undefined && (await exists(join(this.options.dir, segmentFileName(following.firstFile)))));
      const { size } = await current.file.stat();
      const before = current.index;
      current.index = await scanSegment(current.file, size, current.index, this.tracks);
      if (current.index.tracks.length) this.tracks = current.index.tracks;
      if (current.index.fragments.length > before.fragments.length || current.index.nextOffset !== before.nextOffset) changed = true;
      if (current.n === current.run.firstFile && !current.run.init && current.index.initLength) {
        current.run.init = { uri: segmentFileName(current.n), byteRange: { offset: 0, length: current.index.initLength } };
      }
      if (current.run.firstStartS === null && current.index.fragments[0]) current.run.firstStartS = current.index.fragments[0].startS;
      if (!nextExists) return changed;
      this.close(current);
      this.nextFile = nextNumbered ? current.n + 1 : (following?.firstFile ?? current.n + 1);
      changed = true;
    }
  }

  private programDateTime(run: Run, startS: number): number {
    return (run.originMs ?? Date.now()) + (startS - (run.firstStartS ?? startS)) * 1000;
  }

  private close(current: Current): void {
    const { fragments, initLength } = current.index;
    if (fragments.length > 0) {
      const start = initLength ?? 0;
      const last = fragments.at(-1)!;
      const seam = this.seamFor(current.run);
      current.run.seamListed = true;
      this.firstListedRun ??= current.run;
      this.segments.push({
        msn: this.nextMsn,
        uri: segmentFileName(current.n),
        // up to the last whole fragment: a run killed mid-write leaves a torn one behind it
        byteRange: { offset: start, length: last.offset + last.length - start },
        durationS: fragments.reduce((sum, f) => sum + f.durationS, 0),
        programDateTimeMs: this.programDateTime(current.run, fragments[0]!.startS),
        parts: this.partsOf(current),
        ...seam,
      });
    }
    this.current = null;
    // closing is best effort: the packager has read all it needs
    current.file.close().catch(() => undefined);
  }

  /** the first listed segment of a run after another carries the seam and the run's init */
  private seamFor(run: Run): { discontinuity: boolean; init?: LlInit } {
    if (run.seamListed || !run.afterAnother || this.segments.length === 0) return { discontinuity: false };
    return run.init ? { discontinuity: true, init: run.init } : { discontinuity: true };
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

  /** The show ended: what is written is all there will be. */
  async finish(): Promise<void> {
    try {
      await this.refresh();
    } finally {
      // what could be read is listed, and the playlist ends whatever the last read found
      if (this.current) this.close(this.current);
      this.ended = true;
    }
  }

  /** closes the file being read (the packager is dropped) */
  async dispose(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.file.close().catch(() => undefined);
  }

  state(): Omit<LlMediaState, 'renditionReports'> {
    const current = this.current;
    let pending: LlPendingSegment | null = null;
    if (current && !this.ended) {
      const first = current.index.fragments[0];
      pending = {
        msn: this.nextMsn,
        programDateTimeMs: first ? this.programDateTime(current.run, first.startS) : 0,
        parts: this.partsOf(current),
        nextPart: { uri: segmentFileName(current.n), byteRangeStart: current.index.nextOffset || null },
        ...(first ? this.seamFor(current.run) : { discontinuity: false }),
      };
    } else if (!this.ended) {
      // between two files: the next part is the first of the next segment
      pending = { msn: this.nextMsn, programDateTimeMs: 0, discontinuity: false, parts: [], nextPart: null };
    }
    const firstRun = this.runs[0];
    // the init in force at the first listed segment: its run's
    const init = this.firstListedRun ? this.firstListedRun.init : (current?.run.init ?? firstRun?.init ?? null);
    return {
      targetDurationS: this.options.targetDurationS,
      partTargetS: this.options.partTargetS,
      init: init ?? { uri: segmentFileName(firstRun?.firstFile ?? 0), byteRange: null },
      segments: this.segments,
      pending,
      ended: this.ended,
    };
  }
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
