// The LL-HLS playlist writer against the RFC 8216bis rules (test/helpers/llhls-validator.ts), the
// blocking-reload decisions, and the validator itself: each rule is shown failing on a playlist
// that breaks it, so a validator that passes everything cannot hide here.
import t from 'tap';
import { HawkerError } from '../../src/domain/errors.js';
import {
  advancePartLimit,
  blockingVerdict,
  parseDeliveryDirectives,
  renderLlPlaylist,
  skippableSegments,
  type LlMediaState,
  type LlPart,
  type LlSegment,
} from '../../src/pipeline/llhls-playlist.js';
import { partTargetFor } from '../../src/pipeline/llhls-rung.js';
import { LLHLS_RULES, parseLlPlaylist, validateLlPlaylist } from '../helpers/llhls-validator.js';

const T0 = Date.UTC(2026, 10, 30, 18, 0, 0);
const INIT = 1272;
const PART_BYTES = 20_000;
const name = (n: number) => `seg_${String(n).padStart(6, '0')}.m4s`;

function parts(n: number, count: number, durationS = 0.2): LlPart[] {
  return Array.from({ length: count }, (_, i) => ({
    uri: name(n),
    byteRange: { offset: INIT + i * PART_BYTES, length: PART_BYTES },
    durationS,
    independent: i === 0,
  }));
}

function segment(n: number): LlSegment {
  return {
    msn: n,
    uri: name(n),
    byteRange: { offset: INIT, length: 5 * PART_BYTES },
    durationS: 1,
    programDateTimeMs: T0 + n * 1000,
    parts: parts(n, 5),
    discontinuity: false,
  };
}

/** `complete` 1 s segments of five 0.2 s parts, then `pendingParts` parts of the next one */
function live(complete: number, pendingParts: number): LlMediaState {
  return {
    targetDurationS: 1,
    partTargetS: 0.2,
    init: { uri: name(0), byteRange: { offset: 0, length: INIT } },
    segments: Array.from({ length: complete }, (_, n) => segment(n)),
    pending: {
      msn: complete,
      programDateTimeMs: T0 + complete * 1000,
      discontinuity: false,
      parts: parts(complete, pendingParts),
      nextPart: { uri: name(complete), byteRangeStart: INIT + pendingParts * PART_BYTES },
    },
    renditionReports: [{ uri: '../360p/index.m3u8', lastMsn: complete, lastPart: Math.max(0, pendingParts - 1) }],
    ended: false,
  };
}

t.test('the exact playlist of a short live state', async (t) => {
  t.equal(
    renderLlPlaylist(live(2, 2)),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:1',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:EVENT',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6,PART-HOLD-BACK=0.6',
      '#EXT-X-PART-INF:PART-TARGET=0.2',
      '#EXT-X-MAP:URI="seg_000000.m4s",BYTERANGE="1272@0"',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:00.000Z',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000000.m4s",BYTERANGE="20000@1272",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000000.m4s",BYTERANGE="20000@21272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000000.m4s",BYTERANGE="20000@41272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000000.m4s",BYTERANGE="20000@61272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000000.m4s",BYTERANGE="20000@81272"',
      '#EXTINF:1.00000,',
      '#EXT-X-BYTERANGE:100000@1272',
      'seg_000000.m4s',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:01.000Z',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000001.m4s",BYTERANGE="20000@1272",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000001.m4s",BYTERANGE="20000@21272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000001.m4s",BYTERANGE="20000@41272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000001.m4s",BYTERANGE="20000@61272"',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000001.m4s",BYTERANGE="20000@81272"',
      '#EXTINF:1.00000,',
      '#EXT-X-BYTERANGE:100000@1272',
      'seg_000001.m4s',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:02.000Z',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000002.m4s",BYTERANGE="20000@1272",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.20000,URI="seg_000002.m4s",BYTERANGE="20000@21272"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_000002.m4s",BYTERANGE-START=41272',
      '#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=2,LAST-PART=1',
      '',
    ].join('\n'),
  );
});

t.test('live playlists at every step of a show validate', async (t) => {
  for (const complete of [0, 1, 2, 3, 4, 9, 30]) {
    for (const pendingParts of [0, 1, 4]) {
      const text = renderLlPlaylist(live(complete, pendingParts));
      t.same(validateLlPlaylist(text), [], `${complete} segments + ${pendingParts} parts`);
    }
  }
});

t.test('parts are kept only for the last three target durations; every segment keeps its date', async (t) => {
  const pl = parseLlPlaylist(renderLlPlaylist(live(10, 3)));
  t.same(
    pl.segments.map((s) => s.parts.length),
    [0, 0, 0, 0, 0, 0, 0, 5, 5, 5],
  );
  t.equal(pl.trailingParts.length, 3);
  t.ok(pl.segments.every((s, i) => s.programDateTime === T0 + i * 1000));
});

t.test('a delta update skips what lies before CAN-SKIP-UNTIL and still validates', async (t) => {
  const state = live(30, 2);
  t.equal(skippableSegments(state), 24, 'six 1 s segments stay');
  const text = renderLlPlaylist(state, { skip: true });
  t.match(text, /#EXT-X-SKIP:SKIPPED-SEGMENTS=24\n/);
  t.same(validateLlPlaylist(text, { delta: true }), []);
  const pl = parseLlPlaylist(text);
  t.equal(pl.segments[0]!.msn, 24, 'the first listed segment keeps its sequence number');
  t.equal(pl.segments.length, 6);
  t.equal(skippableSegments(live(5, 0)), 0, 'a short show has nothing to skip');
  t.notMatch(renderLlPlaylist(live(5, 0), { skip: true }), /EXT-X-SKIP/, 'no SKIP tag when nothing is skipped');
});

t.test('an ended playlist keeps its segments and drops parts, hints and server control', async (t) => {
  const text = renderLlPlaylist({ ...live(4, 2), ended: true });
  t.same(validateLlPlaylist(text), []);
  const pl = parseLlPlaylist(text);
  t.ok(pl.ended);
  t.equal(pl.segments.length, 4);
  t.same([pl.trailingParts.length, pl.preloadHints.length, pl.segments.flatMap((s) => s.parts).length], [0, 0, 0]);
  t.notMatch(text, /SERVER-CONTROL|PART-INF|RENDITION-REPORT/);
});

t.test('blocking reload: answer, hold or refuse (RFC 8216bis 6.2.5.2)', async (t) => {
  const state = live(5, 2); // complete 0..4, segment 5 has parts 0 and 1
  t.equal(blockingVerdict(state, 4, null), 'answer', 'a complete segment');
  t.equal(blockingVerdict(state, 5, null), 'hold', 'the segment being written');
  t.equal(blockingVerdict(state, 5, 1), 'answer', 'a part that exists');
  t.equal(blockingVerdict(state, 5, 2), 'hold', 'the next part');
  t.equal(blockingVerdict(state, 4, 5), 'answer', 'past the last part of 4 is part 0 of 5, which exists');
  t.equal(blockingVerdict(live(5, 0), 4, 5), 'hold', '... and waits when segment 5 has no part yet');
  t.equal(blockingVerdict(state, 6, 0), 'hold', 'the last complete segment + 2 is allowed');
  t.equal(blockingVerdict(state, 7, 0), 'too-far', 'more than the last complete segment + 2 is refused');
  t.equal(advancePartLimit(0.2), 15);
  t.equal(blockingVerdict(state, 5, 1 + 15), 'hold', 'at the advance part limit');
  t.equal(blockingVerdict(state, 5, 1 + 16), 'too-far', 'past the advance part limit');
  t.equal(blockingVerdict(state, 0, 0), 'answer', 'an old segment');
  t.equal(blockingVerdict({ ...state, ended: true }, 7, 0), 'answer', 'an ended playlist answers everything');
});

t.test('delivery directives are checked', async (t) => {
  t.same(parseDeliveryDirectives({}), { msn: null, part: null, skip: false });
  t.same(parseDeliveryDirectives({ _HLS_msn: '12', _HLS_part: '3', _HLS_skip: 'YES' }), { msn: 12, part: 3, skip: true });
  t.same(parseDeliveryDirectives({ _HLS_skip: 'v2' }).skip, true);
  for (const bad of [{ _HLS_msn: '-1' }, { _HLS_msn: '1.5' }, { _HLS_msn: '99999999999' }, { _HLS_part: '1' }, { _HLS_msn: '1', _HLS_skip: 'NO' }]) {
    let caught: unknown = null;
    try {
      parseDeliveryDirectives(bad);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof HawkerError && caught.code === 'BAD_REQUEST' && caught.status === 400, JSON.stringify(bad));
  }
});

t.test('PART-TARGET follows the frame grid', async (t) => {
  t.equal(partTargetFor(0.2, 30), 0.2);
  t.equal(partTargetFor(0.2, 25), 0.2);
  t.equal(partTargetFor(0.2, 30000 / 1001), 0.201, '6 frames at 29.97 fps last 0.2002 s');
  t.equal(partTargetFor(0.2, 24), 0.209, '5 frames at 24 fps');
});

// Each rule of the conformance table, broken on purpose: the validator must name it.
const good = renderLlPlaylist(live(8, 2));
const breakages: [string, string, boolean?][] = [
  ['header', good.replace('#EXTM3U\n', '')],
  ['version', good.replace('#EXT-X-VERSION:9', '#EXT-X-VERSION:3')],
  ['target-duration', good.replace('#EXTINF:1.00000,', '#EXTINF:1.60000,')],
  ['part-inf', good.replace('#EXT-X-PART-INF:PART-TARGET=0.2\n', '')],
  ['part-max', good.replace('DURATION=0.20000,URI="seg_000008.m4s",BYTERANGE="20000@21272"', 'DURATION=0.25000,URI="seg_000008.m4s",BYTERANGE="20000@21272"')],
  ['part-min', good.replace('DURATION=0.20000,URI="seg_000007.m4s",BYTERANGE="20000@21272"', 'DURATION=0.10000,URI="seg_000007.m4s",BYTERANGE="20000@21272"')],
  ['part-attrs', good.replace('BYTERANGE="20000@21272"', 'BYTERANGE="x@y"')],
  ['parts-sum', good.replace(/(#EXT-X-PART:[^\n]*\n#EXTINF:)1\.00000/, '$10.80000')],
  ['parts-contiguous', good.replace('URI="seg_000007.m4s",BYTERANGE="20000@41272"', 'URI="seg_000007.m4s",BYTERANGE="20000@41000"')],
  ['independent-first', good.replace('URI="seg_000008.m4s",BYTERANGE="20000@1272",INDEPENDENT=YES', 'URI="seg_000008.m4s",BYTERANGE="20000@1272"')],
  ['server-control', good.replace('CAN-BLOCK-RELOAD=YES,', '')],
  ['part-hold-back', good.replace('PART-HOLD-BACK=0.6', 'PART-HOLD-BACK=0.3')],
  ['hold-back', good.replace('PART-HOLD-BACK=0.6', 'PART-HOLD-BACK=0.6,HOLD-BACK=2')],
  ['can-skip-until', good.replace('CAN-SKIP-UNTIL=6', 'CAN-SKIP-UNTIL=3')],
  ['preload-hint', good.replace('#EXT-X-PRELOAD-HINT:TYPE=PART', '#EXT-X-PRELOAD-HINT:TYPE=SEGMENT')],
  ['hint-follows', good.replace('BYTERANGE-START=41272', 'BYTERANGE-START=40000')],
  ['rendition-report', good.replace(',LAST-PART=1', '')],
  // a delta update served to a request that did not ask for one
  ['skip', renderLlPlaylist(live(30, 2), { skip: true }), false],
  ['parts-at-edge', renderLlPlaylist(live(8, 2)).replace(/(seg_000001\.m4s\n)/, '$1#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:02.000Z\n#EXT-X-PART:DURATION=1.00000,URI="seg_000002.m4s",BYTERANGE="100000@1272",INDEPENDENT=YES\n').replace(/(seg_000002\.m4s\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:02.000Z\n)#EXT-X-PART[^\n]*\n/, '$1')],
  ['program-date-time', good.replace('2026-11-30T18:00:03.000Z', '2026-11-30T18:00:03.500Z')],
  ['ended', `${good}#EXT-X-ENDLIST\n`],
];

t.test('every rule of the conformance table catches its breakage', async (t) => {
  t.same(validateLlPlaylist(good), [], 'the unbroken playlist passes');
  t.same(
    new Set(breakages.map(([rule]) => rule)),
    new Set(LLHLS_RULES.map((r) => r.id)),
    'one breakage per rule',
  );
  for (const [rule, text, delta] of breakages) {
    t.not(text, good, `${rule}: the breakage changed the playlist`);
    const rules = validateLlPlaylist(text, { delta: delta ?? false }).map((v) => v.rule);
    t.ok(rules.includes(rule), `${rule} is reported (got ${rules.join(', ') || 'nothing'})`);
  }
});

t.test("an FFmpeg restart: a discontinuity and the new run's init section", async (t) => {
  const restart = (s: LlSegment): LlSegment => ({
    ...s,
    discontinuity: true,
    programDateTimeMs: s.programDateTimeMs + 4000,
    init: { uri: s.uri, byteRange: { offset: 0, length: 1300 } },
  });
  const base = live(12, 2);
  const segments = base.segments.map((s) => (s.msn === 9 ? restart(s) : s.msn > 9 ? { ...s, programDateTimeMs: s.programDateTimeMs + 4000 } : s));
  const state: LlMediaState = { ...base, segments, pending: { ...base.pending!, programDateTimeMs: base.pending!.programDateTimeMs + 4000 } };
  const text = renderLlPlaylist(state);
  t.same(validateLlPlaylist(text), []);
  t.match(text, /seg_000008\.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="seg_000009\.m4s",BYTERANGE="1300@0"\n#EXT-X-PROGRAM-DATE-TIME:2026-11-30T18:00:13\.000Z\n/);
  t.equal(text.match(/#EXT-X-MAP/g)?.length, 2, 'the first run and the second');

  const delta = renderLlPlaylist(state, { skip: true });
  t.same(validateLlPlaylist(delta, { delta: true }), []);
  t.match(delta, /#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n#EXT-X-MAP:URI="seg_000000\.m4s"/, 'segment 6 still belongs to the first run');
  const later = renderLlPlaylist({ ...state, segments: [...segments, ...[12, 13, 14, 15].map((n) => ({ ...segment(n), programDateTimeMs: T0 + n * 1000 + 4000 }))], pending: null }, { skip: true });
  t.match(later, /#EXT-X-SKIP:SKIPPED-SEGMENTS=10\n#EXT-X-MAP:URI="seg_000009\.m4s",BYTERANGE="1300@0"\n/, "a delta that skips the restart names the new run's init");
  t.equal(later.match(/#EXT-X-MAP/g)?.length, 1);
});
