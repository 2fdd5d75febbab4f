// The post-show report of one show: the figures next to the host's previous shows, viewers and
// orders per stream minute, how each product sold while pinned, what the chat asked for
// (mentions, keyword bursts, questions and demo requests) and the restock signal, each table
// with its CSV. Aliases (what viewers call a product) are edited in the mentions table, and the
// report is read again with them. Product titles, chat words and questions are drawn as text.
import { el, input, money, put, toast } from '../ui.js';
import { api } from './api.js';
import { showErrors } from './forms.js';

/** @typedef {import('../../wire.js').ShowReport} ShowReport */
/** @typedef {import('./api.js').ApiError} ApiError */

const SVG = 'http://www.w3.org/2000/svg';
const W = 600, H = 120;

/** @param {number} ms */
const duration = (ms) => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : m ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`;
};
/** stream time as the recording's clock @param {number} ms */
const streamClock = (ms) => {
  const sign = ms < 0 ? '−' : '';
  const s = Math.floor(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
/** @param {number | null} x */
const percent = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/**
 * A bar per stream minute.
 * @param {string} label @param {number[]} values @param {(minute: number, value: number) => string} title
 */
function minuteBars(label, values, title) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'report-chart');
  svg.setAttribute('style', 'width:100%;height:auto;max-height:10rem;background:#fafafa;border-radius:6px');
  const max = Math.max(1, ...values);
  const step = W / Math.max(1, values.length);
  values.forEach((v, minute) => {
    const h = (v / max) * (H - 8);
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', String(minute * step + Math.min(1, step / 4)));
    r.setAttribute('y', String(H - h));
    r.setAttribute('width', String(Math.max(1, step - Math.min(2, step / 2))));
    r.setAttribute('height', String(h));
    r.setAttribute('fill', '#b3122e');
    const t = document.createElementNS(SVG, 'title');
    t.textContent = title(minute, v);
    r.append(t);
    svg.append(r);
  });
  return svg;
}

/**
 * A table with a caption-like heading and its CSV link.
 * @param {string} id @param {string} heading @param {string} csvHref @param {string[]} columns @param {Array<Array<Node | string>>} rows @param {string} empty
 */
function section(id, heading, csvHref, columns, rows, empty) {
  return el('section', { class: 'card', id: `report-${id}`, 'aria-labelledby': `report-${id}-h` },
    el('div', { class: 'row', style: 'justify-content:space-between;flex-wrap:wrap;gap:.5rem' },
      el('h2', { id: `report-${id}-h`, text: heading }),
      el('a', { class: 'button secondary small', href: csvHref, download: `${id}.csv`, id: `report-${id}-csv`, text: 'CSV' })),
    rows.length === 0
      ? el('p', { class: 'muted', text: empty })
      : el('div', { class: 'table-scroll' },
        el('table', {},
          el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', text: c })))),
          el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))))));
}

/**
 * Draw the report of a show into main.
 * @param {HTMLElement} main @param {string} showId
 */
export async function reportView(main, showId) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const query = new URLSearchParams();
  for (const k of ['burstViewers', 'burstSeconds']) {
    const v = params.get(k);
    if (v) query.set(k, v);
  }
  const qs = query.toString() ? `?${query}` : '';
  /** @type {ShowReport} */
  const r = await api('GET', `/api/shows/${encodeURIComponent(showId)}/report${qs}`);
  const csv = (/** @type {string} */ table) => `/api/shows/${encodeURIComponent(showId)}/report/${table}.csv${qs}`;
  const title = new Map(r.products.map((p) => [p.productId, p.title]));
  const productName = (/** @type {string | null} */ id) => (id ? (title.get(id) ?? id) : '—');
  const cur = r.orders.currency;
  const amount = (/** @type {number} */ minor) => (cur ? money(minor, cur) : String(minor));

  // ---- the figures next to the host's previous shows -----------------------------------
  /** @type {Array<[keyof ShowReport['figures'], string, (v: number) => string]>} */
  const figureRows = [
    ['durationMs', 'Duration', duration],
    ['peakViewers', 'Peak viewers (in a minute)', String],
    ['uniqueViewers', 'Viewers', String],
    ['averageWatchMs', 'Average watch time', duration],
    ['medianWatchMs', 'Median watch time', duration],
    ['orders', 'Orders', String],
    ['revenue', 'Revenue', amount],
    ['ordersPerMinute', 'Orders per minute', (v) => v.toFixed(2)],
    ['revenuePerMinute', 'Revenue per minute', amount],
  ];
  const avg = r.previous.averages;
  const change = (/** @type {number} */ now, /** @type {number} */ before) => {
    if (before === 0) return now === 0 ? '±0 %' : 'new';
    const d = ((now - before) / before) * 100;
    return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(0)} %`;
  };
  const comparison = section('comparison', avg ? `Compared with ${r.previous.shows} previous show${r.previous.shows === 1 ? '' : 's'} by ${r.host}` : 'This show', csv('comparison'),
    avg ? ['Figure', 'This show', 'Previous average', 'Change'] : ['Figure', 'This show'],
    figureRows.map(([key, label, fmt]) => [label, fmt(r.figures[key]), ...(avg ? [fmt(avg[key]), change(r.figures[key], avg[key])] : [])]),
    '');
  if (!avg) comparison.append(el('p', { class: 'muted', id: 'report-no-previous', text: r.host ? `No earlier ended show by ${r.host} to compare with.` : 'The show has no host: there is no earlier show of the same host to compare with.' }));

  // ---- the burst rule ----------------------------------------------------------------
  // the server's refusal, said next to the field, is the one rule (the browser's own bubble would hide it)
  const burstForm = el('form', { class: 'row', id: 'report-burst-form', novalidate: true, style: 'flex-wrap:wrap;gap:.5rem;align-items:end' },
    el('div', {}, el('label', { for: 'burstViewers', text: 'Burst: viewers' }), el('input', { id: 'burstViewers', type: 'number', min: '2', max: '100000', value: String(r.burstViewers), style: 'width:7rem' }), el('p', { class: 'field-error', id: 'burstViewers-error' })),
    el('div', {}, el('label', { for: 'burstSeconds', text: 'within seconds' }), el('input', { id: 'burstSeconds', type: 'number', min: '1', max: '3600', value: String(r.burstSeconds), style: 'width:7rem' }), el('p', { class: 'field-error', id: 'burstSeconds-error' })),
    el('button', { type: 'submit', class: 'secondary small' }, 'Find bursts'));
  burstForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const next = new URLSearchParams({ burstViewers: input('burstViewers').value, burstSeconds: input('burstSeconds').value });
    try {
      // asked first, so a refused rule is said next to its field instead of a blank screen
      await api('GET', `/api/shows/${encodeURIComponent(showId)}/report?${next}`);
      location.hash = `#/shows/${showId}/report?${next}`;
    } catch (err) {
      const e2 = /** @type {ApiError} */ (err);
      if (Array.isArray(e2.details)) e2.details = e2.details.map((/** @type {{ field?: string }} */ d) => ({ ...d, field: (d.field ?? '').replace(/^.*\//, '').replace(/^querystring\.?/, '') }));
      showErrors(burstForm, e2);
    }
  });

  // ---- aliases, edited in the mentions table --------------------------------------------
  /** @param {string} productId */
  const aliasEditor = (productId) => {
    const id = `aliases-${productId}`;
    const box = el('input', { id, 'aria-label': `Aliases of ${title.get(productId) ?? productId}, separated by commas`, placeholder: 'e.g. dotted gauze, the blue one', style: 'min-width:14rem' });
    const problem = el('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    const form = el('form', { class: 'row', style: 'gap:.4rem;flex-wrap:wrap' }, box, el('button', { type: 'submit', class: 'secondary small' }, 'Save'), problem);
    void api('GET', `/api/products/${encodeURIComponent(productId)}/aliases`).then((a) => (box.value = /** @type {{ aliases: string[] }} */ (a).aliases.join(', ')), () => {});
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      problem.textContent = '';
      const aliases = box.value.split(',').map((s) => s.trim()).filter(Boolean);
      try {
        await api('PUT', `/api/products/${encodeURIComponent(productId)}/aliases`, { aliases });
        toast(`Aliases of “${title.get(productId) ?? productId}” saved; counting again`);
        await reportView(main, showId);
      } catch (err) {
        const { message, details } = /** @type {ApiError} */ (err);
        // the API names entries from 0 (aliases[1]); the merchant counts from 1 (alias #2)
        const words = (/** @type {string} */ text) => text.replace(/aliases\[(\d+)\]/g, (_m, n) => `alias #${Number(n) + 1}`);
        problem.textContent = Array.isArray(details) ? details.map((/** @type {{ field: string, problem: string }} */ d) => words(`${d.field}: ${d.problem}`)).join('; ') : message;
      }
    });
    return form;
  };
  const viewersChart = el('section', { class: 'card', id: 'report-viewers', 'aria-labelledby': 'report-viewers-h' },
    el('div', { class: 'row', style: 'justify-content:space-between' }, el('h2', { id: 'report-viewers-h', text: 'Viewers per minute' }), el('a', { class: 'button secondary small', href: csv('viewers'), download: 'viewers.csv', id: 'report-viewers-csv', text: 'CSV' })),
    el('p', { class: 'muted', text: `Peak ${r.viewers.peak} at minute ${r.viewers.peakMinute}; ${r.viewers.unique} viewers watched ${duration(r.viewers.averageWatchMs)} on average (median ${duration(r.viewers.medianWatchMs)}).` }),
    minuteBars('Viewers per stream minute', r.viewers.perMinute.map((m) => m.viewers), (m, v) => `minute ${m}: ${v} viewers`));
  const ordersChart = el('section', { class: 'card', id: 'report-orders', 'aria-labelledby': 'report-orders-h' },
    el('div', { class: 'row', style: 'justify-content:space-between' }, el('h2', { id: 'report-orders-h', text: 'Orders per minute' }), el('a', { class: 'button secondary small', href: csv('orders'), download: 'orders.csv', id: 'report-orders-csv', text: 'CSV' })),
    el('p', { class: 'muted', text: `${r.orders.count} orders, ${amount(r.orders.revenue)}.` }),
    minuteBars('Orders per stream minute', r.orders.perMinute.map((m) => m.orders), (m, v) => `minute ${m}: ${v} orders, ${amount(r.orders.perMinute[m]?.revenue ?? 0)}`));

  put(main,
    el('p', {}, el('a', { href: `#/shows/${showId}`, text: '← Back to the show' })),
    el('h1', { id: 'report-title', text: `Report: ${r.title}` }),
    el('p', { class: 'muted', id: 'report-when', text: `${r.host ? `${r.host} · ` : ''}${new Date(r.startedAt).toLocaleString()} · ${duration(r.durationMs)}${r.endedAt ? '' : ' so far (live)'}` }),
    el('div', { style: 'display:grid;gap:1rem' },
      comparison,
      el('div', { class: 'grid' }, viewersChart, ordersChart),
      section('restock', 'Restock signal', csv('restock'), ['#', 'Product', 'Demand', 'Stock left', 'Score'],
        r.restock.map((p, i) => [String(i + 1), p.title, String(p.demand), String(p.stockLeft), p.score.toFixed(3)]),
        'Nobody asked for a product (no mention, demo request or order).'),
      section('products', 'Products', csv('products'), ['Product', 'Pinned', 'Viewers while pinned', 'Orders while pinned', 'Conversion', 'Mentions', 'Demo requests', 'Orders', 'Stock left'],
        r.products.map((p) => [p.title, duration(p.pinnedMs), String(p.viewersWhilePinned), String(p.ordersWhilePinned), percent(p.conversion), String(p.mentions), String(p.demoRequests), String(p.orders), String(p.stockLeft)]),
        'No product was shown, ordered or asked about.'),
      section('mentions', 'Mentions in chat', csv('mentions'), ['Product', 'Lines', 'Viewers', 'Aliases (what viewers call it)'],
        r.mentions.map((m) => [productName(m.productId), String(m.count), String(m.viewers), aliasEditor(m.productId)]),
        'No product to count.'),
      (() => {
        const s = section('bursts', 'Keyword bursts', csv('bursts'), ['Word', 'Viewers', 'From', 'To'],
          r.bursts.map((b) => [b.word, String(b.viewers), streamClock(b.startMs), streamClock(b.endMs)]),
          `No word was typed by ${r.burstViewers} viewers within ${r.burstSeconds} s.`);
        s.insertBefore(burstForm, s.children[1] ?? null);
        return s;
      })(),
      section('questions', 'Questions and demo requests', csv('questions'), ['Kind', 'Question', 'Product', 'Votes', 'Answered'],
        r.questions.map((q) => [q.kind === 'demo' ? 'show me' : 'question', q.text, productName(q.productId), String(q.votes), q.answered ? 'yes' : 'no']),
        'No questions.')));
}
