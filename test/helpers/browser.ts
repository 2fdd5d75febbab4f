import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { waitFor } from './wait.js';

/** Debian's Chromium unless told otherwise (playwright-core downloads no browser). */
export const CHROMIUM = process.env.HAWKER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium as every browser test and the panel bench run it: no sandbox (root in CI),
 * no GPU, no background traffic. `autoplay` lets videos start without a user gesture (the viewer
 * page's player); without it a page's videos stay idle and cost the test no decoding.
 */
export function launchChromium({ autoplay = false }: { autoplay?: boolean } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (autoplay) args.push('--autoplay-policy=no-user-gesture-required');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args });
}

/** What a video did while a test watched it move on (see videoMovesOn). */
export interface VideoProgress {
  moved: boolean;
  from: number;
  to: number;
  paused: boolean;
  stalls: number;
  stallMs: number;
}

/**
 * Watches a playing video (by element id, in a page or a frame) until its currentTime has moved
 * on by `seconds`, for at most `withinMs`. A live LL-HLS player holds only ~0.6 s of media, so on
 * a loaded two-core machine (CI runs two end-to-end tests, each with its FFmpeg and Chromium) it
 * can wait a second for the next part: CI saw 0.76 s and 0.86 s in a fixed 2 s window. The window
 * leaves room for such a wait; a paused or stopped video never moves. The stalls (waiting ->
 * playing) since the watch began are counted so a failure says what happened.
 */
export async function videoMovesOn(target: Page | Frame, id: string, { seconds = 1.5, withinMs = 6000 } = {}): Promise<VideoProgress> {
  const key = JSON.stringify(id);
  const from = (await target.evaluate(`(() => {
    const v = document.getElementById(${key});
    const s = { count: 0, ms: 0, since: null };
    (window.__hawkerStalls ??= {})[${key}] = s;
    v.addEventListener('waiting', () => { s.count += 1; s.since ??= performance.now(); });
    v.addEventListener('playing', () => { if (s.since != null) { s.ms += performance.now() - s.since; s.since = null; } });
    return v.currentTime;
  })()`)) as number;
  const read = async () => (await target.evaluate(`(() => {
    const v = document.getElementById(${key});
    const s = window.__hawkerStalls[${key}];
    return { to: v.currentTime, paused: v.paused, stalls: s.count, stallMs: Math.round(s.ms + (s.since == null ? 0 : performance.now() - s.since)) };
  })()`)) as Omit<VideoProgress, 'moved' | 'from'>;
  let now = await read();
  const movedOn = () => now.to - from > seconds;
  // not moving on in time is this helper's answer (moved: false), not an error
  await waitFor('the video to move on', async () => { now = await read(); return movedOn(); }, withinMs, 200).catch(() => undefined);
  return { moved: movedOn() && !now.paused, from, ...now };
}

/** The words a test prints about a VideoProgress. */
export const describeProgress = (p: VideoProgress) =>
  `${p.from.toFixed(2)} -> ${p.to.toFixed(2)} s${p.paused ? ', paused' : ''}; ${p.stalls} stalls, ${p.stallMs} ms waiting`;
