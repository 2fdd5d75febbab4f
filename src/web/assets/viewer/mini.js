// The mini player (/watch/:id?embed=mini&product=id): the page inside the floating frame the
// shop script (/embed/live.js) opens next to a product of the merchant's own shop. Just the
// video (muted autoplay; a tap gives sound), that product's name and price with Buy, which opens
// the usual buy sheet, and a link to the full show. While a sheet or dialog is open the page asks
// the shop's script for room ({ 'hawker:mini': 'large' }) and gives it back after ('small'); the
// script trusts only messages from Hawker's origin and from its own frame.
import { $, el } from '../ui.js';
import { money } from '../money.js';

/** @typedef {import('../../wire.js').CheckoutOffer} Offer */

/**
 * @param {{ offerOf: (id: string) => Offer | undefined, openBuySheet: (id: string) => void }} products
 */
export function wireMini({ offerOf, openBuySheet }) {
  if (!document.body.classList.contains('mini')) return;
  const productId = new URLSearchParams(location.search).get('product') ?? '';
  const showId = document.body.dataset.showId ?? '';
  const video = /** @type {HTMLVideoElement} */ ($('player'));
  // the frame is small: a tap on the picture gives sound instead of the native controls
  video.controls = false;
  const sound = el('button', { type: 'button', class: 'mini-sound', onclick: unmute }, '🔇 Tap for sound');
  video.addEventListener('click', unmute);
  video.addEventListener('volumechange', () => (sound.hidden = !video.muted));
  function unmute() {
    video.muted = false;
    video.play().catch(() => {});
  }

  const title = el('div', { class: 'mini-title' });
  const price = el('div', { class: 'mini-price' });
  const buy = el('button', { type: 'button', 'data-mini-buy': '', onclick: () => openBuySheet(productId) }, 'Buy');
  const full = el('a', { href: `/watch/${encodeURIComponent(showId)}`, target: '_blank', rel: 'noopener', class: 'mini-full' }, 'Open the full show');
  const bar = el('section', { class: 'mini-bar', 'aria-label': 'The product' }, el('div', { class: 'mini-info' }, title, price), buy);
  $('player').after(sound);
  // the show head (where the page keeps LIVE / Jump to live) is not drawn in the frame: the
  // live-edge box goes over the video's top corner instead
  $('player').after($('live-edge'));
  document.querySelector('.stage')?.after(bar);
  bar.after(full);

  const draw = () => {
    const offer = offerOf(productId);
    buy.hidden = !offer;
    if (!offer) {
      title.textContent = document.title.replace(/ · Live shopping$/, '');
      price.textContent = '';
      return;
    }
    title.textContent = offer.title;
    price.textContent = offer.stockLeft > 0 ? money(offer.priceNow, offer.currency) : `${money(offer.priceNow, offer.currency)} · sold out`;
  };
  // the list redraws on every lineup push (price, stock): the bar follows it
  new MutationObserver(draw).observe($('products'), { childList: true });
  draw();

  // room for the checkout while it is open
  const dialogs = /** @type {HTMLDialogElement[]} */ ([...document.querySelectorAll('dialog')]);
  let large = false;
  const tell = () => {
    const open = dialogs.some((d) => d.open);
    if (open === large || window.parent === window) return;
    large = open;
    // the shop's script checks that this came from Hawker's origin and its own frame; the message says nothing secret
    window.parent.postMessage({ 'hawker:mini': open ? 'large' : 'small' }, '*');
  };
  const watch = new MutationObserver(tell);
  for (const d of dialogs) watch.observe(d, { attributes: true, attributeFilter: ['open'] });
}
