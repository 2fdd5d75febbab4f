// The pure half of the latency bench (scripts/bench/latency.ts): reading glass-to-glass latency
// off a video playing in Chromium, choosing the modes a run plays, and the CPU ratio. The page only copies the barcode strip (lib.ts barcodeFilter:
// BITS boxes along the top-left edge of the source) into a small canvas, each box shrunk to
// BOX_PX x BOX_PX pixels, and sends the grey levels; deciding what they say happens here, in
// Node, where it can be tested (the viewer page's CSP forbids eval, and a function handed to
// page.evaluate from tsx would carry helpers the page does not have).

/** Each box of the strip as the page copies it: BOX_PX x BOX_PX pixels. */
export const BOX_PX = 4;

// Full-range grey after the browser's YUV -> RGB: the boxes are ~0 and ~255. Anything between
// these is a box the reader cannot vouch for (a frame caught blending, something drawn over
// the strip, a badly decoded picture) and the whole reading is thrown away rather than guessed.
const BLACK_AT_MOST = 80;
const WHITE_AT_LEAST = 176;

/**
 * The frame number from the strip's grey levels (row-major, bits * px wide, px high), or null
 * when any box is neither clearly black nor clearly white. Only the inner pixels of each box
 * count: when the canvas scales the video down, a box's edge pixels blend with its neighbour.
 */
export function decodeStrip(luma: ArrayLike<number>, bits: number, px = BOX_PX): number | null {
  const width = bits * px;
  if (luma.length !== width * px) throw new RangeError(`a strip of ${bits} boxes of ${px}x${px} has ${width * px} pixels, not ${luma.length}`);
  const inner = px > 2 ? [1, px - 1] : [0, px];
  let n = 0;
  for (let i = 0; i < bits; i++) {
    let sum = 0;
    let count = 0;
    for (let y = inner[0]!; y < inner[1]!; y++) {
      for (let x = inner[0]!; x < inner[1]!; x++) {
        sum += luma[y * width + i * px + x]!;
        count++;
      }
    }
    const mean = sum / count;
    if (mean >= WHITE_AT_LEAST) n += 2 ** i;
    else if (mean > BLACK_AT_MOST) return null;
  }
  return n;
}

/**
 * Glass-to-glass of one reading: when the page sampled minus when the publisher made the frame,
 * or null when that cannot be a real reading: a frame seen before it was made (beyond the
 * publisher's clock estimate, a few ms) or older than `oldestMs` (a misread that happened to be
 * clean; the counter is 16 bits and the runs are minutes, so it never wraps).
 */
export function glassToGlass(sampledAt: number, madeAt: number, oldestMs = 30_000): number | null {
  const ms = sampledAt - madeAt;
  return ms < -50 || ms > oldestMs ? null : ms;
}

export interface MediaEvent {
  type: string;
  /** Date.now() in the page */
  at: number;
}

/**
 * Stalls inside [from, to): the video element's 'waiting' events (it ran out of data while
 * playing) and how long each lasted, up to the next 'playing' or the end of the window. The
 * window starts after playback began, so the start-up wait is never counted.
 */
export function stallsIn(events: readonly MediaEvent[], from: number, to: number): { count: number; seconds: number } {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let count = 0;
  let ms = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (e.type !== 'waiting' || e.at < from || e.at >= to) continue;
    count++;
    const resumed = sorted.slice(i + 1).find((x) => x.type === 'playing');
    ms += Math.min(resumed?.at ?? to, to) - e.at;
  }
  return { count, seconds: ms / 1000 };
}

/**
 * The modes a run plays: all of them, or those HAWKER_BENCH_MODES names (comma-separated), in
 * the order of `all` (setups are started and stopped along it). A name that matches no mode is
 * an error rather than a mode silently left out of the run.
 */
export function pickModes<M extends { id: string }>(all: readonly M[], wanted: string | undefined): M[] {
  if (wanted === undefined || wanted.trim() === '') return [...all];
  const names = wanted.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !all.some((m) => m.id === n));
  if (unknown.length > 0) throw new Error(`HAWKER_BENCH_MODES: no mode ${unknown.join(', ')} (modes: ${all.map((m) => m.id).join(', ')})`);
  return all.filter((m) => names.includes(m.id));
}

export interface CpuWindow {
  cpuSeconds: number;
  windowSeconds: number;
}

/**
 * The encoder's cores (CPU-seconds per second of wall time) over every window of one setup,
 * divided by the same over another's: the windows are pooled, not averaged, so a longer window
 * weighs more. null when either side has no window with a measured CPU (an encoder that
 * restarted mid-window has none).
 */
export function coresRatio(measured: readonly CpuWindow[], reference: readonly CpuWindow[]): number | null {
  const cores = (ws: readonly CpuWindow[]) => {
    const ok = ws.filter((w) => Number.isFinite(w.cpuSeconds) && w.windowSeconds > 0);
    const seconds = ok.reduce((sum, w) => sum + w.windowSeconds, 0);
    return seconds > 0 ? ok.reduce((sum, w) => sum + w.cpuSeconds, 0) / seconds : null;
  };
  const a = cores(measured);
  const b = cores(reference);
  return a === null || b === null || b === 0 ? null : a / b;
}
