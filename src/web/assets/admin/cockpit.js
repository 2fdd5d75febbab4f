// The cockpit of one show: loads it, lays out the panels, and feeds the store from the live
// socket. What the socket pushes is not fetched again: chat, questions, poll, presence, the
// show's status, what is on the video (and so the pinned spans), flash-sale counts, the lineup's
// prices and stock. Orders and revenue are fetched when an order is pushed and on a timer (see stats.js); the lineup again
// after a reconnect or when those say stock moved (a fallback to the pushed state).
import { el, put } from '../ui.js';
import { api } from './api.js';
import { chatCard } from './chat.js';
import { latestOrdersCard, pushedOrder } from './cockpit-orders.js';
import { cockpitContext } from './context.js';
import { lineupCard, lineupRefresher } from './lineup.js';
import { overlayControls } from './overlays.js';
import { pollCard } from './polls.js';
import { preshowCard } from './preshow.js';
import { previewPlayer } from './preview.js';
import { questionsList } from './questions.js';
import { setupCard } from './setup.js';
import { showControls } from './show-controls.js';
import { openLiveSocket } from './socket.js';
import { statsCard, statsRefresher } from './stats.js';
import { createStore, pinned, pinSpansOf, unpinned } from './store.js';

/** @typedef {import('../../wire.js').ServerMessage} ServerMessage */

/** @param {string} title @param {...(Node | Node[])} kids */
const card = (title, ...kids) => el('section', { class: 'card', 'aria-label': title }, el('h2', { text: title }), ...kids.flat());
/** @param {...Node} kids */
const column = (...kids) => el('div', { style: 'display:grid;gap:1rem' }, ...kids);

/**
 * Draw the cockpit of one show into main; the returned function leaves it (socket, timers, player).
 * @param {HTMLElement} main
 * @param {string} showId
 * @returns {Promise<() => void>}
 */
export async function cockpitView(main, showId) {
  const [show, products, lineup, overlay, testPattern] = await Promise.all([
    api('GET', `/api/shows/${showId}`),
    api('GET', '/api/products'),
    api('GET', `/api/shows/${showId}/lineup`),
    api('GET', `/api/shows/${showId}/overlay`),
    api('GET', `/api/shows/${showId}/test-pattern`),
  ]);
  const store = createStore({ show, status: show.status, products, lineup, overlay, poll: null, questions: [], presence: { viewers: 0, peak: 0 }, slowModeSeconds: 0, stats: null, pins: [] });
  let current = true;
  const doneLine = el('p', { class: 'confirm', id: 'confirm', role: 'status' });
  const c = cockpitContext(showId, store, doneLine, () => current);

  const status = el('span', { class: 'status', id: 'show-status', 'data-status': show.status, text: show.status });
  store.on(['status'], (s) => {
    status.dataset.status = s.status;
    status.textContent = s.status;
  });
  const setup = setupCard(c);
  setup.setPattern(testPattern.running);
  const preview = previewPlayer(c);
  const controls = showControls(c);
  const chat = chatCard(c);
  const latest = latestOrdersCard(c);
  const preshow = preshowCard(c);
  put(main,
    el('div', { class: 'row', style: 'justify-content:space-between;flex-wrap:wrap;margin-bottom:.6rem' },
      el('div', {}, el('h1', { text: show.title }), el('span', { class: 'muted', text: show.host ? `with ${show.host} · ` : '' }), status, ' ', el('a', { href: `/watch/${showId}`, target: '_blank', rel: 'noopener', text: 'Open viewer page' }), ' ', controls.node),
      doneLine),
    el('div', { class: 'cockpit' },
      column(card('Preview', preview.node), card('Live numbers', statsCard(c)), card('Latest orders', latest.node), setup.node),
      column(card('Lineup', lineupCard(c)), card('On the video', overlayControls(c)), card('Poll', pollCard(c))),
      column(card('Chat', chat.nodes), card('Questions and demo requests', questionsList(c)), card('Before the show', preshow.node))));

  const stats = statsRefresher(c);
  stats.refresh();
  const stock = lineupRefresher(c);
  // units sold (pending and paid orders) moved: an order or a cancellation changed stock
  let unitsSold = -1;
  store.on(['stats'], ({ stats: now }) => {
    if (!now || now.units === unitsSold) return;
    if (unitsSold >= 0) stock.refresh();
    unitsSold = now.units;
  });
  /** the pinned spans so far: on each (re)connect, as the socket may have missed changes */
  async function loadPins() {
    const timeline = await api('GET', `/api/shows/${showId}/timeline?limit=5000`);
    if (current) store.set({ pins: pinSpansOf(timeline.events) });
  }

  /** @param {ServerMessage} m */
  function onMessage(m) {
    const state = store.get();
    // an order placed, paid, shipped, refunded, cancelled or expired: the numbers follow it
    const order = pushedOrder(m);
    if (order) {
      latest.push(order);
      stats.refresh();
      return;
    }
    switch (m.type) {
      case 'welcome':
        chat.reset(m.history);
        store.set({ status: m.show.status, overlay: m.overlay, questions: m.questions, poll: m.poll, slowModeSeconds: m.settings.slowModeSeconds, presence: m.presence });
        loadPins().catch(() => {});
        latest.reload().catch(() => {});
        void preshow.reload();
        stats.refresh();
        stock.refresh();
        break;
      case 'chat':
        chat.add(m);
        preshow.chatted();
        break;
      case 'suggestion':
        preshow.pushed(m);
        break;
      case 'chat.deleted':
        chat.remove(m.id);
        break;
      case 'chat.settings':
        store.set({ slowModeSeconds: m.slowModeSeconds });
        break;
      case 'questions':
        store.set({ questions: m.items });
        break;
      case 'poll':
        store.set({ poll: m.poll });
        break;
      case 'presence':
        store.set({ presence: { viewers: m.viewers, peak: m.peak } });
        break;
      case 'flash_sale':
        // a sale's count drops when someone orders: the order numbers are worth fetching now
        if (state.overlay?.flashSale?.id === m.sale.id) store.set({ overlay: { ...state.overlay, flashSale: { ...state.overlay.flashSale, remaining: m.sale.remaining } } });
        stats.refresh();
        stock.refresh();
        break;
      case 'lineup':
        // pushed on every order, cancellation, edit and sale change: the stock as it is now
        store.set({ lineup: m.items });
        break;
      case 'overlay': {
        const at = Date.parse(m.at);
        const change = m.change.change;
        store.set({
          overlay: m.overlay,
          ...(change === 'pin' ? { pins: pinned(state.pins, String(m.change.productId), at) } : change === 'unpin' ? { pins: unpinned(state.pins, at) } : {}),
        });
        break;
      }
      case 'show':
        store.set({ status: m.status, ...(m.status === 'ended' ? { pins: unpinned(state.pins, Date.now()) } : {}) });
        break;
      case 'phase':
        // the host's socket only: rehearsal, Go live, the host away, ended
        controls.drawPhase(m.phase);
        break;
      case 'source':
        preview.setSource(m);
        break;
      default:
        // chat.pinned, reactions, notice, coupon.unlocked, error: nothing the cockpit draws
        break;
    }
  }
  // nothing is awaited from here on: the caller gets leave() for everything that was started
  const socket = openLiveSocket(showId, onMessage);
  return function leave() {
    current = false;
    socket.close();
    stats.stop();
    stock.stop();
    preview.destroy();
    preshow.stop();
  };
}
