// RFC 8216bis checks for low-latency media playlists, written once for every LL-HLS test
// (the playlist writer's unit tests, the packager's e2e, later the served playlists). Each rule
// has an id and the section it comes from: `LLHLS_RULES` is the conformance table.

export interface Rule {
  id: string;
  section: string;
  text: string;
}

export const LLHLS_RULES: readonly Rule[] = [
  { id: 'header', section: '4.4.1.1', text: 'the first line is #EXTM3U' },
  { id: 'version', section: '4.4.1.2, 7', text: 'EXT-X-VERSION is at least 6 with EXT-X-MAP, 4 with byte ranges, 9 with EXT-X-SKIP' },
  { id: 'target-duration', section: '4.4.3.1', text: 'every EXTINF rounded to the nearest integer is at most EXT-X-TARGETDURATION' },
  { id: 'part-inf', section: '4.4.3.7', text: 'EXT-X-PART-INF with PART-TARGET is present when the playlist has EXT-X-PART or a part preload hint' },
  { id: 'part-max', section: '4.4.4.9', text: 'every part lasts at most PART-TARGET' },
  { id: 'part-min', section: '4.4.4.9', text: 'every part lasts at least 85% of PART-TARGET, except INDEPENDENT=YES parts and the last part of a parent segment' },
  { id: 'part-attrs', section: '4.4.4.9', text: 'EXT-X-PART has URI and DURATION; BYTERANGE is length[@offset]' },
  { id: 'parts-sum', section: '4.4.4.9', text: "a parent segment's parts hold the same media: their durations add up to its EXTINF" },
  { id: 'parts-contiguous', section: '4.4.4.9', text: "byte-range parts of one file follow each other and lie inside the parent's byte range" },
  { id: 'independent-first', section: '4.4.2.6, 4.4.4.9', text: 'with EXT-X-INDEPENDENT-SEGMENTS, the first part of every segment is INDEPENDENT=YES' },
  { id: 'server-control', section: '4.4.3.8, 6.2.2', text: 'a playlist with parts declares CAN-BLOCK-RELOAD=YES and PART-HOLD-BACK' },
  { id: 'part-hold-back', section: '4.4.3.8', text: 'PART-HOLD-BACK is at least twice PART-TARGET' },
  { id: 'hold-back', section: '4.4.3.8', text: 'HOLD-BACK, when present, is at least three target durations' },
  { id: 'can-skip-until', section: '4.4.3.8', text: 'CAN-SKIP-UNTIL, when present, is at least six target durations' },
  { id: 'preload-hint', section: '4.4.5.3', text: 'EXT-X-PRELOAD-HINT has TYPE PART or MAP and a URI, at most one per TYPE, none after EXT-X-ENDLIST' },
  { id: 'hint-follows', section: '4.4.5.3', text: "a part hint into the last part's file starts where that part ends" },
  { id: 'rendition-report', section: '4.4.5.4', text: 'EXT-X-RENDITION-REPORT has URI and LAST-MSN, and LAST-PART when the playlist has parts' },
  { id: 'skip', section: '4.4.5.2, 6.2.5.1', text: 'EXT-X-SKIP only when CAN-SKIP-UNTIL is declared, before any segment, and what stays listed covers at least CAN-SKIP-UNTIL' },
  { id: 'parts-at-edge', section: '6.2.2', text: 'parts are listed only near the live edge (segments ending within three target durations of the end) (SHOULD)' },
  { id: 'program-date-time', section: '4.4.4.6', text: 'every segment has a PROGRAM-DATE-TIME, and consecutive ones advance by the EXTINF within 0.1 s (Hawker policy)' },
  { id: 'ended', section: '4.4.3.4, 6.2.2', text: 'after EXT-X-ENDLIST no trailing parts nor hints remain' },
];

export interface Violation {
  rule: string;
  message: string;
}

export interface ParsedPart {
  uri: string;
  duration: number;
  independent: boolean;
  byteRange: { offset: number; length: number } | null;
}

export interface ParsedSegment {
  msn: number;
  uri: string;
  duration: number;
  byteRange: { offset: number; length: number } | null;
  programDateTime: number | null;
  discontinuity: boolean;
  parts: ParsedPart[];
}

export interface ParsedLlPlaylist {
  version: number | null;
  targetDuration: number | null;
  mediaSequence: number;
  partTarget: number | null;
  serverControl: Record<string, string> | null;
  independentSegments: boolean;
  map: Record<string, string> | null;
  skipped: number | null;
  segments: ParsedSegment[];
  /** parts after the last complete segment (the segment being written) */
  trailingParts: ParsedPart[];
  preloadHints: Record<string, string>[];
  renditionReports: Record<string, string>[];
  ended: boolean;
  /** tags in the order met, for order rules */
  order: string[];
}

/** Attribute list parser (quoted strings may hold commas). */
export function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (const m of text.matchAll(re)) out[m[1]!] = m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!;
  return out;
}

function byteRange(text: string | undefined, previousEnd: number | null): { offset: number; length: number } | null {
  if (text === undefined) return null;
  const m = /^(\d+)(?:@(\d+))?$/.exec(text);
  if (!m) throw new Error(`bad byte range ${text}`);
  const offset = m[2] !== undefined ? Number(m[2]) : previousEnd;
  if (offset === null) throw new Error(`byte range ${text} without an offset and no previous range`);
  return { offset, length: Number(m[1]) };
}

export function parseLlPlaylist(text: string): ParsedLlPlaylist {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const pl: ParsedLlPlaylist = {
    version: null, targetDuration: null, mediaSequence: 0, partTarget: null, serverControl: null, independentSegments: false,
    map: null, skipped: null, segments: [], trailingParts: [], preloadHints: [], renditionReports: [], ended: false, order: [],
  };
  let parts: ParsedPart[] = [];
  let duration: number | null = null;
  let pdt: number | null = null;
  let range: { offset: number; length: number } | null = null;
  let lastRangeEnd: number | null = null;
  let discontinuity = false;
  for (const line of lines) {
    const [tag, value = ''] = line.startsWith('#') ? [line.split(':')[0]!, line.slice(line.indexOf(':') + 1)] : ['URI', line];
    if (line.startsWith('#')) pl.order.push(tag);
    switch (tag) {
      case '#EXT-X-VERSION': pl.version = Number(value); break;
      case '#EXT-X-TARGETDURATION': pl.targetDuration = Number(value); break;
      case '#EXT-X-MEDIA-SEQUENCE': pl.mediaSequence = Number(value); break;
      case '#EXT-X-PART-INF': pl.partTarget = Number(attributes(value)['PART-TARGET']); break;
      case '#EXT-X-SERVER-CONTROL': pl.serverControl = attributes(value); break;
      case '#EXT-X-INDEPENDENT-SEGMENTS': pl.independentSegments = true; break;
      case '#EXT-X-MAP': pl.map = attributes(value); break;
      case '#EXT-X-SKIP': pl.skipped = Number(attributes(value)['SKIPPED-SEGMENTS']); break;
      case '#EXT-X-PROGRAM-DATE-TIME': pdt = Date.parse(value); break;
      case '#EXTINF': duration = Number(value.split(',')[0]); break;
      case '#EXT-X-BYTERANGE': range = byteRange(value, lastRangeEnd); break;
      case '#EXT-X-PART': {
        const a = attributes(value);
        parts.push({ uri: a.URI ?? '', duration: Number(a.DURATION), independent: a.INDEPENDENT === 'YES', byteRange: byteRange(a.BYTERANGE, null) });
        break;
      }
      case '#EXT-X-PRELOAD-HINT': pl.preloadHints.push(attributes(value)); break;
      case '#EXT-X-RENDITION-REPORT': pl.renditionReports.push(attributes(value)); break;
      case '#EXT-X-ENDLIST': pl.ended = true; break;
      case '#EXT-X-DISCONTINUITY': discontinuity = true; break;
      case 'URI': {
        const msn = pl.mediaSequence + (pl.skipped ?? 0) + pl.segments.length;
        pl.segments.push({ msn, uri: line, duration: duration ?? NaN, byteRange: range, programDateTime: pdt, discontinuity, parts });
        if (range) lastRangeEnd = range.offset + range.length;
        parts = [];
        duration = null;
        pdt = null;
        range = null;
        discontinuity = false;
        break;
      }
      default: break;
    }
  }
  pl.trailingParts = parts;
  return pl;
}

export interface ValidateOptions {
  /** answering _HLS_skip: EXT-X-SKIP may appear */
  delta?: boolean;
}

const EPS = 1e-6;

/** Every rule of LLHLS_RULES the playlist breaks (empty: conformant). */
export function validateLlPlaylist(text: string, options: ValidateOptions = {}): Violation[] {
  const v: Violation[] = [];
  const fail = (rule: string, message: string) => v.push({ rule, message });
  if (!text.startsWith('#EXTM3U\n')) fail('header', 'the playlist does not start with #EXTM3U');
  let pl: ParsedLlPlaylist;
  try {
    pl = parseLlPlaylist(text);
  } catch (err) {
    return [...v, { rule: 'part-attrs', message: (err as Error).message }];
  }
  const allParts = [...pl.segments.flatMap((s) => s.parts), ...pl.trailingParts];
  const hasParts = allParts.length > 0;
  const td = pl.targetDuration;
  const pt = pl.partTarget;
  const sc = pl.serverControl;

  const version = pl.version ?? 1;
  if (pl.map && version < 6) fail('version', `EXT-X-MAP needs version 6, playlist says ${version}`);
  if ((pl.segments.some((s) => s.byteRange) || pl.map?.BYTERANGE) && version < 4) fail('version', `byte ranges need version 4, playlist says ${version}`);
  if (pl.skipped !== null && version < 9) fail('version', `EXT-X-SKIP needs version 9, playlist says ${version}`);

  if (td === null) fail('target-duration', 'no EXT-X-TARGETDURATION');
  for (const s of pl.segments) {
    if (!Number.isFinite(s.duration)) fail('target-duration', `${s.uri} has no EXTINF`);
    else if (td !== null && Math.round(s.duration) > td) fail('target-duration', `${s.uri} lasts ${s.duration} s over the target ${td}`);
  }

  const partHint = pl.preloadHints.some((h) => h.TYPE === 'PART');
  if ((hasParts || partHint) && (pt === null || !Number.isFinite(pt) || pt <= 0)) fail('part-inf', 'parts without EXT-X-PART-INF:PART-TARGET');
  for (const p of allParts) {
    if (!p.uri || !Number.isFinite(p.duration)) fail('part-attrs', `a part without URI or DURATION: ${JSON.stringify(p)}`);
    if (pt !== null && p.duration > pt + EPS) fail('part-max', `part of ${p.uri} at ${p.byteRange?.offset ?? '-'} lasts ${p.duration} s over PART-TARGET ${pt}`);
  }
  const checkMinimum = (parts: ParsedPart[], complete: boolean) =>
    parts.forEach((p, i) => {
      const lastOfParent = complete && i === parts.length - 1;
      if (pt !== null && !p.independent && !lastOfParent && p.duration < 0.85 * pt - EPS) {
        fail('part-min', `part ${i} of ${p.uri} lasts ${p.duration} s, under 85% of ${pt}`);
      }
    });
  pl.segments.forEach((s) => checkMinimum(s.parts, true));
  checkMinimum(pl.trailingParts, false);

  const checkContiguous = (parts: ParsedPart[], parent: { offset: number; length: number } | null, label: string) => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const prev = parts[i - 1];
      if (!p.byteRange) continue;
      if (prev?.byteRange && prev.uri === p.uri && prev.byteRange.offset + prev.byteRange.length !== p.byteRange.offset) {
        fail('parts-contiguous', `${label}: part ${i} starts at ${p.byteRange.offset}, the previous ended at ${prev.byteRange.offset + prev.byteRange.length}`);
      }
      if (parent && (p.byteRange.offset < parent.offset || p.byteRange.offset + p.byteRange.length > parent.offset + parent.length)) {
        fail('parts-contiguous', `${label}: part ${i} lies outside its parent's byte range`);
      }
    }
  };
  for (const s of pl.segments) {
    if (s.parts.length === 0) continue;
    const sum = s.parts.reduce((a, p) => a + p.duration, 0);
    if (Math.abs(sum - s.duration) > 0.001 * s.parts.length + EPS) fail('parts-sum', `${s.uri}: parts add up to ${sum.toFixed(5)} s, EXTINF ${s.duration}`);
    checkContiguous(s.parts, s.parts.every((p) => p.uri === s.uri) ? s.byteRange : null, s.uri);
    if (pl.independentSegments && !s.parts[0]!.independent) fail('independent-first', `${s.uri}: first part not INDEPENDENT=YES`);
  }
  checkContiguous(pl.trailingParts, null, 'trailing parts');
  if (pl.independentSegments && pl.trailingParts.length && !pl.trailingParts[0]!.independent) fail('independent-first', 'the first trailing part is not INDEPENDENT=YES');

  if (hasParts && !pl.ended) {
    if (sc?.['CAN-BLOCK-RELOAD'] !== 'YES') fail('server-control', 'parts without CAN-BLOCK-RELOAD=YES');
    if (sc?.['PART-HOLD-BACK'] === undefined) fail('server-control', 'parts without PART-HOLD-BACK');
  }
  if (sc?.['PART-HOLD-BACK'] !== undefined && pt !== null && Number(sc['PART-HOLD-BACK']) < 2 * pt - EPS) {
    fail('part-hold-back', `PART-HOLD-BACK ${sc['PART-HOLD-BACK']} under twice PART-TARGET ${pt}`);
  }
  if (sc?.['HOLD-BACK'] !== undefined && td !== null && Number(sc['HOLD-BACK']) < 3 * td - EPS) fail('hold-back', `HOLD-BACK ${sc['HOLD-BACK']} under three target durations`);
  if (sc?.['CAN-SKIP-UNTIL'] !== undefined && td !== null && Number(sc['CAN-SKIP-UNTIL']) < 6 * td - EPS) {
    fail('can-skip-until', `CAN-SKIP-UNTIL ${sc['CAN-SKIP-UNTIL']} under six target durations`);
  }

  const types = pl.preloadHints.map((h) => h.TYPE);
  for (const h of pl.preloadHints) {
    if ((h.TYPE !== 'PART' && h.TYPE !== 'MAP') || !h.URI) fail('preload-hint', `a hint without TYPE PART/MAP or URI: ${JSON.stringify(h)}`);
  }
  if (new Set(types).size !== types.length) fail('preload-hint', 'two preload hints of one TYPE');
  if (pl.ended && pl.preloadHints.length) fail('preload-hint', 'a preload hint after EXT-X-ENDLIST');
  const hint = pl.preloadHints.find((h) => h.TYPE === 'PART');
  const lastPart = allParts.at(-1);
  if (hint && lastPart?.byteRange && hint.URI === lastPart.uri && pl.trailingParts.length > 0) {
    const end = lastPart.byteRange.offset + lastPart.byteRange.length;
    if (Number(hint['BYTERANGE-START'] ?? 0) !== end) fail('hint-follows', `the part hint starts at ${hint['BYTERANGE-START']}, the last part ends at ${end}`);
  }

  for (const r of pl.renditionReports) {
    if (!r.URI || r['LAST-MSN'] === undefined || !/^\d+$/.test(r['LAST-MSN'])) fail('rendition-report', `a report without URI or LAST-MSN: ${JSON.stringify(r)}`);
    if (hasParts && (r['LAST-PART'] === undefined || !/^\d+$/.test(r['LAST-PART']))) fail('rendition-report', `a report without LAST-PART: ${JSON.stringify(r)}`);
  }

  if (pl.skipped !== null) {
    if (!options.delta) fail('skip', 'EXT-X-SKIP in a playlist not asked as a delta update');
    if (sc?.['CAN-SKIP-UNTIL'] === undefined) fail('skip', 'EXT-X-SKIP without CAN-SKIP-UNTIL');
    const firstSegmentTag = pl.order.findIndex((t) => t === '#EXTINF');
    if (pl.order.indexOf('#EXT-X-SKIP') > firstSegmentTag && firstSegmentTag >= 0) fail('skip', 'EXT-X-SKIP after a segment');
    const listed = pl.segments.reduce((a, s) => a + s.duration, 0);
    if (sc?.['CAN-SKIP-UNTIL'] !== undefined && pl.skipped > 0 && listed < Number(sc['CAN-SKIP-UNTIL']) - EPS) {
      fail('skip', `${pl.skipped} segments skipped, leaving ${listed} s under CAN-SKIP-UNTIL ${sc['CAN-SKIP-UNTIL']}`);
    }
  }

  if (td !== null) {
    let fromEnd = 0;
    for (let i = pl.segments.length - 1; i >= 0; i--) {
      const s = pl.segments[i]!;
      if (fromEnd > 3 * td + EPS && s.parts.length) fail('parts-at-edge', `${s.uri} ends ${fromEnd.toFixed(2)} s before the end and still lists parts`);
      fromEnd += s.duration;
    }
  }

  for (let i = 0; i < pl.segments.length; i++) {
    const s = pl.segments[i]!;
    if (s.programDateTime === null || !Number.isFinite(s.programDateTime)) {
      fail('program-date-time', `${s.uri} has no PROGRAM-DATE-TIME`);
      continue;
    }
    const prev = pl.segments[i - 1];
    if (prev?.programDateTime != null && !s.discontinuity && Math.abs(s.programDateTime - prev.programDateTime - prev.duration * 1000) > 100) {
      fail('program-date-time', `${s.uri}: PROGRAM-DATE-TIME moves ${s.programDateTime - prev.programDateTime} ms after a ${prev.duration} s segment`);
    }
  }

  if (pl.ended && pl.trailingParts.length) fail('ended', 'trailing parts after EXT-X-ENDLIST');
  return v;
}
