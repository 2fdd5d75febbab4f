// The panel tabs (Products, Chat, Poll, Coupons, Ask): click or arrow keys.
import { $ } from '../ui.js';
import { loadCoupons } from './coupons.js';

export function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => /** @type {HTMLElement} */ (t));
  /** @param {HTMLElement} tab */
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls') ?? '').hidden = !on;
    }
    if (tab.id === 'tab-poll') $('poll-dot').hidden = true;
    if (tab.id === 'tab-coupons') void loadCoupons();
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
      if (next) {
        select(next);
        next.focus();
      }
    });
  });
}
