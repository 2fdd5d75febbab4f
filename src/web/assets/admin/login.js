// Sign in with the admin token; the session cookie and CSRF token come back.
import { $, input, el, put } from '../ui.js';
import { api, session } from './api.js';
import { field } from './forms.js';

/** @param {HTMLElement} main @param {() => void} signedIn */
export function loginView(main, signedIn) {
  $('nav').hidden = true;
  $('logout').hidden = true;
  const form = el('form', { class: 'card', style: 'max-width:420px;margin:3rem auto' },
    el('h1', { text: 'Sign in' }),
    el('p', { class: 'muted', text: 'Paste the admin token Hawker printed on its first start (also in <data dir>/admin-token).' }),
    ...field('token', 'Admin token', { type: 'password', required: true, autocomplete: 'current-password' }),
    el('button', { type: 'submit' }, 'Sign in'));
  /** @param {SubmitEvent} e */
  async function signIn(e) {
    e.preventDefault();
    try {
      const r = await api('POST', '/admin/login', { token: input('token').value.trim() });
      session.csrf = r.csrfToken;
      signedIn();
    } catch (err) {
      const { status, message } = /** @type {import('./api.js').ApiError} */ (err);
      $('token-error').textContent = status === 401 ? 'That is not the admin token.' : message;
    }
  }
  form.addEventListener('submit', signIn);
  put(main, form);
  $('token').focus();
}
