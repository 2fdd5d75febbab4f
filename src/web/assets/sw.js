// The service worker of show reminders, served at /sw.js (root scope, never cached for long): a
// push from this server (JSON: title, body, url, showId, kind) becomes a notification; a tap
// on it focuses a tab already on that show's page, or opens one. It fetches nothing.

/**
 * The parts of the worker's scope used here (the page modules are checked against the DOM, not
 * the worker's own library).
 * @typedef {{ data: { json(): unknown } | null, waitUntil(p: Promise<unknown>): void }} PushEventLike
 * @typedef {{ notification: Notification, waitUntil(p: Promise<unknown>): void }} ClickEventLike
 * @typedef {{ waitUntil(p: Promise<unknown>): void }} LifecycleEventLike
 * @typedef {{ url: string, focus(): Promise<unknown> }} WindowClientLike
 * @typedef {{
 *   registration: ServiceWorkerRegistration,
 *   clients: { matchAll(o: { type: 'window', includeUncontrolled: boolean }): Promise<WindowClientLike[]>, openWindow(url: string): Promise<unknown>, claim(): Promise<void> },
 *   skipWaiting(): Promise<void>,
 *   addEventListener: ((type: 'push', fn: (e: PushEventLike) => void) => void)
 *     & ((type: 'notificationclick', fn: (e: ClickEventLike) => void) => void)
 *     & ((type: 'install' | 'activate', fn: (e: LifecycleEventLike) => void) => void),
 * }} WorkerScope
 */
const worker = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null;

/** @param {PushEventLike['data']} data */
function readPush(data) {
  /** @type {unknown} */
  let parsed = null;
  try {
    parsed = data ? data.json() : null;
  } catch {
    // not JSON: a plain notice below
  }
  const m = isObject(parsed) ? parsed : {};
  const text = (/** @type {unknown} */ v, /** @type {string} */ fallback) => (typeof v === 'string' && v ? v.slice(0, 200) : fallback);
  return {
    title: text(m.title, 'Live show'),
    body: text(m.body, ''),
    url: text(m.url, '/'),
    tag: `show-${text(m.showId, 'any')}`,
  };
}

worker.addEventListener('install', (e) => e.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (e) => e.waitUntil(worker.clients.claim()));

worker.addEventListener('push', (e) => {
  const { title, body, url, tag } = readPush(e.data);
  // one notification per show: "live now" replaces "starts soon"
  e.waitUntil(worker.registration.showNotification(title, { body, tag, data: { url } }));
});

worker.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const data = /** @type {unknown} */ (e.notification.data);
  const url = isObject(data) && typeof data.url === 'string' ? data.url : '/';
  e.waitUntil(
    (async () => {
      const target = new URL(url, self.location.href);
      // the show's page, whatever its query (?ref=, ?product=)
      const page = (/** @type {URL} */ u) => u.origin + u.pathname;
      const open = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = open.find((c) => page(new URL(c.url)) === page(target));
      if (tab) await tab.focus();
      else await worker.clients.openWindow(target.href);
    })(),
  );
});
