// Who is watching: the viewer's name and token (kept in localStorage), the API with it, and
// the name dialog the first time someone chats or buys.
import { $, input as inputEl } from '../ui.js';

/** @typedef {Error & { code?: string, status?: number }} ApiError */
/** @typedef {{ token: string, viewerId: string, displayName: string }} Me */

const storeKey = 'hawker.viewer';
/** @type {Me | null} */
let me = null;
try {
  me = JSON.parse(localStorage.getItem(storeKey) || 'null');
} catch {}
/**
 * told when someone has just named themselves (the socket reconnects as them, the share link joins as them)
 * @type {Array<() => void>}
 */
const onNamed = [];

/** @returns {Me | null} */
export const currentViewer = () => me;
/** @param {() => void} handler */
export const whenNamed = (handler) => {
  onNamed.push(handler);
};

export function forget() {
  me = null;
  localStorage.removeItem(storeKey);
}

/**
 * @param {string} method @param {string} path @param {unknown} [bodyValue] @param {Record<string, string>} [extraHeaders]
 * @returns {Promise<any>}
 */
export async function api(method, path, bodyValue, extraHeaders = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...extraHeaders };
  if (bodyValue !== undefined) headers['content-type'] = 'application/json';
  if (me) headers.authorization = `Bearer ${me.token}`;
  const res = await fetch(path, { method, headers, body: bodyValue === undefined ? undefined : JSON.stringify(bodyValue) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && me && data && data.code === 'INVALID_VIEWER_TOKEN') forget();
  if (!res.ok) throw Object.assign(new Error((data && data.message) || `HTTP ${res.status}`), { code: data && data.code, status: res.status });
  return data;
}

/**
 * A name the first time someone chats or buys; resolves false if they cancel.
 * @returns {Promise<boolean>}
 */
export function ensureName() {
  return new Promise((resolve) => {
    if (me) return resolve(true);
    const dialog = /** @type {HTMLDialogElement} */ ($('name-dialog'));
    const input = inputEl('name-input');
    const error = $('name-error');
    error.textContent = '';
    /** @param {boolean} ok */
    const done = (ok) => {
      $('name-form').onsubmit = null;
      $('name-cancel').onclick = null;
      if (dialog.open) dialog.close();
      resolve(ok);
    };
    /** @param {SubmitEvent} e */
    async function register(e) {
      e.preventDefault();
      try {
        /** @type {import('../../wire.js').NewViewer} */
        const v = await api('POST', '/api/viewers', { displayName: input.value.trim() });
        me = { token: v.token, viewerId: v.viewerId, displayName: v.displayName };
        localStorage.setItem(storeKey, JSON.stringify(me));
        for (const handler of onNamed) handler();
        done(true);
      } catch (err) {
        const { code, message } = /** @type {ApiError} */ (err);
        error.textContent = code === 'VALIDATION_FAILED' ? 'Use 1 to 40 letters, digits or spaces.' : message;
      }
    }
    $('name-cancel').onclick = () => done(false);
    $('name-form').onsubmit = register;
    dialog.showModal();
    input.focus();
  });
}
