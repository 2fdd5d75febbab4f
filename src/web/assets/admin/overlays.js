// On the video: the announcement, the QR code, and hiding every overlay at once.
import { input, el } from '../ui.js';

/** @param {import('./context.js').Cockpit} c */
export function overlayControls(c) {
  const { showId, store, act } = c;
  /** @param {SubmitEvent} e */
  function announce(e) {
    e.preventDefault();
    void act('PUT', `/api/shows/${showId}/announcement`, { text: input('announce').value.trim() }, 'Announcement on screen');
  }
  const clear = () => act('DELETE', `/api/shows/${showId}/announcement`, undefined, 'Announcement cleared');
  const announceForm = el('form', { class: 'row', onsubmit: announce },
    el('label', { for: 'announce', class: 'sr-only', text: 'Announcement' }), el('input', { id: 'announce', maxlength: '140', placeholder: 'Announcement on the video', required: true }), el('button', { type: 'submit', class: 'small' }, 'Show'),
    el('button', { type: 'button', class: 'secondary small', onclick: clear }, 'Clear'));

  /** @param {MouseEvent} e */
  const pressed = (e) => /** @type {HTMLElement} */ (e.currentTarget).getAttribute('aria-pressed') === 'true';
  /** @param {MouseEvent} e */
  const toggleQr = (e) => act('PUT', `/api/shows/${showId}/qr`, { enabled: !pressed(e) }, 'QR code toggled');
  /** @param {MouseEvent} e */
  const toggleHidden = (e) => act('PUT', `/api/shows/${showId}/overlay/hidden`, { hidden: !pressed(e) }, 'Overlays toggled');
  const qr = el('button', { type: 'button', id: 'qr-toggle', class: 'secondary small', 'aria-pressed': 'false', onclick: toggleQr }, 'QR code');
  const hide = el('button', { type: 'button', id: 'hide-toggle', class: 'secondary small', 'aria-pressed': 'false', onclick: toggleHidden }, 'Hide all overlays');
  store.on(['overlay'], ({ overlay }) => {
    if (!overlay) return;
    qr.setAttribute('aria-pressed', String(overlay.state.qr));
    hide.setAttribute('aria-pressed', String(overlay.state.hidden));
    hide.textContent = overlay.state.hidden ? 'Show overlays' : 'Hide all overlays';
  });
  return [announceForm, el('div', { class: 'row', style: 'margin-top:.5rem;flex-wrap:wrap' }, qr, hide)];
}
