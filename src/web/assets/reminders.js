// Show reminders, shared by the viewer's pre-live box and the channel page: the show's time in
// the viewer's own zone, its calendar file, and "Remind me" by Web Push. One push subscription
// per browser (the service worker /sw.js owns it) serves every show; the server keeps, per show,
// which subscriptions asked. This browser remembers which shows it asked for (localStorage) so
// a page can say "We'll remind you" without asking the server.

const STORE_PREFIX = 'hawker.reminder.';

/**
 * The show's time in the viewer's zone and language, e.g. "Tue 1 Dec, 19:00 CET".
 * @param {string} iso an ISO 8601 time (the API's scheduledAt)
 * @returns {string} '' for a time that does not parse
 */
export function localTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/**
 * The show's calendar file (.ics), same origin.
 * @param {string} showId
 */
export function calendarUrl(showId) {
  return `/api/shows/${encodeURIComponent(showId)}/calendar.ics`;
}

/**
 * Web Push needs a service worker, the Push API and notifications (iPhone Safari: only once
 * added to the home screen), in a page of its own: browsers refuse notifications to a frame of
 * another site (an embed on a shop page).
 */
function supported() {
  if (typeof navigator === 'undefined' || typeof window === 'undefined') return false;
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.self === window.top;
}

/** @param {string} base64url @returns {ArrayBuffer} */
function fromBase64Url(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes.buffer;
}

/** @param {string} showId */
const storeKey = (showId) => STORE_PREFIX + showId;

/** @param {string} showId @returns {string | null} the endpoint this browser subscribed for that show */
function remembered(showId) {
  try {
    return localStorage.getItem(storeKey(showId));
  } catch {
    // storage off (private mode on some browsers): the page only forgets the state
    return null;
  }
}

/** @param {string} showId @param {string | null} endpoint */
function remember(showId, endpoint) {
  try {
    if (endpoint) localStorage.setItem(storeKey(showId), endpoint);
    else localStorage.removeItem(storeKey(showId));
  } catch {
    // see remembered()
  }
}

/** The worker at the root scope (a notification's tap opens any page of this server). */
async function pushManager() {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager;
}

/** @returns {Promise<PushSubscription>} this browser's subscription, made once */
async function subscription() {
  const manager = await pushManager();
  const existing = await manager.getSubscription();
  if (existing) return existing;
  const res = await fetch('/api/push/key');
  if (!res.ok) throw new Error(`push key: ${res.status}`);
  const { publicKey } = /** @type {{ publicKey: string }} */ (await res.json());
  return manager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) });
}

/**
 * Asks for a reminder of the show: at go-live, and `minutesBefore` minutes before its time when
 * given (null: only at go-live; left out: the server's default). Asks the notification
 * permission first (call it from a tap: browsers ask only on a user gesture).
 * @param {string} showId
 * @param {number | null} [minutesBefore]
 * @returns {Promise<'on' | 'denied' | 'unsupported' | 'failed'>}
 */
export async function remindMe(showId, minutesBefore) {
  if (!supported()) return 'unsupported';
  try {
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') return 'denied';
    const sub = await subscription();
    const { endpoint, keys } = /** @type {{ endpoint: string, keys: { p256dh: string, auth: string } }} */ (sub.toJSON());
    /** @type {{ subscription: { endpoint: string, keys: { p256dh: string, auth: string } }, minutesBefore?: number | null }} */
    const body = { subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } };
    if (minutesBefore !== undefined) body.minutesBefore = minutesBefore;
    const res = await fetch(`/api/shows/${encodeURIComponent(showId)}/reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) return 'failed';
    remember(showId, endpoint);
    return 'on';
  } catch {
    // a push service that refused, a worker that did not install, the network: nothing stored
    return 'failed';
  }
}

/**
 * Cancels the show's reminder (the browser's subscription stays: other shows may use it).
 * @param {string} showId
 * @returns {Promise<'off' | 'failed'>}
 */
export async function forgetReminder(showId) {
  const endpoint = remembered(showId);
  if (!endpoint) return 'off';
  try {
    const res = await fetch(`/api/shows/${encodeURIComponent(showId)}/reminders`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint }),
    });
    if (!res.ok && res.status !== 404) return 'failed';
    remember(showId, null);
    return 'off';
  } catch {
    return 'failed';
  }
}

/**
 * Whether this browser asked for the show's reminder and its subscription still stands.
 * @param {string} showId
 * @returns {Promise<'on' | 'off' | 'unsupported'>}
 */
export async function reminderState(showId) {
  if (!supported()) return 'unsupported';
  const endpoint = remembered(showId);
  if (!endpoint || Notification.permission !== 'granted') return 'off';
  try {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const sub = registration ? await registration.pushManager.getSubscription() : null;
    // the browser dropped or renewed its subscription: the server's copy no longer reaches it
    return sub && sub.endpoint === endpoint ? 'on' : 'off';
  } catch {
    return 'off';
  }
}
