import t from 'tap';
import { BOX_PX, coresRatio, decodeStrip, glassToGlass, pickModes, stallsIn } from '../../scripts/bench/glass.js';

// The latency bench's reader (scripts/bench/glass.ts), fed strips shaped like what the page
// copies out of the video: 16 boxes of BOX_PX x BOX_PX grey levels.
const BITS = 16;

/** The strip of frame n as an ideal picture: white boxes for the 1 bits (lib.ts barcodeFilter). */
function strip(n: number, { black = 0, white = 255, px = BOX_PX } = {}): number[] {
  const width = BITS * px;
  const out: number[] = [];
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < width; x++) out.push(Math.floor(n / 2 ** Math.floor(x / px)) % 2 ? white : black);
  }
  return out;
}

t.test('reads every bit of the frame number', async (t) => {
  for (const n of [0, 1, 2, 3, 255, 256, 12345, 2 ** 15, 43690, 21845, 65535]) t.equal(decodeStrip(strip(n), BITS), n, `frame ${n}`);
  t.equal(decodeStrip(strip(12345, { px: 2 }), BITS, 2), 12345, 'boxes of 2x2 (no inner pixels to keep)');
  t.equal(decodeStrip(strip(12345, { px: 6 }), BITS, 6), 12345, 'boxes of 6x6');
});

t.test('survives what the canvas and the codec do to the picture', async (t) => {
  // limited-range video drawn without expansion, and compression noise of +-30 grey levels
  t.equal(decodeStrip(strip(40_000, { black: 16, white: 235 }), BITS), 40_000, 'limited range (16-235)');
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 60 - 30;
  const noisy = strip(31_337).map((v) => Math.max(0, Math.min(255, v + noise())));
  t.equal(decodeStrip(noisy, BITS), 31_337, 'noise of +-30');
  // scaling down blends each box's edge pixels with its neighbour: only the inner ones count
  const blended = strip(0b1010_1010_1010_1010);
  const width = BITS * BOX_PX;
  for (let y = 0; y < BOX_PX; y++) {
    for (let x = 0; x < width; x++) if (x % BOX_PX === 0 || x % BOX_PX === BOX_PX - 1 || y === 0 || y === BOX_PX - 1) blended[y * width + x] = 128;
  }
  t.equal(decodeStrip(blended, BITS), 0b1010_1010_1010_1010, 'edge pixels at mid grey are ignored');
});

t.test('a box it cannot vouch for throws the reading away instead of guessing', async (t) => {
  const caught = strip(12345);
  const width = BITS * BOX_PX;
  // box 3 half-way between two frames (bit 3 of 12345 is 1): its inner pixels at mid grey
  for (const [x, y] of [[13, 1], [14, 1], [13, 2], [14, 2]] as const) caught[y * width + x] = 128;
  t.equal(decodeStrip(caught, BITS), null, 'a mid-grey box');
  t.equal(decodeStrip(strip(12345, { white: 150 }), BITS), null, 'white too dark');
  t.equal(decodeStrip(strip(12345, { black: 100 }), BITS), null, 'black too bright');
  t.equal(decodeStrip(new Array(BITS * BOX_PX * BOX_PX).fill(128), BITS), null, 'a grey picture (no barcode)');
  t.throws(() => decodeStrip(strip(1).slice(1), BITS), RangeError, 'a strip of the wrong size');
});

t.test('glass-to-glass of a reading, and the readings that cannot be real', async (t) => {
  t.equal(glassToGlass(10_000, 6_100), 3_900);
  t.equal(glassToGlass(10_000, 10_030), -30, 'a hair in the future: the publisher clock estimate');
  t.equal(glassToGlass(10_000, 10_500), null, 'a frame seen before it was made');
  t.equal(glassToGlass(100_000, 60_000), null, 'older than 30 s: a misread');
  t.equal(glassToGlass(100_000, 60_000, 60_000), 40_000, 'unless told');
});

t.test('stalls inside the window: waiting events and how long until playing again', async (t) => {
  const events = [
    { type: 'waiting', at: 500 }, // start-up, before the window
    { type: 'playing', at: 900 },
    { type: 'waiting', at: 2_000 },
    { type: 'playing', at: 2_400 },
    { type: 'seeking', at: 3_000 },
    { type: 'playing', at: 3_100 },
    { type: 'waiting', at: 9_500 }, // never resumed: counted up to the end
  ];
  t.same(stallsIn(events, 1_000, 10_000), { count: 2, seconds: 0.9 });
  t.same(stallsIn([...events].reverse(), 1_000, 10_000), { count: 2, seconds: 0.9 }, 'in any order');
  t.same(stallsIn(events, 1_000, 9_000), { count: 1, seconds: 0.4 });
  t.same(stallsIn([{ type: 'waiting', at: 8_000 }, { type: 'playing', at: 12_000 }], 0, 10_000), { count: 1, seconds: 2 }, 'cut at the end of the window');
  t.same(stallsIn([], 0, 10_000), { count: 0, seconds: 0 });
});

t.test('the modes a run plays: all, or the ones named, in the bench\'s own order', async (t) => {
  const all = [{ id: 'viewer' }, { id: 'hlsjs-ll' }, { id: 'hlsjs' }, { id: 'viewer-plain' }, { id: 'baseline' }];
  t.same(pickModes(all, undefined), all, 'none named: all');
  t.same(pickModes(all, ' '), all, 'an empty variable: all');
  t.same(pickModes(all, 'baseline, viewer'), [{ id: 'viewer' }, { id: 'baseline' }], 'named in another order: the bench order');
  t.same(pickModes(all, 'viewer-plain,'), [{ id: 'viewer-plain' }], 'a trailing comma');
  t.throws(() => pickModes(all, 'viewer,hls-js'), /no mode hls-js/, 'a typo is an error, not a mode left out');
});

t.test('the CPU ratio pools the windows of each side', async (t) => {
  const on = [{ cpuSeconds: 33, windowSeconds: 60 }, { cpuSeconds: 11, windowSeconds: 20 }];
  const off = [{ cpuSeconds: 30, windowSeconds: 60 }];
  t.equal(coresRatio(on, off)!.toFixed(3), '1.100', '44 CPU-s over 80 s against 30 over 60');
  t.equal(coresRatio(off, off), 1);
  t.equal(coresRatio([{ cpuSeconds: NaN, windowSeconds: 60 }, ...on], off)!.toFixed(3), '1.100', 'a window whose encoder restarted is left out');
  t.equal(coresRatio([{ cpuSeconds: NaN, windowSeconds: 60 }], off), null, 'nothing measured on one side');
  t.equal(coresRatio(on, []), null, 'no reference');
  t.equal(coresRatio(on, [{ cpuSeconds: 0, windowSeconds: 60 }]), null, 'a reference that used no CPU');
});
