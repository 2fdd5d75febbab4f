// The control panel's one way to the API: the session's CSRF token on every change, JSON in
// and out, and an error that carries the API's code and field details.

/**
 * @typedef {{ field?: string, problem?: string }} FieldProblem
 * @typedef {Error & { code?: string, details?: any, status?: number, shown?: boolean }} ApiError
 */

/** @type {string | null} */
let csrf = null;
/** what happens when a session expires mid-show (set by admin.js: back to the login) */
let onSignedOut = () => {};

export const session = {
  get csrf() {
    return csrf;
  },
  /** @param {string | null} token */
  set csrf(token) {
    csrf = token;
  },
  /** @param {() => void} handler */
  onSignedOut(handler) {
    onSignedOut = handler;
  },
};

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string} [raw] a content type: send body as it is (a file, CSV text)
 * @returns {Promise<any>}
 */
export async function api(method, path, body, raw) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  if (body !== undefined && !raw) headers['content-type'] = 'application/json';
  if (raw) headers['content-type'] = raw;
  const payload = body === undefined ? undefined : raw ? /** @type {BodyInit} */ (body) : JSON.stringify(body);
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: payload });
  const data = res.status === 204 ? null : res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  // a session that expired mid-show: back to the login (the login's own 401s stay put)
  if (res.status === 401 && !path.startsWith('/admin/')) {
    csrf = null;
    onSignedOut();
  }
  if (!res.ok) throw Object.assign(new Error((data && data.message) || `HTTP ${res.status}`), { code: data && data.code, details: data && data.details, status: res.status });
  return data;
}

/**
 * The field problems an API error carries: `details` as a list (validation, products), or as
 * `details.fields` beside older keys (coupons keep `details.problems`, sentences, for clients
 * that read them).
 * @param {ApiError} err
 * @returns {FieldProblem[]}
 */
export function fieldProblems(err) {
  const d = err.details;
  if (Array.isArray(d)) return d;
  if (d && typeof d === 'object' && Array.isArray(d.fields)) return d.fields;
  return [];
}

/**
 * An API error whose field details are renamed into a form's field ids (`title` -> `show-title`).
 * @param {ApiError} err
 * @param {string} prefix
 * @returns {ApiError}
 */
export function withFieldPrefix(err, prefix) {
  const details = fieldProblems(err);
  return Object.assign(new Error(err.message), err, { details: details.map((d) => ({ ...d, field: `${prefix}${String(d.field || '').replace(/^\//, '').split('/')[0]}` })) });
}
