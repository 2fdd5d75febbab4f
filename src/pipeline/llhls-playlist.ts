/**
 * Low-latency HLS media playlists (RFC 8216bis), pure: the packager's state in, playlist text
 * out, plus the blocking-reload decisions a server needs (_HLS_msn, _HLS_part, _HLS_skip).
 *
 * Prototype for issue 17, not wired yet. The media comes from FFmpeg's segment muxer writing
 * CMAF fragments of ~200 ms into each 1 s segment file (see docs/llhls-design.md); a part is a
 * byte range of its parent segment's file, and the full segment stays listed as a byte range
 * too, so plain HLS players, ffprobe and the recording read the same files.
 */
import { HawkerError } from '../domain/errors.js';

export interface ByteRange {
  offset: number;
  length: number;
}

export interface LlPart {
  uri: string;
  byteRange: ByteRange | null;
  durationS: number;
  /** starts with a keyframe: a player may start or switch renditions here */
  independent: boolean;
}

/** A complete segment: its parts are listed while it is near the live edge. */
export interface LlSegment {
  msn: number;
  uri: string;
  byteRange: ByteRange | null;
  durationS: number;
  /** wall-clock time of the segment's first frame (Hawker's own stamp, not FFmpeg's) */
  programDateTimeMs: number;
  parts: readonly LlPart[];
  /** an FFmpeg restart or a reconnect happened before this segment */
  discontinuity: boolean;
  /** the init section of a new FFmpeg run starting here (absent: the one in force) */
  init?: LlInit;
}

export interface LlInit {
  uri: string;
  byteRange: ByteRange | null;
}

/** The segment FFmpeg is writing now: only its finished parts are listed. */
export interface LlPendingSegment {
  msn: number;
  programDateTimeMs: number;
  discontinuity: boolean;
  /** the init section of a new FFmpeg run starting here (absent: the one in force) */
  init?: LlInit;
  parts: readonly LlPart[];
  /** where the next part will be read from: the preload hint (null: not known yet) */
  nextPart: { uri: string; byteRangeStart: number | null } | null;
}

/** Another rendition of the ladder, as its own playlist last listed it. */
export interface RenditionReport {
  /** relative to this playlist, e.g. "../360p/index.m3u8" */
  uri: string;
  lastMsn: number;
  lastPart: number | null;
}

export interface LlMediaState {
  /** integer seconds: every EXTINF rounds to at most this */
  targetDurationS: number;
  /** every part lasts at most this (the frame grid rounds up the configured part length) */
  partTargetS: number;
  /** the init section of the first listed segment's run */
  init: LlInit;
  /** complete segments, ascending and contiguous msn */
  segments: readonly LlSegment[];
  pending: LlPendingSegment | null;
  renditionReports: readonly RenditionReport[];
  /** the show ended: ENDLIST, and no more parts or hints */
  ended: boolean;
}

export interface PlaylistRequest {
  /** _HLS_skip=YES (or v2, answered as YES: Hawker's live playlists carry no date ranges) */
  skip: boolean;
}

export const PLAYLIST_VERSION = 9;

/** RFC 8216bis 4.4.3.8: PART-HOLD-BACK at least twice the part target; three times is recommended. */
export const partHoldBackS = (partTargetS: number) => round3(partTargetS * 3);
/** RFC 8216bis 4.4.3.8: CAN-SKIP-UNTIL at least six target durations. */
export const canSkipUntilS = (targetDurationS: number) => targetDurationS * 6;
/**
 * Parts are kept in the playlist for the segments this close to the live edge (RFC 8216bis
 * 6.2.2: parts older than three target durations should go; a client starting at
 * PART-HOLD-BACK only ever needs the last one or two).
 */
export const partsKeptS = (targetDurationS: number) => targetDurationS * 3;

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const num = (x: number) => String(round3(x));
/** 5 decimals: EXTINF and part durations summed by a player must not drift from the media */
const dur = (x: number) => x.toFixed(5);
const range = (r: ByteRange) => `${r.length}@${r.offset}`;
const pdt = (ms: number) => new Date(ms).toISOString();

/** The number of the last segment and part a blocking request can name today. */
export function lastPosition(state: LlMediaState): { msn: number; part: number | null } | null {
  if (state.pending && state.pending.parts.length > 0) return { msn: state.pending.msn, part: state.pending.parts.length - 1 };
  const last = state.segments.at(-1);
  if (!last) return null;
  return { msn: last.msn, part: last.parts.length > 0 ? last.parts.length - 1 : null };
}

function mapLine(init: LlInit): string {
  const attrs = [`URI="${init.uri}"`];
  if (init.byteRange) attrs.push(`BYTERANGE="${range(init.byteRange)}"`);
  return `#EXT-X-MAP:${attrs.join(',')}`;
}

function partLine(part: LlPart): string {
  const attrs = [`DURATION=${dur(part.durationS)}`, `URI="${part.uri}"`];
  if (part.byteRange) attrs.push(`BYTERANGE="${range(part.byteRange)}"`);
  if (part.independent) attrs.push('INDEPENDENT=YES');
  return `#EXT-X-PART:${attrs.join(',')}`;
}

/** How many of the oldest segments a delta update leaves out (RFC 8216bis 6.2.5.1). */
export function skippableSegments(state: LlMediaState): number {
  const keep = canSkipUntilS(state.targetDurationS);
  let kept = 0;
  let i = state.segments.length;
  // what stays listed must cover at least CAN-SKIP-UNTIL from the end
  while (i > 0 && kept < keep) kept += state.segments[--i]!.durationS;
  return i;
}

/** The media playlist text for a request (a full playlist, or a delta update when asked for). */
export function renderLlPlaylist(state: LlMediaState, request: PlaylistRequest = { skip: false }): string {
  const { segments, pending, ended } = state;
  const first = segments[0]?.msn ?? pending?.msn ?? 0;
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${PLAYLIST_VERSION}`,
    `#EXT-X-TARGETDURATION:${state.targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  if (!ended) {
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${num(canSkipUntilS(state.targetDurationS))},PART-HOLD-BACK=${num(partHoldBackS(state.partTargetS))}`,
      `#EXT-X-PART-INF:PART-TARGET=${num(state.partTargetS)}`,
    );
  }
  const skipped = request.skip && !ended ? skippableSegments(state) : 0;
  if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  // the init in force at the first listed segment (a delta update may skip the run's first)
  let inForce = state.init;
  for (const segment of segments.slice(0, skipped + 1)) inForce = segment.init ?? inForce;
  lines.push(mapLine(inForce));

  // parts stay listed for the segments that end within partsKeptS of the live edge
  const edge = partsKeptS(state.targetDurationS);
  let fromEnd = 0;
  const withParts = new Set<number>();
  for (let i = segments.length - 1; i >= 0 && fromEnd < edge; i--) {
    withParts.add(i);
    fromEnd += segments[i]!.durationS;
  }
  segments.forEach((segment, i) => {
    if (i < skipped) return;
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.init && i > skipped) lines.push(mapLine(segment.init));
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(segment.programDateTimeMs)}`);
    if (!ended && withParts.has(i)) lines.push(...segment.parts.map(partLine));
    lines.push(`#EXTINF:${dur(segment.durationS)},`);
    if (segment.byteRange) lines.push(`#EXT-X-BYTERANGE:${range(segment.byteRange)}`);
    lines.push(segment.uri);
  });
  if (ended) {
    lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }
  if (pending) {
    if (pending.parts.length > 0) {
      if (pending.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (pending.init) lines.push(mapLine(pending.init));
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(pending.programDateTimeMs)}`);
      lines.push(...pending.parts.map(partLine));
    }
    if (pending.nextPart) {
      const hint = ['TYPE=PART', `URI="${pending.nextPart.uri}"`];
      if (pending.nextPart.byteRangeStart != null) hint.push(`BYTERANGE-START=${pending.nextPart.byteRangeStart}`);
      lines.push(`#EXT-X-PRELOAD-HINT:${hint.join(',')}`);
    }
  }
  for (const report of state.renditionReports) {
    const attrs = [`URI="${report.uri}"`, `LAST-MSN=${report.lastMsn}`];
    if (report.lastPart != null) attrs.push(`LAST-PART=${report.lastPart}`);
    lines.push(`#EXT-X-RENDITION-REPORT:${attrs.join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The delivery directives of a playlist request, checked (RFC 8216bis 6.2.5). */
export interface DeliveryDirectives {
  msn: number | null;
  part: number | null;
  skip: boolean;
}

const MAX_INDEX = 2 ** 31;

function index(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,10}$/.test(value) || Number(value) >= MAX_INDEX) {
    throw new HawkerError('BAD_REQUEST', `${name} must be a non-negative integer`);
  }
  return Number(value);
}

/** Reads _HLS_msn, _HLS_part and _HLS_skip from a query; a malformed one is a 400 (BAD_REQUEST). */
export function parseDeliveryDirectives(query: Readonly<Record<string, string | undefined>>): DeliveryDirectives {
  const msn = index('_HLS_msn', query._HLS_msn);
  const part = index('_HLS_part', query._HLS_part);
  if (part != null && msn == null) throw new HawkerError('BAD_REQUEST', '_HLS_part needs _HLS_msn');
  const skipValue = query._HLS_skip;
  if (skipValue !== undefined && skipValue !== 'YES' && skipValue !== 'v2') {
    throw new HawkerError('BAD_REQUEST', '_HLS_skip must be YES or v2');
  }
  return { msn, part, skip: skipValue !== undefined };
}

/**
 * The Advance Part Limit (RFC 8216bis 6.2.5.2): how many parts past the last one a client may
 * ask for before the request is refused rather than held.
 */
export const advancePartLimit = (partTargetS: number) => (partTargetS < 1 ? Math.floor(3 / partTargetS) : 3);

export type BlockingVerdict = 'answer' | 'hold' | 'too-far';

/**
 * What a server does with a playlist request carrying _HLS_msn (and maybe _HLS_part) now:
 * answer it, hold it until the playlist grows, or refuse it (400) because it asks too far ahead.
 */
export function blockingVerdict(state: LlMediaState, msn: number, part: number | null): BlockingVerdict {
  if (state.ended) return 'answer';
  const lastComplete = state.segments.at(-1)?.msn ?? (state.pending ? state.pending.msn - 1 : -1);
  if (msn > lastComplete + 2) return 'too-far';
  if (part == null) return msn <= lastComplete ? 'answer' : 'hold';

  // a part index past a complete segment's last part means part 0 of the next one
  let wantMsn = msn;
  let wantPart = part;
  const complete = state.segments.find((s) => s.msn === msn);
  if (complete && part >= complete.parts.length) {
    wantMsn += 1;
    wantPart = 0;
  }
  if (wantMsn <= lastComplete) return 'answer';
  const pending = state.pending;
  const pendingMsn = pending?.msn ?? lastComplete + 1;
  const have = pending?.msn === pendingMsn ? pending.parts.length : 0;
  if (wantMsn === pendingMsn && wantPart < have) return 'answer';
  const partsPerSegment = Math.max(1, Math.round(state.targetDurationS / state.partTargetS));
  const ahead = (wantMsn - pendingMsn) * partsPerSegment + wantPart - (have - 1);
  return ahead > advancePartLimit(state.partTargetS) ? 'too-far' : 'hold';
}

/** RFC 8216bis 6.2.5.2: a held request not satisfiable within three target durations gets a 503. */
export const blockingTimeoutMs = (targetDurationS: number) => targetDurationS * 3 * 1000;
