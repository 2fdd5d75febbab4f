// Coupons: the list, disabling one, and the form for a new one with its unlock rule.
import { $, input, el, put, toast } from '../ui.js';
import { money, parseMoney } from '../money.js';
import { api } from './api.js';
import { checkbox, field, showErrors } from './forms.js';

/** @typedef {import('../../wire.js').Coupon} Coupon */

/** @param {[string, string][]} options */
const optionsOf = (options) => options.map(([value, text]) => el('option', { value, text }));

/** @param {Coupon} c */
const ruleOf = (c) => [c.liveOnly ? 'live only' : '', c.unlock ? `${c.unlock} ${c.keyword || c.unlockThreshold}` : '', c.minLevel ? `level ${c.minLevel}+` : ''].filter(Boolean).join(', ') || 'anyone';

/** what the amount field holds, by kind: the same units as a product's price for an amount off */
const AMOUNT_LABEL = { percent: 'Percent off (1 to 100)', fixed: 'Amount off, in the currency (e.g. 5 or 4,50)' };

/**
 * The amount the API takes: whole percent, or minor units of the currency for an amount off
 * ("5" EUR is €5.00 off: 500). A problem comes back as the field's own error.
 * @param {string} kind @param {string} text @param {string} currency
 * @returns {{ amount: number } | { field: string, problem: string }}
 */
export function couponAmount(kind, text, currency) {
  if (kind === 'percent') {
    const t = text.trim();
    return /^\d{1,3}$/.test(t) ? { amount: Number(t) } : { field: 'amount', problem: 'a whole percentage from 1 to 100' };
  }
  if (!/^[A-Za-z]{3}$/.test(currency)) return { field: 'currency', problem: 'an amount off needs its currency: a three-letter code such as EUR' };
  const parsed = parseMoney(text, currency.toUpperCase());
  return 'minor' in parsed ? { amount: parsed.minor } : { field: 'amount', problem: parsed.problem };
}

/** @param {HTMLElement} main @param {() => void} reload */
export async function couponsView(main, reload) {
  /** @type {[Coupon[], import('../../wire.js').Show[]]} */
  const [coupons, shows] = await Promise.all([api('GET', '/api/coupons'), api('GET', '/api/shows')]);
  const form = el('form', { class: 'card', 'data-prefix': 'c-', novalidate: true },
    el('h2', { text: 'New coupon' }),
    ...field('c-code', 'Code', { required: true, maxlength: '32' }),
    el('label', { for: 'c-kind', text: 'Kind' }), el('select', { id: 'c-kind' }, ...optionsOf([['percent', 'Percent off'], ['fixed', 'Amount off']])),
    ...field('c-amount', AMOUNT_LABEL.percent, { required: true, inputmode: 'decimal', autocomplete: 'off' }),
    ...field('c-currency', 'Currency (amount off only)', { maxlength: '3', value: 'EUR' }),
    el('label', { for: 'c-show', text: 'Show' }), el('select', { id: 'c-show' }, ...optionsOf([['', 'Every show'], ...shows.map((s) => /** @type {[string, string]} */ ([s.id, s.title]))])),
    el('label', { for: 'c-unlock', text: 'Unlocked by' }), el('select', { id: 'c-unlock' }, ...optionsOf([['', 'Nothing: anyone can use it'], ['watch', 'Watching N minutes'], ['chat', 'Sending N messages'], ['vote', 'Voting in N polls'], ['keyword', 'First N to type a keyword'], ['preshow', 'Commenting N times before the show'], ['share', 'Sharing with N friends who join']])),
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
    const kind = v('c-kind');
    const amount = couponAmount(kind, v('c-amount'), v('c-currency'));
    if ('problem' in amount) return showErrors(form, Object.assign(new Error(amount.problem), { details: [amount] }));
    /** @type {Record<string, string | number | boolean>} */
    const body = { code: v('c-code'), kind, amount: amount.amount };
    if (kind === 'fixed') body.currency = v('c-currency').toUpperCase();
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
  const kindSelect = /** @type {HTMLSelectElement} */ (form.querySelector('#c-kind'));
  const amountLabel = /** @type {HTMLLabelElement} */ (form.querySelector('label[for="c-amount"]'));
  kindSelect.addEventListener('change', () => {
    amountLabel.textContent = kindSelect.value === 'fixed' ? AMOUNT_LABEL.fixed : AMOUNT_LABEL.percent;
  });

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
