// What every cockpit panel is handed: the show, the store, and the one-click action.
import { toast } from '../ui.js';
import { api } from './api.js';
import { confirmIn } from './forms.js';

/**
 * @typedef {object} Cockpit
 * @property {string} showId
 * @property {import('./store.js').Store} store
 * @property {HTMLElement} doneLine where each action is confirmed (✓ …)
 * @property {(method: string, path: string, body: unknown, done: string) => Promise<void>} act
 *   call the API, confirm on screen, and refresh what is on the video
 * @property {() => Promise<void>} refreshOverlay fetch what is on the video now
 * @property {() => boolean} current false once the merchant has left this cockpit
 */

/**
 * @param {string} showId
 * @param {import('./store.js').Store} store
 * @param {HTMLElement} doneLine
 * @param {() => boolean} current
 * @returns {Cockpit}
 */
export function cockpitContext(showId, store, doneLine, current) {
  async function refreshOverlay() {
    store.set({ overlay: await api('GET', `/api/shows/${showId}/overlay`) });
  }
  /** @type {Cockpit['act']} */
  async function act(method, path, body, done) {
    try {
      await api(method, path, body);
      confirmIn(doneLine, done);
      await refreshOverlay();
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }
  return { showId, store, doneLine, act, refreshOverlay, current };
}
