// Tap targets over the overlays burned into the video: the product card, the flash sale and
// the QR open that product's buy sheet, the poll opens the poll. They are real buttons (a
// keyboard reaches them, a screen reader names them), invisible until focused, placed from the
// layout's fractions over the part of the video element the picture fills (object-fit leaves
// bars). What they show is the overlay state in force at the playing frame (on-video.js).
import { $, el, put } from '../ui.js';

/** @typedef {import('../../wire.js').OverlayView} OverlayView */
/** @typedef {import('../../wire.js').ScreenBox} ScreenBox */
/** @typedef {{ slot: 'product' | 'flash' | 'qr' | 'poll', box: ScreenBox, label: string, act: () => void }} Hotspot */
/** @typedef {{ openProduct(id: string): void, openPoll(): void, titleOf(id: string): string | undefined }} HotspotActions */

const video = /** @type {HTMLVideoElement} */ ($('player'));

/** @type {Hotspot[]} */
let shown = [];
/** what was drawn last, so an unchanged state does not rebuild the buttons (and lose focus) */
let drawnKey = '';

/**
 * The slots of a state that are drawn on the video and can be acted on.
 * @param {OverlayView | null | undefined} view @param {HotspotActions} actions
 * @returns {Hotspot[]}
 */
export function hotspotsOf(view, actions) {
  if (!view || !view.layout || view.state.hidden) return [];
  const { slots } = view.layout;
  /** @type {Hotspot[]} */
  const out = [];
  const pinned = view.pinnedProduct;
  const sale = view.flashSale;
  /** @param {string} id @param {string} [fallback] */
  const name = (id, fallback) => actions.titleOf(id) ?? fallback ?? 'this product';
  if (pinned) out.push({ slot: 'product', box: slots.product, label: `Buy ${name(pinned.id, pinned.title)} (shown on the video)`, act: () => actions.openProduct(pinned.id) });
  if (sale) out.push({ slot: 'flash', box: slots.flash, label: `Flash sale: buy ${name(sale.productId)} (shown on the video)`, act: () => actions.openProduct(sale.productId) });
  // the QR links to the pinned product, else the one on sale (src/live/show-overlays.ts scene)
  const qrProduct = pinned ? pinned.id : sale ? sale.productId : null;
  if (view.state.qr && qrProduct) out.push({ slot: 'qr', box: slots.qr, label: `Buy ${name(qrProduct)} (the QR code on the video)`, act: () => actions.openProduct(qrProduct) });
  if (view.state.poll) out.push({ slot: 'poll', box: slots.poll, label: 'Vote in the poll (shown on the video)', act: () => actions.openPoll() });
  return out;
}

/** @param {OverlayView | null | undefined} view @param {HotspotActions} actions */
export function renderHotspots(view, actions) {
  const next = hotspotsOf(view, actions);
  const key = JSON.stringify(next.map((h) => [h.slot, h.box, h.label]));
  if (key === drawnKey) return;
  drawnKey = key;
  shown = next;
  put($('hotspots'), ...next.map((h) => el('button', { type: 'button', class: 'hotspot', 'data-slot': h.slot, 'aria-label': h.label, onclick: h.act })));
  placeHotspots();
}

/**
 * The rectangle the picture fills inside the video element, in the element's pixels:
 * object-fit contain leaves bars, cover crops.
 * @returns {{ x: number, y: number, width: number, height: number } | null}
 */
export function pictureBox() {
  const w = video.clientWidth, h = video.clientHeight;
  const vw = video.videoWidth, vh = video.videoHeight;
  if (!w || !h || !vw || !vh) return null;
  const style = getComputedStyle(video);
  const fit = style.objectFit;
  const scale = fit === 'fill' ? null : fit === 'cover' ? Math.max(w / vw, h / vh) : Math.min(w / vw, h / vh);
  if (scale === null) return { x: 0, y: 0, width: w, height: h };
  const width = vw * scale, height = vh * scale;
  // object-position: where the bars go (the full-screen phone layout puts the picture at the top)
  const [px = '50%', py = '50%'] = style.objectPosition.split(' ');
  /** @param {string} p @param {number} free */
  const offset = (p, free) => (p.endsWith('%') ? (Number.parseFloat(p) / 100) * free : Number.parseFloat(p) || 0);
  return { x: offset(px, w - width), y: offset(py, h - height), width, height };
}

/** Puts each button over its slot; again whenever the video's box or picture size changes. */
export function placeHotspots() {
  const layer = $('hotspots');
  const pic = pictureBox();
  layer.hidden = !pic || shown.length === 0;
  if (!pic) return;
  // the layer covers the stage; the video may sit inside it with a margin (a 9:16 column)
  const stage = layer.getBoundingClientRect();
  const box = video.getBoundingClientRect();
  const left = box.left - stage.left + video.clientLeft + pic.x;
  const top = box.top - stage.top + video.clientTop + pic.y;
  const buttons = /** @type {HTMLElement[]} */ ([...layer.children]);
  shown.forEach((h, i) => {
    const b = buttons[i];
    if (!b) return;
    b.style.left = `${left + h.box.x * pic.width}px`;
    b.style.top = `${top + h.box.y * pic.height}px`;
    b.style.width = `${h.box.width * pic.width}px`;
    b.style.height = `${h.box.height * pic.height}px`;
  });
}
