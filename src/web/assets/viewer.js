// Hawker viewer page. Plain JavaScript ES modules, no framework: the page must load fast on a
// phone. Everything a person typed is put on the page with textContent, never as HTML.
// This entry wires the panels in viewer/ to the live socket. Modules are deferred: this runs
// once the page is parsed, after the classic hls.min.js.
import { $, toast } from './ui.js';
import { addChat, floatReactions, removeChat, renderPinned, resetChat, wireChat } from './viewer/chat.js';
import { orderChanged, payAgain } from './viewer/checkout.js';
import { loadCoupons } from './viewer/coupons.js';
import { whenNamed } from './viewer/identity.js';
import { placeHotspots, renderHotspots } from './viewer/hotspots.js';
import { overlayAt, recordOverlay } from './viewer/on-video.js';
import { countdown, followShape, setStatus, startPlayer, watchFromStart, wireSound } from './viewer/player.js';
import { renderQuestions, resetPoll, updatePoll, wireQuestions } from './viewer/poll.js';
import { applyLineup, applyOverlay, loadProducts, offerOf, openBuySheet, productTitle, saleCount, wireBuySheet } from './viewer/products.js';
import { orderPushed, wireMyOrders } from './viewer/my-orders.js';
import { connect, onServerMessage } from './viewer/socket.js';
import { variantLabel } from './viewer/variant-picker.js';
import { immersive, selectTab, wireTabs } from './viewer/tabs.js';

/** @typedef {import('../wire.js').ServerMessage} ServerMessage */

/** @param {ServerMessage} m */
function handle(m) {
  // this viewer's own order changed (ORDERS pushes it; typed here until the union names it)
  const mine = /** @type {{ type: string, order?: import('../wire.js').ViewerOrder }} */ (m);
  if (mine.type === 'my-order' && mine.order) {
    orderPushed(mine.order);
    orderChanged(mine.order);
    return;
  }
  switch (m.type) {
    case 'welcome':
      setStatus(m.show.status);
      resetChat(m.history);
      renderPinned(m.pinned);
      resetPoll(m.poll);
      renderQuestions(m.questions);
      applyLineup(m.lineup);
      recordOverlay(m.overlay, null);
      followVideo();
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
      recordOverlay(m.overlay, m.programDateTime);
      followVideo();
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

/** @type {import('./viewer/hotspots.js').HotspotActions} */
const hotspotActions = { openProduct: openBuySheet, openPoll: () => selectTab('tab-poll'), titleOf: productTitle };

/** what is on screen (the "on screen" product, the buttons over the video) as the video shows it */
function followVideo() {
  const view = overlayAt();
  if (view === undefined) return;
  // the layout knows the stream's shape before the video has loaded (the video's own size wins)
  if (view && view.layout && !document.body.dataset.shape) {
    document.body.dataset.shape = view.layout.orientation;
    shapeChanged();
  }
  applyOverlay(view);
  renderHotspots(view, hotspotActions);
  placeHotspots();
}

let wasImmersive = false;
/** a portrait stream on a phone starts on the chat over the video; the products are a sheet */
function shapeChanged() {
  const now = immersive();
  if (now && !wasImmersive && $('tab-products').getAttribute('aria-selected') === 'true') selectTab('tab-chat');
  wasImmersive = now;
  placeHotspots();
}

/** "Linen tee (M / Sand)" while this show sells it @param {import('../wire.js').ViewerOrder} o */
function orderTitle(o) {
  const offer = offerOf(o.productId);
  if (!offer) return 'An order from another show';
  const v = offer.variants?.find((x) => x.id === o.variantId);
  return v ? `${offer.title} (${variantLabel(offer, v)})` : offer.title;
}

wireTabs();
wireBuySheet();
wireMyOrders({ payAgain: (o) => payAgain(o, offerOf(o.productId)), titleOf: orderTitle });
followShape(shapeChanged);
wireSound();
addEventListener('resize', shapeChanged);
wireChat();
$('watch-from-start').addEventListener('click', watchFromStart);
wireQuestions();
onServerMessage(handle);
whenNamed(() => connect(true));
setStatus(document.body.dataset.status ?? 'scheduled');
countdown();
setInterval(countdown, 1000);
setInterval(followVideo, 200);
startPlayer();
void loadProducts();
connect();
