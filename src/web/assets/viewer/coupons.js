// The viewer's coupons for this show: usable, locked (and how far along), and the one chosen
// for the next order.
import { $, el, put, money, toast } from '../ui.js';
import { api, currentViewer } from './identity.js';

/** @typedef {import('../../wire.js').CouponCentre['coupons'][number]} CentreCoupon */

const showId = document.body.dataset.showId ?? '';
/** @type {string | null} */
let chosenCoupon = null;
/** the code to apply to the next order, if one is chosen */
export const chosenCode = () => chosenCoupon;
/** an order used it */
export const couponUsed = () => {
  chosenCoupon = null;
};

/** @type {Record<string, string>} */
const stateText = { available: 'Ready to use', locked: 'Locked', used: 'Used', 'used up': 'All gone', expired: 'Expired', level: 'Needs a higher level', 'not live': 'Only while live', 'not yet': 'Not yet' };
/** @param {CentreCoupon} c @returns {string} */
const unlockText = (c) => /** @type {Record<string, string>} */ ({ watch: `Watch ${c.progress ? c.progress.need : ''} minutes`, chat: `Send ${c.progress ? c.progress.need : ''} messages`, vote: 'Vote in a poll', keyword: 'Type the word the host says', preshow: 'Comment before the show starts', share: `Share the show with ${c.progress ? c.progress.need : ''} friends` })[c.unlock ?? ''] || '';

/** the coupon for the next order, or none when it is chosen again @param {string} code @param {HTMLElement} button */
function useCoupon(code, button) {
  chosenCoupon = chosenCoupon === code ? null : code;
  button.setAttribute('aria-pressed', String(chosenCoupon === code));
  toast(chosenCoupon ? `${code} will apply to your next order` : 'Coupon removed');
}

/** @param {CentreCoupon} c */
function couponItem(c) {
  const code = c.code ?? '';
  return el('li', { class: 'coupon' },
    el('div', {}, el('strong', { text: c.kind === 'percent' ? `${c.amount}% off` : `${money(c.amount, c.currency ?? '')} off` }), ' ', c.code ? el('code', { text: c.code }) : null),
    el('div', { class: 'muted', text: `${stateText[c.state] || c.state}${c.unlock && c.state === 'locked' ? ` · ${unlockText(c)}${c.progress ? ` (${c.progress.have}/${c.progress.need})` : ''}` : ''}${c.expiresAt ? ` · until ${new Date(c.expiresAt).toLocaleString()}` : ''}` }),
    c.code && c.state === 'available'
      ? el('button', { type: 'button', class: 'small', 'aria-pressed': String(chosenCoupon === c.code), onclick: (/** @type {MouseEvent} */ e) => useCoupon(code, /** @type {HTMLElement} */ (e.currentTarget)) }, 'Use at checkout')
      : null);
}

export async function loadCoupons() {
  const list = $('coupons');
  if (!currentViewer()) {
    put(list, el('li', { class: 'muted', text: 'Chat or buy once and your coupons appear here.' }));
    return;
  }
  try {
    /** @type {import('../../wire.js').CouponCentre} */
    const centre = await api('GET', `/api/shows/${showId}/coupons`);
    $('level').textContent = `Your level with this host: ${centre.level}`;
    put(list, centre.coupons.length ? null : el('li', { class: 'muted', text: 'No coupons yet. Stay tuned!' }), ...centre.coupons.map(couponItem));
  } catch (err) {
    put(list, el('li', { class: 'muted', text: /** @type {Error} */ (err).message }));
  }
}
