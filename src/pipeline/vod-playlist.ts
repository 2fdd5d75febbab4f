import { closeSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANT_PLAYLIST, variantDirs } from './hls-output.js';

/** A chapter as the recording's playlists carry it (EXT-X-DATERANGE). */
export interface PlaylistChapter {
  productId: string;
  title: string;
  /** epoch ms, in the playlist's PROGRAM-DATE-TIME domain */
  startAt: number;
  endAt: number;
}

export interface VodInput {
  /** epoch ms the show went live: segments over before it are the rehearsal's */
  startedAt: number;
  chapters: readonly PlaylistChapter[];
}

export interface VodPlaylist {
  text: string;
  /** the URIs of the segments left out (the rehearsal's), whose files can go */
  dropped: string[];
}

export const CHAPTER_CLASS = 'com.hawker.chapter';

const PDT_TAG = '#EXT-X-PROGRAM-DATE-TIME:';
const ENDLIST = '#EXT-X-ENDLIST';
const VOD_TYPE = '#EXT-X-PLAYLIST-TYPE:VOD';
/** the tags about one segment only (the others hold until replaced) */
const PER_SEGMENT = /^#(EXTINF|EXT-X-PROGRAM-DATE-TIME|EXT-X-DISCONTINUITY|EXT-X-BYTERANGE|EXT-X-GAP)\b/;

interface Segment {
  /** the tags before its URI, in order (EXTINF, PROGRAM-DATE-TIME, DISCONTINUITY, ...) */
  tags: string[];
  uri: string;
  duration: number;
  /** its PROGRAM-DATE-TIME: tagged, or carried on from the segment before */
  start: number | null;
}

/**
 * A live (EVENT) media playlist as the recording: a VOD playlist with ENDLIST, the rehearsal's
 * segments (ending no later than startedAt) left out, and one EXT-X-DATERANGE per chapter, so
 * any player that reads date ranges sees the chapters. Pure and idempotent: its own output
 * comes back unchanged (date ranges of an earlier run are replaced, not added to).
 */
export function vodPlaylist(text: string, input: VodInput): VodPlaylist {
  const header: string[] = [];
  const segments: Segment[] = [];
  let pending: string[] = [];
  let carried: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line === ENDLIST || line.startsWith('#EXT-X-DATERANGE:') || line.startsWith('#EXT-X-PLAYLIST-TYPE:')) continue;
    if (!line.startsWith('#')) {
      const segment = segmentOf(pending, line, carried);
      segments.push(segment);
      carried = segment.start == null ? null : segment.start + segment.duration * 1000;
      pending = [];
    } else if (segments.length === 0 && isHeaderTag(line)) header.push(line);
    else pending.push(line);
  }

  const kept = segments.filter((s) => s.start == null || s.start + s.duration * 1000 > input.startedAt);
  const dropped = segments.filter((s) => !kept.includes(s)).map((s) => s.uri);
  const first = kept[0];
  if (first && dropped.length > 0) {
    // tags that hold for the segments after them (EXT-X-MAP, EXT-X-KEY) outlive the dropped ones
    const lasting = new Map<string, string>();
    for (const s of segments.slice(0, segments.indexOf(first))) for (const tag of s.tags) if (!PER_SEGMENT.test(tag)) lasting.set(tag.split(':')[0]!, tag);
    for (const tag of first.tags) lasting.delete(tag.split(':')[0]!);
    // nothing before it any more to be discontinuous with; and its time must be stated
    first.tags = [...lasting.values(), ...first.tags.filter((t) => t !== '#EXT-X-DISCONTINUITY')];
    if (first.start != null && !first.tags.some((t) => t.startsWith(PDT_TAG))) first.tags.push(`${PDT_TAG}${new Date(first.start).toISOString()}`);
  }

  const span = playedSpan(kept);
  const out = ['#EXTM3U', ...header.filter((l) => l !== '#EXTM3U'), VOD_TYPE];
  if (span) input.chapters.forEach((c, i) => {
    const tag = dateRange(i + 1, c, span);
    if (tag) out.push(tag);
  });
  for (const s of kept) out.push(...s.tags, s.uri);
  out.push(ENDLIST, '');
  return { text: out.join('\n'), dropped };
}

/** The playlist-wide tags that come before the first segment. */
function isHeaderTag(line: string): boolean {
  return /^#(EXTM3U|EXT-X-VERSION|EXT-X-TARGETDURATION|EXT-X-MEDIA-SEQUENCE|EXT-X-DISCONTINUITY-SEQUENCE|EXT-X-INDEPENDENT-SEGMENTS|EXT-X-START|EXT-X-ALLOW-CACHE)\b/.test(line);
}

function segmentOf(tags: string[], uri: string, carried: number | null): Segment {
  let duration = 0;
  let start = carried;
  for (const tag of tags) {
    if (tag.startsWith('#EXTINF:')) duration = Number.parseFloat(tag.slice('#EXTINF:'.length)) || 0;
    else if (tag.startsWith(PDT_TAG)) {
      const t = Date.parse(tag.slice(PDT_TAG.length));
      start = Number.isFinite(t) ? t : null;
    }
  }
  // after a discontinuity an untagged segment's time is unknown (a new run began)
  if (tags.includes('#EXT-X-DISCONTINUITY') && !tags.some((t) => t.startsWith(PDT_TAG))) start = null;
  return { tags, uri, duration, start };
}

/** From the first segment's start to the last one's end (a reconnect's gap included). */
function playedSpan(segments: Segment[]): { from: number; to: number } | null {
  let from: number | null = null;
  let to: number | null = null;
  for (const s of segments) {
    if (s.start == null) continue;
    from ??= s.start;
    to = s.start + s.duration * 1000;
  }
  return from != null && to != null ? { from, to } : null;
}

/**
 * One chapter as a date range, clipped to the recording (a chapter from Go live starts before
 * the first segment, which FFmpeg writes a moment later). A chapter wholly outside it: none.
 */
function dateRange(n: number, chapter: PlaylistChapter, span: { from: number; to: number }): string | null {
  const start = Math.max(chapter.startAt, span.from);
  const end = Math.min(chapter.endAt, span.to);
  if (end <= start) return null;
  return (
    `#EXT-X-DATERANGE:ID="chapter-${n}",CLASS="${CHAPTER_CLASS}",START-DATE="${new Date(start).toISOString()}",` +
    `DURATION=${((end - start) / 1000).toFixed(3)},X-PRODUCT-ID="${quotedString(chapter.productId)}",X-TITLE="${quotedString(chapter.title)}"`
  );
}

/** An HLS quoted-string holds no double quote, CR or LF; other control characters go too. */
function quotedString(text: string): string {
  return text.replace(/["\u0000-\u001f\u007f]/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** A segment URI this module may delete: a plain file name next to its playlist. */
const SEGMENT_FILE = /^[\w-]+(\.[\w-]+)*\.(ts|m4s|mp4)$/;

/**
 * Rewrites every variant playlist of an ended show's folder as VOD (tmp + rename: players never
 * read half a playlist) and deletes the rehearsal's segment files it left out. A playlist that
 * is already the same is not written again. Returns what it changed.
 */
export function rewriteAsVod(showDir: string, input: VodInput): { playlists: number; deletedSegments: number } {
  let playlists = 0;
  let deletedSegments = 0;
  for (const variantDir of variantDirs(showDir)) {
    const playlist = join(variantDir, VARIANT_PLAYLIST);
    const text = readFileSync(playlist, 'utf8');
    const vod = vodPlaylist(text, input);
    if (vod.text !== text) {
      const tmp = `${playlist}.vod`;
      writeFileSync(tmp, vod.text);
      renameSync(tmp, playlist);
      playlists += 1;
    }
    // after the rename: a crash in between leaves files, never a playlist naming missing ones
    for (const uri of vod.dropped) {
      if (!SEGMENT_FILE.test(uri)) continue;
      try {
        unlinkSync(join(variantDir, uri));
        deletedSegments += 1;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  return { playlists, deletedSegments };
}

/**
 * True when every variant playlist of the folder already says VOD (or there are none): read from
 * each playlist's head only, so a start-up check of many recordings stays cheap.
 */
export function isVodRecording(showDir: string): boolean {
  return variantDirs(showDir).every((dir) => headOf(join(dir, VARIANT_PLAYLIST)).includes(VOD_TYPE));
}

/** the header comes first and is short; the type tag is in its first few hundred bytes */
const HEAD_BYTES = 1024;

function headOf(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

