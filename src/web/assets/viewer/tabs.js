// The panel tabs (Products, Chat, Poll, Coupons, Ask, My orders): click or arrow keys.
import { $ } from '../ui.js';
import { loadCoupons } from './coupons.js';
import { loadMyOrders } from './my-orders.js';

/** a portrait stream on a phone: the panels other than chat are sheets over the video */
export const immersive = () => document.body.dataset.shape === 'portrait' && matchMedia('(max-width: 899px)').matches;

/** @param {string} id the tab to show, e.g. 'tab-chat' */
export function selectTab(id) {
  $(id).click();
}

export function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => /** @type {HTMLElement} */ (t));
  /** @param {HTMLElement} tab */
  function select(tab) {
    // full-screen video: tapping the open sheet's tab again slides it away, back to chat
    const chat = $('tab-chat');
    if (immersive() && tab !== chat && tab.getAttribute('aria-selected') === 'true') tab = chat;
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls') ?? '').hidden = !on;
    }
    if (tab.id === 'tab-poll') $('poll-dot').hidden = true;
    if (tab.id === 'tab-coupons') void loadCoupons();
    if (tab.id === 'tab-orders') void loadMyOrders();
  }
  tabs.forEach((t) => {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', (e) => {
      // a tab can be hidden (Suggest once the show is live): the arrows pass over it
      const shown = tabs.filter((x) => !x.hidden);
      const i = shown.indexOf(t);
      const next = e.key === 'ArrowRight' ? shown[(i + 1) % shown.length] : e.key === 'ArrowLeft' ? shown[(i - 1 + shown.length) % shown.length] : null;
      if (next) {
        select(next);
        next.focus();
      }
    });
  });
}
