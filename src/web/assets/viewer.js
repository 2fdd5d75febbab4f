// Hawker viewer page. Plain JavaScript ES modules, no framework: the page must load fast on a
// phone. Everything a person typed is put on the page with textContent, never as HTML.
// This entry wires the panels in viewer/ to the live socket. Modules are deferred: this runs
// once the page is parsed, after the classic hls.min.js.
import { $, toast } from './ui.js';
import { addChat, floatReactions, removeChat, renderPinned, resetChat, wireChat } from './viewer/chat.js';
import { loadCoupons } from './viewer/coupons.js';
import { whenNamed } from './viewer/identity.js';
import { countdown, setStatus, startPlayer, watchFromStart } from './viewer/player.js';
import { renderQuestions, resetPoll, updatePoll, wireQuestions } from './viewer/poll.js';
import { applyLineup, applyOverlay, drainOverlay, loadProducts, queueOverlay, saleCount } from './viewer/products.js';
import { connect, onServerMessage } from './viewer/socket.js';
import { wireTabs } from './viewer/tabs.js';

/** @typedef {import('../wire.js').ServerMessage} ServerMessage */

/** @param {ServerMessage} m */
function handle(m) {
  switch (m.type) {
    case 'welcome':
      setStatus(m.show.status);
      resetChat(m.history);
      renderPinned(m.pinned);
      resetPoll(m.poll);
      renderQuestions(m.questions);
      applyOverlay(m.overlay);
      applyLineup(m.lineup);
      $('viewers').textContent = `👀 ${m.presence.viewers}`;
      break;
    case 'chat':
      addChat(m);
      break;
    case 'chat.deleted':
      removeChat(m.id);
      break;
    case 'chat.pinned':
      renderPinned(m.message);
      break;
    case 'overlay':
      queueOverlay(m.overlay, m.programDateTime);
      break;
    case 'flash_sale':
      saleCount(m.sale);
      break;
    case 'lineup':
      applyLineup(m);
      break;
    case 'poll':
      updatePoll(m.poll);
      break;
    case 'reactions':
      floatReactions(m.counts);
      break;
    case 'presence':
      $('viewers').textContent = `👀 ${m.viewers}`;
      break;
    case 'questions':
      renderQuestions(m.items);
      break;
    case 'show':
      setStatus(m.status);
      if (m.status === 'live') startPlayer();
      break;
    case 'coupon.unlocked':
      toast(`Coupon unlocked: ${m.coupon.code}`);
      void loadCoupons();
      break;
    case 'notice':
      toast(m.message, true);
      break;
    case 'error':
      if (m.ref && m.ref.startsWith('vote:') && m.code === 'ALREADY_VOTED') break;
      toast(m.message, true);
      break;
  }
}

wireTabs();
wireChat();
$('watch-from-start').addEventListener('click', watchFromStart);
wireQuestions();
onServerMessage(handle);
whenNamed(() => connect(true));
setStatus(document.body.dataset.status ?? 'scheduled');
countdown();
setInterval(countdown, 1000);
setInterval(drainOverlay, 200);
startPlayer();
void loadProducts();
connect();
