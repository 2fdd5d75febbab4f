import { chromium, type Browser } from 'playwright-core';

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
