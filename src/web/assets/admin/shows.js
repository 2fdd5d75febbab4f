// The list of shows and the form for a new one.
import { input, el, put, toast } from '../ui.js';
import { api, withFieldPrefix } from './api.js';
import { field, showErrors } from './forms.js';

/** @param {string | null} iso */
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** @param {import('../../wire.js').Show} s */
const showRow = (s) => el('tr', {},
  el('td', {}, el('a', { href: `#/shows/${s.id}`, text: s.title })),
  el('td', { text: s.host || '—' }),
  el('td', {}, el('span', { class: 'status', 'data-status': s.status, text: s.status }), s.startedAt ? ' ' : null, s.startedAt ? el('a', { href: `#/shows/${s.id}/report`, class: 'show-report-link', text: 'Report' }) : null),
  el('td', { text: fmtTime(s.scheduledAt || s.startedAt) }));

/** @param {HTMLElement} main */
export async function showsView(main) {
  /** @type {import('../../wire.js').Show[]} */
  const shows = await api('GET', '/api/shows');
  const form = el('form', { class: 'card', 'data-prefix': 'show-' },
    el('h2', { text: 'New show' }),
    ...field('show-title', 'Title', { required: true, maxlength: '200' }),
    ...field('show-host', 'Host (who presents it)', { maxlength: '60' }),
    ...field('show-scheduledAt', 'Starts at (optional)', { type: 'datetime-local' }),
    el('button', { type: 'submit' }, 'Create show'));
  /** @param {SubmitEvent} e */
  async function create(e) {
    e.preventDefault();
    const when = input('show-scheduledAt').value;
    const host = input('show-host').value.trim();
    try {
      /** @type {import('../../wire.js').Show} */
      const show = await api('POST', '/api/shows', { title: input('show-title').value.trim(), ...(host ? { host } : {}), ...(when ? { scheduledAt: new Date(when).toISOString() } : {}) });
      toast(`Created “${show.title}”`);
      location.hash = `#/shows/${show.id}`;
    } catch (err) {
      showErrors(form, withFieldPrefix(/** @type {import('./api.js').ApiError} */ (err), 'show-'));
    }
  }
  form.addEventListener('submit', create);
  const table = el('table', {},
    el('thead', {}, el('tr', {}, el('th', { text: 'Show' }), el('th', { text: 'Host' }), el('th', { text: 'Status' }), el('th', { text: 'Starts' }))),
    el('tbody', {}, ...shows.map(showRow)));
  put(main, el('h1', { text: 'Shows' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, shows.length ? table : el('p', { class: 'muted', text: 'No shows yet: create the first one.' })), form));
}
