// Hawker viewer page. Plain JavaScript ES modules, no framework: the page must load fast on a
// phone. Everything a person typed is put on the page with textContent, never as HTML.
// This entry wires the panels in viewer/ to the live socket. Modules are deferred: this runs
// once the page is parsed, after the classic hls.min.js.
import { $, toast } from './ui.js';
import { addChat, floatReactions, removeChat, renderPinned, resetChat, wireChat } from './viewer/chat.js';
import { orderChanged, payAgain } from './viewer/checkout.js';
import { loadCoupons } from './viewer/coupons.js';
import { addClips, wireDemo } from './viewer/demo.js';
import { whenNamed } from './viewer/identity.js';
import { placeHotspots, renderHotspots } from './viewer/hotspots.js';
import { overlayAt, recordOverlay } from './viewer/on-video.js';
import { countdown, followShape, setStatus, startPlayer, watchFromStart, wireLiveEdge, wireSound } from './viewer/player.js';
import { renderQuestions, resetPoll, updatePoll, wireQuestions } from './viewer/poll.js';
import { applyLineup, applyOverlay, enterReplay, loadProducts, offerOf, openBuySheet, productTitle, productsChanged, saleCount, wireBuySheet } from './viewer/products.js';
import { chapterNow, followChapters, loadChapters, wireReplay } from './viewer/replay.js';
import { orderPushed, wireMyOrders } from './viewer/my-orders.js';
import { connect, onServerMessage } from './viewer/socket.js';
import { initShare, refreshShare } from './viewer/share.js';
import { variantLabel } from './viewer/variant-picker.js';
import { immersive, selectTab, wireTabs } from './viewer/tabs.js';
import { suggestionPushed, wirePreshow } from './viewer/preshow.js';
import { wireReminders } from './viewer/reminders-ui.js';
import { wireMini } from './viewer/mini.js';

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
      addClips(m.clips);
      statusChanged(m.show.status);
      resetChat(m.history);
      renderPinned(m.pinned);
      resetPoll(m.poll);
      renderQuestions(m.questions);
      applyLineup(m.lineup);
      recordOverlay(m.overlay, null);
      followVideo();
      $('viewers').textContent = `👀 ${m.presence.viewers}`;
      break;
    case 'clip':
      addClips([m.clip]);
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
      statusChanged(m.status);
      if (m.status === 'live') startPlayer();
      break;
    case 'suggestion':
      suggestionPushed(m);
      break;
    case 'coupon.unlocked':
      toast(`Coupon unlocked: ${m.coupon.code}`);
      void loadCoupons();
      void refreshShare();
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

/** @param {string} status the show's, from the page, the welcome or a change */
function statusChanged(status) {
  setStatus(status);
  if (status !== 'ended') return;
  enterReplay();
  void loadChapters();
}

/**
 * What the replay shows at its position: the product of the chapter playing (the card burned
 * into the video then), not the live show's last state. The flash sales, the QR and the poll are
 * over: their buttons go.
 * @returns {import('../wire.js').OverlayView | null | undefined}
 */
function replayView() {
  const last = overlayAt(null);
  if (!last) return last;
  const chapter = chapterNow();
  const offer = chapter ? offerOf(chapter.productId) : undefined;
  const pinned = chapter ? { id: chapter.productId, title: offer?.title ?? chapter.title, price: offer?.price ?? 0, currency: offer?.currency ?? '' } : null;
  return { ...last, state: { ...last.state, pinnedProductId: pinned && pinned.id, flashSaleId: null, qr: false, poll: null, announcement: null }, pinnedProduct: pinned, flashSale: null };
}

/** what is on screen (the "on screen" product, the buttons over the video) as the video shows it */
function followVideo() {
  const replaying = document.body.dataset.status === 'ended';
  if (replaying) followChapters();
  const view = replaying ? replayView() : overlayAt();
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
wireMini({ offerOf, openBuySheet });
wireDemo({ offerOf, openBuySheet }, productsChanged);
wireReplay(productTitle);
wireMyOrders({ payAgain: (o) => payAgain(o, offerOf(o.productId)), titleOf: orderTitle });
followShape(shapeChanged);
wireSound();
wireLiveEdge();
addEventListener('resize', shapeChanged);
wireChat();
$('watch-from-start').addEventListener('click', watchFromStart);
wireQuestions();
wirePreshow();
wireReminders();
initShare();
onServerMessage(handle);
whenNamed(() => connect(true));
statusChanged(document.body.dataset.status ?? 'scheduled');
countdown();
setInterval(countdown, 1000);
setInterval(followVideo, 200);
startPlayer();
void loadProducts();
connect();
