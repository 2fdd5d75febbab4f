// Contact and shipping address: asked once, then remembered for the viewer (GET / PUT
// /api/me/profile; a placed order stores them too). The buy sheet shows the remembered one as a
// line with "Change".
import { el } from '../ui.js';
import { api } from './identity.js';

/** @typedef {import('../../wire.js').Profile} Profile */
/** @typedef {import('../../wire.js').Contact} Contact */
/** @typedef {import('../../wire.js').ShippingAddress} ShippingAddress */

/** @type {Profile | null} */
let profile = null;

/** the viewer's remembered contact and address (fetched once per page) @returns {Promise<Profile>} */
export async function loadProfile() {
  if (profile) return profile;
  try {
    profile = /** @type {Profile} */ (await api('GET', '/api/me/profile'));
  } catch {
    // nothing remembered yet (or the route is unreachable): the form asks
    profile = { contact: null, shippingAddress: null };
  }
  return profile;
}

/** @param {Profile | null} p */
export const complete = (p) => Boolean(p && p.contact && p.contact.name && p.contact.email && p.shippingAddress && p.shippingAddress.line1);

/** "Ana Lopez · Calle Mayor 1, 28013 Madrid, ES" @param {Profile} p */
export function addressLine(p) {
  const a = p.shippingAddress;
  const c = p.contact;
  if (!a || !c) return '';
  return `${c.name} · ${[a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country].filter(Boolean).join(', ')}`;
}

/** the fields: [key, label, autocomplete, required, maxlength, type] */
const FIELDS = /** @type {const} */ ([
  ['name', 'Full name', 'name', true, 80, 'text'],
  ['email', 'Email', 'email', true, 254, 'email'],
  ['phone', 'Phone (optional)', 'tel', false, 32, 'tel'],
  ['line1', 'Address', 'address-line1', true, 120, 'text'],
  ['line2', 'Apartment, floor (optional)', 'address-line2', false, 120, 'text'],
  ['postalCode', 'Postal code', 'postal-code', true, 16, 'text'],
  ['city', 'City', 'address-level2', true, 80, 'text'],
  ['region', 'Region or state (optional)', 'address-level1', false, 80, 'text'],
  ['country', 'Country code (e.g. DE)', 'country', true, 2, 'text'],
]);

/** @param {Profile} p @param {string} key */
function valueOf(p, key) {
  const c = /** @type {Record<string, string | undefined>} */ (p.contact ?? {});
  const a = /** @type {Record<string, string | undefined>} */ (p.shippingAddress ?? {});
  if (key === 'name') return c.name ?? a.name ?? '';
  return c[key] ?? a[key] ?? '';
}

/**
 * The form, prefilled; `read()` gives the profile typed (or null with the problem shown next to
 * its field), `showError(field, text)` puts a server's refusal next to a field.
 * @param {Profile} p
 */
export function addressForm(p) {
  /** @type {Record<string, HTMLInputElement>} */
  const inputs = {};
  /** @type {Record<string, HTMLElement>} */
  const errors = {};
  const rows = FIELDS.map(([key, label, autocomplete, required, maxlength, type]) => {
    const id = `ship-${key}`;
    const input = el('input', { id, name: key, type, autocomplete, maxlength: String(maxlength), required, value: valueOf(p, key), 'aria-describedby': `${id}-error` });
    if (key === 'phone') input.setAttribute('pattern', '[0-9+\\(\\) .\\-]{3,32}');
    if (key === 'postalCode') input.setAttribute('pattern', '[A-Za-z0-9 \\-]+');
    if (key === 'country') {
      input.setAttribute('pattern', '[A-Za-z]{2}');
      input.setAttribute('autocapitalize', 'characters');
    }
    inputs[key] = input;
    errors[key] = el('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    return el('div', { class: `field field-${key}` }, el('label', { for: id, text: label }), input, errors[key]);
  });
  const node = el('fieldset', { class: 'address' }, el('legend', { text: 'Contact and delivery' }), ...rows);
  /** @param {string} key @param {string} text */
  const showError = (key, text) => {
    const target = errors[key] ?? errors.line1;
    if (target) target.textContent = text;
    inputs[key]?.focus();
  };
  /** @returns {Profile | null} */
  const read = () => {
    for (const e of Object.values(errors)) e.textContent = '';
    /** @type {Record<string, string>} */
    const v = {};
    for (const [key, input] of Object.entries(inputs)) v[key] = input.value.trim();
    v.country = (v.country ?? '').toUpperCase();
    for (const [key, label, , required] of FIELDS) {
      const input = inputs[key];
      if (!input) continue;
      if (required && !v[key]) {
        showError(key, `${label.replace(/ \(.*\)$/, '')} is needed to deliver your order`);
        return null;
      }
      if (v[key] && !input.checkValidity()) {
        showError(key, key === 'email' ? 'That does not look like an email address' : key === 'country' ? 'Two letters, e.g. DE, FR, US' : key === 'phone' ? 'Digits, spaces and + ( ) . - only' : key === 'postalCode' ? 'Letters, digits, spaces and - only' : 'Check this field');
        return null;
      }
    }
    const opt = (/** @type {string} */ key) => (v[key] ? { [key]: v[key] } : {});
    return {
      contact: { name: v.name ?? '', email: v.email ?? '', ...opt('phone') },
      shippingAddress: { name: v.name ?? '', line1: v.line1 ?? '', ...opt('line2'), city: v.city ?? '', ...opt('region'), postalCode: v.postalCode ?? '', country: v.country ?? '' },
    };
  };
  return { node, read, showError };
}

/** remembers the profile for next time (the order stores it as well, so a failure here is not the viewer's problem) @param {Profile} p */
export async function saveProfile(p) {
  profile = p;
  await api('PUT', '/api/me/profile', p).catch(() => undefined);
}
