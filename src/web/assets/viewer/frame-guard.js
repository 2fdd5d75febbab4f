// Click-jacking defence for the embed. Inside a frame a hostile page can show the viewer
// something else (the frame at opacity 0, covered, or moved under the pointer) and turn their
// clicks into a purchase. So inside a frame the last step ("Place order", "Pay") asks once more,
// and that confirm button:
// - sits elsewhere than the button that led to it (a second click on the same spot hits Back);
// - unlocks only after the confirm panel has been fully and truly visible for CONFIRM_DELAY_MS:
//   IntersectionObserver v2 (trackVisibility) says whether the browser actually paints it
//   unobscured, with no opacity, filter or cover from the framing page; where v2 is missing
//   (Firefox, Safari) only the timer and the viewport check remain;
// - locks again while the page is hidden or the frame loses focus, and restarts its wait.
import { el, put } from '../ui.js';

/** how long the confirm panel must have been visible before its button works */
export const CONFIRM_DELAY_MS = 800;

/** inside someone else's page (the ?embed=1 iframe), where a purchase must be confirmed */
export function framed() {
  try {
    return window.top !== window.self;
  } catch {
    // reading window.top can only throw inside a frame
    return true;
  }
}

/**
 * @typedef {IntersectionObserverEntry & { isVisible?: boolean }} VisibilityEntry
 * @typedef {IntersectionObserverInit & { trackVisibility?: boolean, delay?: number }} VisibilityInit
 */

/** IntersectionObserver v2 (Chromium): entries say whether the target is really painted unobscured */
const trackVisibilitySupported = () => typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;

/**
 * Tells `onChange(true)` once `target` has been fully visible, in a visible and focused
 * document, for CONFIRM_DELAY_MS without a break; `onChange(false)` whenever that stops.
 * @param {Element} target @param {(open: boolean) => void} onChange
 */
function visibilityGate(target, onChange) {
  const v2 = trackVisibilitySupported();
  let seen = false;
  /** since when everything has held, or null */
  let since = /** @type {number | null} */ (null);
  let open = false;
  const holds = () => seen && document.visibilityState === 'visible' && document.hasFocus();
  const check = () => {
    if (!holds()) since = null;
    else if (since === null) since = performance.now();
    const now = since !== null && performance.now() - since >= CONFIRM_DELAY_MS;
    if (now !== open) {
      open = now;
      onChange(open);
    }
  };
  /** @type {VisibilityInit} */
  const init = v2 ? { threshold: [1], trackVisibility: true, delay: 100 } : { threshold: [1] };
  const observer = new IntersectionObserver((entries) => {
    for (const e of /** @type {VisibilityEntry[]} */ (entries)) seen = e.intersectionRatio >= 0.99 && (v2 ? e.isVisible === true : true);
    check();
  }, init);
  observer.observe(target);
  const timer = window.setInterval(check, 100);
  const blur = () => {
    since = null;
    check();
  };
  addEventListener('blur', blur);
  document.addEventListener('visibilitychange', check);
  return {
    isOpen: () => {
      check();
      return open;
    },
    stop: () => {
      observer.disconnect();
      clearInterval(timer);
      removeEventListener('blur', blur);
      document.removeEventListener('visibilitychange', check);
    },
  };
}

/**
 * Inside a frame: the confirm panel in `host` (replacing what it showed), resolving true when
 * the viewer confirms and false when they go back. Outside a frame it resolves true at once.
 * @param {HTMLElement} host where the panel is drawn (the sheet's body)
 * @param {{ title: string, summary: Array<string>, label: string }} what
 * @returns {Promise<boolean>}
 */
export function confirmInFrame(host, { title, summary, label }) {
  if (!framed()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wait = 'The button unlocks when this is fully on screen…';
    const note = el('p', { class: 'muted', 'aria-live': 'polite', text: wait });
    const confirm = el('button', { type: 'button', class: 'confirm-buy', disabled: true, 'data-frame-confirm': '' }, label);
    const back = el('button', { type: 'button', class: 'secondary', 'data-frame-back': '' }, 'Back');
    const panel = el('div', { class: 'frame-confirm', role: 'group', 'aria-labelledby': 'frame-confirm-title' },
      el('h2', { id: 'frame-confirm-title', text: title }),
      confirm,
      note,
      el('ul', { class: 'confirm-summary' }, ...summary.map((line) => el('li', { text: line }))),
      el('div', { class: 'row end' }, back));
    put(host, panel);
    const gate = visibilityGate(panel, (open) => {
      confirm.disabled = !open;
      note.textContent = open ? 'Shown inside another site: confirm here to buy.' : wait;
    });
    /** @param {boolean} ok */
    const done = (ok) => {
      gate.stop();
      resolve(ok);
    };
    confirm.addEventListener('click', (e) => {
      // a synthetic click (a script of the page) or one before the wait is over does nothing
      if (e.isTrusted && gate.isOpen()) done(true);
    });
    back.addEventListener('click', () => done(false));
    host.closest('dialog')?.addEventListener('close', () => done(false), { once: true });
  });
}
