// Coupons: the list, disabling one, and the form for a new one with its unlock rule.
import { $, input, el, put, money, toast } from '../ui.js';
import { api } from './api.js';
import { checkbox, field, showErrors } from './forms.js';

/** @typedef {import('../../wire.js').Coupon} Coupon */

/** @param {[string, string][]} options */
const optionsOf = (options) => options.map(([value, text]) => el('option', { value, text }));

/** @param {Coupon} c */
const ruleOf = (c) => [c.liveOnly ? 'live only' : '', c.unlock ? `${c.unlock} ${c.keyword || c.unlockThreshold}` : '', c.minLevel ? `level ${c.minLevel}+` : ''].filter(Boolean).join(', ') || 'anyone';

/** @param {HTMLElement} main @param {() => void} reload */
export async function couponsView(main, reload) {
  /** @type {[Coupon[], import('../../wire.js').Show[]]} */
  const [coupons, shows] = await Promise.all([api('GET', '/api/coupons'), api('GET', '/api/shows')]);
  const form = el('form', { class: 'card', 'data-prefix': 'c-' },
    el('h2', { text: 'New coupon' }),
    ...field('c-code', 'Code', { required: true, maxlength: '32' }),
    el('label', { for: 'c-kind', text: 'Kind' }), el('select', { id: 'c-kind' }, ...optionsOf([['percent', 'Percent off'], ['fixed', 'Amount off']])),
    ...field('c-amount', 'Amount (percent, or minor units such as cents)', { required: true, type: 'number', min: '1' }),
    ...field('c-currency', 'Currency (amount off only)', { maxlength: '3' }),
    el('label', { for: 'c-show', text: 'Show' }), el('select', { id: 'c-show' }, ...optionsOf([['', 'Every show'], ...shows.map((s) => /** @type {[string, string]} */ ([s.id, s.title]))])),
    el('label', { for: 'c-unlock', text: 'Unlocked by' }), el('select', { id: 'c-unlock' }, ...optionsOf([['', 'Nothing: anyone can use it'], ['watch', 'Watching N minutes'], ['chat', 'Sending N messages'], ['vote', 'Voting in N polls'], ['keyword', 'First N to type a keyword']])),
    ...field('c-unlockThreshold', 'N', { type: 'number', min: '1' }),
    ...field('c-keyword', 'Keyword', { maxlength: '40' }),
    checkbox({ id: 'c-liveOnly' }, 'Promo code valid only while the show is live'),
    ...field('c-maxUses', 'Total uses (optional)', { type: 'number', min: '1' }),
    el('button', { type: 'submit' }, 'Create coupon'));

  /** @param {SubmitEvent} e */
  async function create(e) {
    e.preventDefault();
    /** @param {string} id */
    const v = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id)).value.trim();
    /** @type {Record<string, string | number | boolean>} */
    const body = { code: v('c-code'), kind: v('c-kind'), amount: Number(v('c-amount')) };
    if (v('c-currency')) body.currency = v('c-currency');
    if (v('c-show')) body.showId = v('c-show');
    if (v('c-unlock')) body.unlock = v('c-unlock');
    if (v('c-unlockThreshold')) body.unlockThreshold = Number(v('c-unlockThreshold'));
    if (v('c-keyword')) body.keyword = v('c-keyword');
    if (input('c-liveOnly').checked) body.liveOnly = true;
    if (v('c-maxUses')) body.maxUses = Number(v('c-maxUses'));
    try {
      await api('POST', '/api/coupons', body);
      toast(`Coupon ${String(body.code).toUpperCase()} created`);
      reload();
    } catch (err) {
      showErrors(form, /** @type {import('./api.js').ApiError} */ (err));
    }
  }
  form.addEventListener('submit', create);

  /** @param {Coupon} c */
  function couponRow(c) {
    async function disable() {
      await api('DELETE', `/api/coupons/${c.id}`);
      toast(`${c.code} disabled`);
      reload();
    }
    return el('tr', {},
      el('td', {}, el('code', { text: c.code })),
      el('td', { text: c.kind === 'percent' ? `${c.amount}%` : money(c.amount, c.currency ?? '') }),
      el('td', { text: ruleOf(c) }),
      el('td', { text: `${c.uses}${c.maxUses ? ` / ${c.maxUses}` : ''}` }),
      el('td', {}, c.disabledAt ? el('span', { class: 'muted', text: 'disabled' }) : el('button', { type: 'button', class: 'secondary small', onclick: disable }, 'Disable')));
  }
  const table = el('table', {},
    el('thead', {}, el('tr', {}, el('th', { text: 'Code' }), el('th', { text: 'Off' }), el('th', { text: 'Rule' }), el('th', { text: 'Uses' }), el('th', { text: '' }))),
    el('tbody', {}, ...coupons.map(couponRow)));
  put(main, el('h1', { text: 'Coupons' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, coupons.length ? table : el('p', { class: 'muted', text: 'No coupons yet.' })), form));
}
