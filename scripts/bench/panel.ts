// npm run bench:panel
// How fast the control panel confirms a merchant's click, while the show is live: the server
// process transcodes its own test pattern (FFmpeg burning the overlays), Debian's Chromium runs
// the real /admin cockpit, and a viewer's WebSocket listens. For each of ROUNDS pins
// (alternating two products) it measures, in the page, click -> "✓ Pinned …" on screen, and in
// this process click -> the overlay message on the viewer's socket. Baseline in the same run:
// the same pin as a bare HTTP call from this process (keep-alive), so the ratio is what the
// page adds to the API round trip. The issue's goal: every action confirmed within a second.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/helpers/browser.js';
import WebSocket from 'ws';
import { sleep, waitFor } from '../../test/helpers/wait.js';
import { percentile, startBenchServer } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const TOKEN = 'bench-admin-token-0123456789';

const server = await startBenchServer({ name: 'panel', token: TOKEN, configYaml: 'http:\n  apiRateLimitPerMinute: 100000\n' });
const base = server.base;
let browser: Browser | null = null;
let socket: WebSocket | null = null;
const deadline = setTimeout(() => {
  console.error('bench:panel took over 10 minutes; stopping');
  socket?.terminate();
  server.stop();
  process.exit(1);
}, 600_000);

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
};

try {
  const products = [];
  for (const [sku, title] of [['HOSE', 'Garden hose 30 m'], ['NOZZLE', 'Brass nozzle']] as const) {
    products.push((await api('POST', '/api/products', { sku, title, price: 2999, currency: 'EUR', stock: 100 }))! as { id: string; title: string });
  }
  const show = (await api('POST', '/api/shows', { title: 'Panel bench', host: 'Mia' }))! as { id: string };
  await api('PUT', `/api/shows/${show.id}/lineup`, { productIds: products.map((p) => p.id) });
  await api('POST', `/api/shows/${show.id}/test-pattern`, {});
  await waitFor('the show to go live', async () => (await api('GET', `/api/shows/${show.id}`))!.status === 'live', 30_000, 250);

  // a viewer's socket: when does the change reach the audience?
  const overlayArrivals: Array<{ at: number; productId: string | null }> = [];
  socket = new WebSocket(`ws://127.0.0.1:${server.httpPort}/api/shows/${show.id}/live`, { perMessageDeflate: false });
  socket.on('message', (data: Buffer) => {
    const at = performance.now();
    for (const m of JSON.parse(data.toString()) as Array<{ type: string; change?: { change: string; productId?: string } }>) {
      if (m.type === 'overlay' && m.change?.change === 'pin') overlayArrivals.push({ at, productId: m.change.productId ?? null });
    }
  });
  await new Promise<void>((resolve, reject) => socket!.once('open', () => resolve()).once('error', reject));

  browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  await page.goto(`${base}/admin`);
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByLabel('Admin token').press('Enter');
  await page.getByRole('heading', { name: 'Shows' }).waitFor();
  await page.goto(`${base}/admin#/shows/${show.id}`);
  await page.locator(`#lineup [data-pin="${products[1]!.id}"]`).waitFor({ timeout: 10_000 });
  await sleep(2000); // let the preview player settle: the bench measures a merchant mid-show

  const confirmMs: number[] = [];
  const audienceMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const product = products[i % 2]!;
    const clickedAt = performance.now();
    // In the page: click the Pin button and wait for the confirmation line to say so. A
    // MutationObserver catches the change as the page makes it (no polling granularity).
    const inPage = (await page.evaluate(`new Promise((resolve, reject) => {
      const line = document.getElementById('confirm');
      line.textContent = '';
      const want = ${JSON.stringify(`✓ Pinned ${product.title}`)};
      const t0 = performance.now();
      const timer = setTimeout(() => reject(new Error('no confirmation in 10 s')), 10000);
      new MutationObserver((_, obs) => {
        if (line.textContent === want) { clearTimeout(timer); obs.disconnect(); resolve(performance.now() - t0); }
      }).observe(line, { childList: true, characterData: true, subtree: true });
      document.querySelector('#lineup [data-pin="${product.id}"]').click();
    })`)) as number;
    confirmMs.push(inPage);
    await waitFor('the overlay on the viewer socket', async () => overlayArrivals.some((a) => a.at > clickedAt && a.productId === product.id), 10_000, 5);
    audienceMs.push(overlayArrivals.find((a) => a.at > clickedAt && a.productId === product.id)!.at - clickedAt);
    await sleep(300 + Math.random() * 200); // a merchant does not click 100 times a second
  }

  const bareMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await api('POST', `/api/shows/${show.id}/pin`, { productId: products[i % 2]!.id });
    bareMs.push(performance.now() - t0);
    await sleep(300 + Math.random() * 200);
  }

  const line = (name: string, xs: number[]) => `${name}: p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  console.log(`\nHawker control panel benchmark: ${ROUNDS} pins while the show is live (server + FFmpeg test pattern + Chromium on the same 2 cores)\n`);
  console.log(line('click -> "✓ Pinned" on the panel', confirmMs));
  console.log(line('click -> overlay message on a viewer socket', audienceMs));
  console.log(line('baseline, the same pin as a bare HTTP call', bareMs));
  console.log(`ratio panel confirmation / bare call: p50 ${(percentile(confirmMs, 50) / percentile(bareMs, 50)).toFixed(2)}, p99 ${(percentile(confirmMs, 99) / percentile(bareMs, 99)).toFixed(2)}`);
  console.log(`confirmed within a second: ${confirmMs.filter((x) => x < 1000).length} of ${ROUNDS}`);
} finally {
  clearTimeout(deadline);
  await browser?.close().catch(() => undefined);
  socket?.terminate();
  server.stop();
}
process.exit(0);
