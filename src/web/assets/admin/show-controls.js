// Go live and End show: the merchant, not the stream, decides when viewers see the show. A
// show with a scheduled time rehearses on its stream (OBS or the test pattern): the preview
// plays, viewers keep the countdown, until Go live. The phase is pushed on the host's socket
// (with its welcome, and on each change): a rehearsal starts with a stream, not a click.
import { el, toast } from '../ui.js';
import { api } from './api.js';
import { confirmIn } from './forms.js';

/** @type {Record<string, string>} */
const phaseText = { rehearsal: 'Rehearsal: only you see the preview', 'awaiting-reconnect': 'Waiting for the host to reconnect' };

/** @param {import('./context.js').Cockpit} c */
export function showControls(c) {
  const { showId, store, doneLine } = c;
  const goLiveButton = el('button', { type: 'button', id: 'go-live', onclick: goLive }, 'Go live');
  const endButton = el('button', { type: 'button', id: 'end-show', class: 'secondary', onclick: endShow }, 'End show');
  const phaseLine = el('span', { class: 'muted', id: 'show-phase' });

  /** @param {import('../../wire.js').Show['phase']} phase */
  function drawPhase(phase) {
    phaseLine.dataset.phase = phase;
    phaseLine.textContent = phaseText[phase] ?? '';
    goLiveButton.hidden = phase !== 'scheduled' && phase !== 'rehearsal';
    goLiveButton.disabled = phase !== 'rehearsal';
    goLiveButton.title = phase === 'rehearsal' ? 'Put the stream on air for every viewer' : 'Start OBS or the test pattern first: the preview shows the rehearsal';
    endButton.hidden = phase !== 'live' && phase !== 'awaiting-reconnect';
  }
  async function goLive() {
    try {
      const show = await api('POST', `/api/shows/${showId}/go-live`, {});
      store.set({ status: show.status });
      drawPhase(show.phase);
      confirmIn(doneLine, 'The show is live');
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }
  async function endShow() {
    if (!window.confirm('End the show for every viewer? The recording stays watchable.')) return;
    try {
      const show = await api('POST', `/api/shows/${showId}/end`, {});
      store.set({ status: show.status });
      drawPhase(show.phase);
      confirmIn(doneLine, 'The show has ended');
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }
  // the page's one fetch of the show drew it first; the socket keeps it current from then on
  drawPhase(store.get().show.phase);
  return {
    node: el('span', { class: 'row', style: 'gap:.4rem' }, phaseLine, goLiveButton, endButton),
    /** the phase the host's socket pushed (with its welcome, and on each change) */
    drawPhase,
  };
}
