/**
 * Finds the complete CMAF fragments (moof + mdat) in a segment file FFmpeg is still writing,
 * reading only box headers and the small moov/moof boxes: the media bytes never pass through
 * JavaScript (a player reads them from the file by byte range).
 *
 * Prototype for issue 17 (docs/llhls-design.md); not wired into the server yet.
 */
import type { FileHandle } from 'node:fs/promises';

export interface Track {
  id: number;
  timescale: number;
  handler: string;
}

export interface Fragment {
  /** byte offset of the fragment's first box (a moof, or a box FFmpeg wrote before it) */
  offset: number;
  /** bytes up to the end of its mdat */
  length: number;
  /** decode time of the fragment's first video sample, seconds on the media timeline (tfdt) */
  startS: number;
  /** sum of the video samples' durations */
  durationS: number;
  /** the first video sample is a sync sample (a keyframe) */
  independent: boolean;
}

/** A moof or moov larger than this is not FFmpeg's CMAF output: refuse it rather than read it. */
export const MAX_HEADER_BOX_BYTES = 1 << 20;

export class CmafFormatError extends Error {
  override name = 'CmafFormatError';
}

interface BoxHeader {
  type: string;
  size: number;
  headerSize: number;
}

function boxHeader(buf: Buffer, at: number, end: number): BoxHeader | null {
  if (at + 8 > end) return null;
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > end) return null;
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  }
  if (size < headerSize) throw new CmafFormatError(`box ${JSON.stringify(type)} has a bad size ${size}`);
  return { type, size, headerSize };
}

/** The children of a container box held whole in buf. */
function* children(buf: Buffer, start: number, end: number): Generator<{ type: string; at: number; size: number; body: number }> {
  let at = start;
  while (at < end) {
    const h = boxHeader(buf, at, end);
    if (!h || at + h.size > end) throw new CmafFormatError('a box runs past its parent');
    yield { type: h.type, at, size: h.size, body: at + h.headerSize };
    at += h.size;
  }
}

function child(buf: Buffer, start: number, end: number, type: string) {
  for (const c of children(buf, start, end)) if (c.type === type) return c;
  return null;
}

/** Tracks of a moov box (buf holds the whole moov, from its header). */
export function parseMoov(buf: Buffer): Track[] {
  const moov = boxHeader(buf, 0, buf.length);
  if (!moov || moov.type !== 'moov') throw new CmafFormatError('not a moov box');
  const tracks: Track[] = [];
  for (const trak of children(buf, moov.headerSize, moov.size)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(buf, trak.body, trak.at + trak.size, 'tkhd');
    const mdia = child(buf, trak.body, trak.at + trak.size, 'mdia');
    if (!tkhd || !mdia) throw new CmafFormatError('a trak without tkhd or mdia');
    const mdhd = child(buf, mdia.body, mdia.at + mdia.size, 'mdhd');
    const hdlr = child(buf, mdia.body, mdia.at + mdia.size, 'hdlr');
    if (!mdhd || !hdlr) throw new CmafFormatError('an mdia without mdhd or hdlr');
    // version 1 boxes carry 64-bit creation and modification times
    const id = buf.readUInt32BE(tkhd.body + 4 + (buf[tkhd.body] === 1 ? 16 : 8));
    const timescale = buf.readUInt32BE(mdhd.body + 4 + (buf[mdhd.body] === 1 ? 16 : 8));
    const handler = buf.toString('latin1', hdlr.body + 8, hdlr.body + 12);
    tracks.push({ id, timescale, handler });
  }
  return tracks;
}

/** The video track's timing in a moof box (buf holds the whole moof, from its header). */
export function parseMoof(buf: Buffer, tracks: readonly Track[]): { startS: number; durationS: number; independent: boolean } | null {
  const moof = boxHeader(buf, 0, buf.length);
  if (!moof || moof.type !== 'moof') throw new CmafFormatError('not a moof box');
  for (const traf of children(buf, moof.headerSize, moof.size)) {
    if (traf.type !== 'traf') continue;
    const end = traf.at + traf.size;
    const tfhd = child(buf, traf.body, end, 'tfhd');
    const tfdt = child(buf, traf.body, end, 'tfdt');
    if (!tfhd || !tfdt) throw new CmafFormatError('a traf without tfhd or tfdt');
    const track = tracks.find((t) => t.id === buf.readUInt32BE(tfhd.body + 4));
    if (!track || track.handler !== 'vide') continue;

    const tfhdFlags = buf.readUInt32BE(tfhd.body) & 0xffffff;
    let p = tfhd.body + 8;
    if (tfhdFlags & 0x1) p += 8; // base data offset
    if (tfhdFlags & 0x2) p += 4; // sample description index
    let defaultDuration = 0;
    if (tfhdFlags & 0x8) {
      defaultDuration = buf.readUInt32BE(p);
      p += 4;
    }
    if (tfhdFlags & 0x10) p += 4; // default sample size
    let defaultFlags: number | null = null;
    if (tfhdFlags & 0x20) defaultFlags = buf.readUInt32BE(p);

    const base = buf[tfdt.body] === 1 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : buf.readUInt32BE(tfdt.body + 4);
    let ticks = 0;
    let firstFlags: number | null = null;
    for (const trun of children(buf, traf.body, end)) {
      if (trun.type !== 'trun') continue;
      const flags = buf.readUInt32BE(trun.body) & 0xffffff;
      const count = buf.readUInt32BE(trun.body + 4);
      let q = trun.body + 8;
      if (flags & 0x1) q += 4; // data offset
      if (flags & 0x4) {
        firstFlags ??= buf.readUInt32BE(q);
        q += 4;
      }
      for (let i = 0; i < count; i++) {
        if (q > trun.at + trun.size) throw new CmafFormatError('a trun runs past its box');
        if (flags & 0x100) {
          ticks += buf.readUInt32BE(q);
          q += 4;
        } else ticks += defaultDuration;
        if (flags & 0x200) q += 4;
        if (flags & 0x400) {
          if (firstFlags === null) firstFlags = buf.readUInt32BE(q);
          q += 4;
        }
        if (flags & 0x800) q += 4;
      }
    }
    firstFlags ??= defaultFlags;
    // sample_is_non_sync_sample is bit 16 of the sample flags
    const independent = firstFlags !== null && ((firstFlags >>> 16) & 1) === 0;
    return { startS: base / track.timescale, durationS: ticks / track.timescale, independent };
  }
  return null;
}

/** What a scan of one segment file found so far. */
export interface SegmentIndex {
  /** bytes of ftyp + moov at the file's start (the init section) */
  initLength: number | null;
  tracks: Track[];
  fragments: Fragment[];
  /** where the next fragment starts: the preload hint's BYTERANGE-START */
  nextOffset: number;
}

export const emptyIndex = (): SegmentIndex => ({ initLength: null, tracks: [], fragments: [], nextOffset: 0 });

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, position);
  return bytesRead === length ? buf : buf.subarray(0, bytesRead);
}

/**
 * Reads on from index.nextOffset up to fileSize and returns the index with every fragment that
 * is now complete. A box not yet fully written stops the scan; the next call resumes there.
 * Tracks come from the file's own moov or, for a file without one, from `tracks`.
 */
export async function scanSegment(file: FileHandle, fileSize: number, index: SegmentIndex, tracks: readonly Track[] = []): Promise<SegmentIndex> {
  const next: SegmentIndex = { ...index, tracks: index.tracks.length ? index.tracks : [...tracks], fragments: [...index.fragments] };
  let at = next.nextOffset;
  let fragmentStart = at;
  let moof: { startS: number; durationS: number; independent: boolean } | null = null;
  while (at + 8 <= fileSize) {
    const head = boxHeader(await readAt(file, at, 16), 0, Math.min(16, fileSize - at));
    if (!head || at + head.size > fileSize) break;
    if (head.type === 'moov' || head.type === 'moof') {
      if (head.size > MAX_HEADER_BOX_BYTES) throw new CmafFormatError(`a ${head.type} of ${head.size} bytes`);
      const box = await readAt(file, at, head.size);
      if (head.type === 'moov') {
        next.tracks = parseMoov(box);
        next.initLength = at + head.size;
        fragmentStart = at + head.size;
        next.nextOffset = fragmentStart;
      } else {
        if (!next.tracks.some((track) => track.handler === 'vide')) throw new CmafFormatError('a fragment, and no video track to time it');
        // A fragment of audio alone (FFmpeg's flush at the end of a run, or audio running ahead
        // at a cut) is no part of its own: its bytes join the next fragment's part, so parts
        // stay contiguous; at the end of a file it is left out.
        moof = parseMoof(box, next.tracks);
      }
    } else if (head.type === 'mdat' && moof) {
      next.fragments.push({ offset: fragmentStart, length: at + head.size - fragmentStart, ...moof });
      moof = null;
      fragmentStart = at + head.size;
      next.nextOffset = fragmentStart;
    } else if (head.type === 'ftyp' && at === 0) {
      fragmentStart = head.size;
      next.nextOffset = fragmentStart;
    }
    // any other box (styp, prft, sidx) belongs to the fragment that follows it
    at += head.size;
  }
  return next;
}
