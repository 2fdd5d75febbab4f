// Live numbers and the chart: viewers (pushed), orders and revenue per minute (fetched: the
// server computes them; a pushed order or sale count says when), and the pinned spans (pushed).
import { el, money } from '../ui.js';
import { api } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 600, H = 180;
const COLOURS = ['#f3c9d0', '#cfe0f7', '#d8efd8', '#f7e6c4'];

/**
 * @param {number} x @param {number} y @param {number} width @param {number} height @param {string} fill @param {string} title
 */
function bar(x, y, width, height, fill, title) {
  const r = document.createElementNS(SVG, 'rect');
  r.setAttribute('x', String(x));
  r.setAttribute('y', String(y));
  r.setAttribute('width', String(width));
  r.setAttribute('height', String(height));
  r.setAttribute('fill', fill);
  const t = document.createElementNS(SVG, 'title');
  t.textContent = title;
  r.append(t);
  return r;
}

/**
 * Orders per minute over the shaded spans each product was pinned.
 * @param {SVGSVGElement} svg
 * @param {import('./store.js').CockpitState} state
 */
function drawChart(svg, { stats, pins, products }) {
  if (!stats) return;
  const now = Date.now();
  const mins = stats.perMinute.map((m) => Date.parse(m.minute));
  const spans = pins.map((p) => ({ ...p, to: p.to ?? now }));
  const start = Math.min(...mins, ...spans.map((p) => p.from), now - 10 * 60_000);
  const end = Math.max(now, ...mins.map((m) => m + 60_000));
  /** @param {number} t */
  const x = (t) => ((t - start) / (end - start)) * W;
  const max = Math.max(1, ...stats.perMinute.map((m) => m.orders));
  const shapes = spans.map((p, i) => bar(x(p.from), 0, Math.max(1, x(p.to) - x(p.from)), H, COLOURS[i % COLOURS.length] ?? '', `pinned: ${(products.find((q) => q.id === p.productId) || { title: p.productId }).title}`));
  for (const m of stats.perMinute) {
    const at = Date.parse(m.minute);
    const h = (m.orders / max) * (H - 20);
    shapes.push(bar(x(at) + 1, H - h, Math.max(2, x(at + 60_000) - x(at) - 2), h, '#b3122e', `${new Date(m.minute).toLocaleTimeString()}: ${m.orders} orders`));
  }
  svg.replaceChildren(...shapes);
}

/**
 * "Shared by viewers": each viewer's share link and what it brought (joins, friends new to the
 * shop, their orders and revenue); hidden until someone shared.
 */
function sharedByViewers() {
  const body = el('tbody', {});
  const section = el('section', { class: 'shared-by-viewers', id: 'shared-by-viewers', hidden: true },
    el('h3', { text: 'Shared by viewers' }),
    el('table', {}, el('thead', {}, el('tr', {}, ...['Viewer', 'Joins', 'New viewers', 'Orders', 'Revenue'].map((h) => el('th', { scope: 'col', text: h })))), body),
    el('p', { class: 'muted', text: 'Joins: visits through the link. New viewers: browsers this shop had never seen (what a share coupon counts). Orders: of the viewers the link brought, in this show.' }));
  /** @param {import('../../wire.js').ShowStats['referrals']} rows */
  const update = (rows) => {
    section.hidden = rows.length === 0;
    body.replaceChildren(...rows.map((r) => el('tr', {},
      el('td', { text: r.displayName, title: `code ${r.code}` }),
      el('td', { text: String(r.joins) }),
      el('td', { text: String(r.newViewers) }),
      el('td', { text: String(r.orders) }),
      el('td', { text: Object.entries(r.revenue).map(([cur, v]) => money(v, cur)).join(' + ') || '0' }))));
  };
  return { section, update };
}

/** @param {import('./context.js').Cockpit} c */
export function statsCard(c) {
  const { showId, store } = c;
  const viewers = el('strong', { id: 'n-viewers', text: '0' });
  const peak = el('strong', { id: 'n-peak', text: '0' });
  const orders = el('strong', { id: 'n-orders', text: '0' });
  const revenue = el('strong', { id: 'n-revenue', text: '0' });
  const numbers = el('div', { class: 'numbers' }, el('div', {}, 'Viewers', viewers), el('div', {}, 'Peak', peak), el('div', {}, 'Orders', orders), el('div', {}, 'Revenue', revenue));
  const chart = document.createElementNS(SVG, 'svg');
  chart.setAttribute('class', 'chart');
  chart.setAttribute('id', 'chart');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', 'Orders per minute, with the spans each product was pinned');
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);

  store.on(['presence'], ({ presence }) => {
    viewers.textContent = String(presence.viewers);
    peak.textContent = String(presence.peak);
  });
  store.on(['stats'], ({ stats }) => {
    if (!stats) return;
    orders.textContent = String(stats.orders);
    revenue.textContent = Object.entries(stats.revenue).map(([cur, v]) => money(v, cur)).join(' + ') || '0';
  });
  store.on(['stats', 'pins', 'products'], (state) => drawChart(chart, state));
  const shared = sharedByViewers();
  store.on(['stats'], ({ stats }) => stats && shared.update(stats.referrals));

  return [
    numbers,
    chart,
    el('p', { class: 'muted', text: 'Orders per minute; shaded spans: a product was pinned.' }),
    shared.section,
    el('a', { href: `/api/shows/${showId}/timeline.csv`, download: `show-${showId}-timeline.csv`, text: 'Export the timeline (CSV)' }),
  ];
}

/**
 * Orders and revenue are computed by the server: they are fetched on entry, when the host
 * socket pushes an order or a flash-sale count, and every 10 s as the fallback.
 * @param {import('./context.js').Cockpit} c
 * @returns {{ refresh(): void, stop(): void }}
 */
export function statsRefresher(c) {
  let pending = 0;
  const load = async () => {
    const stats = await api('GET', `/api/shows/${c.showId}/stats`);
    if (c.current()) c.store.set({ stats });
  };
  const timer = setInterval(() => c.current() && load().catch(() => {}), 10_000);
  return {
    /** soon, and once for a burst of pushes */
    refresh() {
      clearTimeout(pending);
      pending = window.setTimeout(() => c.current() && load().catch(() => {}), 300);
    },
    stop() {
      clearInterval(timer);
      clearTimeout(pending);
    },
  };
}
