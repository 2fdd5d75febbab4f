// Hawker control panel. Plain JavaScript ES modules, no framework; the panels live in admin/.
// One click per action while the host talks; every action is confirmed on screen. Text from
// viewers is drawn with textContent. This entry signs in and routes between the views.
import { $, el, put } from './ui.js';
import { api, session } from './admin/api.js';
import { cockpitView } from './admin/cockpit.js';
import { couponsView } from './admin/coupons.js';
import { loginView } from './admin/login.js';
import { ordersView } from './admin/orders.js';
import { productsView } from './admin/products.js';
import { reportView } from './admin/report.js';
import { publicUrlWarning } from './admin/public-url.js';
import { showsView } from './admin/shows.js';
import { storageView } from './admin/storage.js';

const main = $('main');
/** leaves the view that is open (the cockpit's or the orders' sockets, timers, player), if one is */
let leaveView = () => {};

async function route() {
  leaveView();
  leaveView = () => {};
  if (!session.csrf) {
    try {
      session.csrf = (await api('GET', '/admin/session')).csrfToken;
    } catch {
      return loginView(main, route);
    }
  }
  $('nav').hidden = false;
  $('logout').hidden = false;
  if (!$('public-url-warning')) {
    const warning = publicUrlWarning(document.body.dataset.publicUrl ?? '', document.body.dataset.ingestUrl ?? '');
    if (warning) main.before(warning);
  }
  const hash = location.hash || '#/';
  try {
    const show = /^#\/shows\/([A-Za-z0-9_-]+)$/.exec(hash);
    const report = /^#\/shows\/([A-Za-z0-9_-]+)\/report(?:\?.*)?$/.exec(hash);
    if (report?.[1]) await reportView(main, report[1]);
    else if (show?.[1]) leaveView = await cockpitView(main, show[1]);
    else if (hash === '#/orders' || hash.startsWith('#/orders?')) leaveView = await ordersView(main);
    else if (hash === '#/products') await productsView(main, route);
    else if (hash === '#/coupons') await couponsView(main, route);
    else if (hash === '#/storage') await storageView(main, route);
    else await showsView(main);
  } catch (err) {
    const { status, message } = /** @type {import('./admin/api.js').ApiError} */ (err);
    if (status !== 401) put(main, el('p', { class: 'field-error', role: 'alert', text: message }));
  }
  main.focus();
}

async function logOut() {
  await api('POST', '/admin/logout', {}).catch(() => {});
  session.csrf = null;
  location.hash = '#/';
  void route();
}

session.onSignedOut(() => void route());
$('logout').addEventListener('click', logOut);
window.addEventListener('hashchange', route);
void route();
