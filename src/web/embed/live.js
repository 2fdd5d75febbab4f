// Hawker's shop script: <script src="https://HAWKER/embed/live.js" data-sku="SKU" async></script>
// A classic script on someone else's page, so it keeps to itself: one IIFE, nothing on window,
// every element it draws in a closed shadow root styled through adoptedStyleSheets (no <style>,
// no style attribute, no eval), and any failure ends quietly rather than break the shop.
// It asks GET /api/live-now about the page's SKUs (the tag's data-sku: a product page; every
// [data-hawker-sku]: a listing), marks the live ones with a LIVE badge, and loads nothing else
// until a badge is tapped: then a floating, draggable mini player (an iframe of the show's mini
// page) that stays where it is while the page scrolls.
(() => {
  'use strict';
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script || !script.src || !('adoptedStyleSheets' in Document.prototype)) return;
  /** where Hawker is: live-now is asked here */
  const origin = new URL(script.src).origin;
  /** a show going live shows its badges within about this (answers are cached 5 s) */
  const POLL_MS = 5_000;
  const MAX_POLL_MS = 120_000;
  /** a CDN may refuse longer URLs (CloudFront: 8,192 bytes): a huge listing asks in parts */
  const MAX_URL = 7_500;
  /** the most SKUs one call may name (embed.maxSkus' default) */
  const MAX_SKUS = 1_000;
  /** what Hawker accepts as a SKU: others (a shop's "TS/RED M") are never asked, so one of them cannot fail the page's call */
  const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

  /** @typedef {{ showId: string, title: string, productId: string, onScreen: boolean, watchUrl: string, playerUrl: string }} LiveItem */

  /** @param {string} css */
  const sheetOf = (css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    return sheet;
  };
  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag @param {string} [cls] @param {string} [text]
   */
  const make = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  };

  const badgeSheet = sheetOf(`
:host{all:initial;display:inline-block;vertical-align:middle;margin:0 .4em}
button{all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:.35em;padding:.2em .6em .2em .45em;border-radius:999px;background:#e0245e;color:#fff;font:700 12px/1.4 system-ui,sans-serif;letter-spacing:.06em;box-shadow:0 0 0 0 rgba(224,36,94,.5);animation:ring 2s infinite}
button:focus-visible{outline:2px solid #111;outline-offset:2px}
.dot{width:.55em;height:.55em;border-radius:50%;background:#fff;animation:blink 1.2s infinite}
.now{font-weight:600;letter-spacing:0;opacity:.95}
.on{background:#ff0040;font-size:13px;padding:.3em .75em .3em .55em;animation:ring .9s infinite}
.on .dot{animation-duration:.6s}
@keyframes blink{50%{opacity:.25}}
@keyframes ring{70%{box-shadow:0 0 0 .55em rgba(224,36,94,0)}100%{box-shadow:0 0 0 0 rgba(224,36,94,0)}}
@media (prefers-reduced-motion:reduce){button,.dot{animation:none}}`);

  const playerSheet = sheetOf(`
:host{all:initial;position:fixed;z-index:2147483646;width:min(40vw,340px);min-width:160px;display:flex;flex-direction:column;border-radius:12px;overflow:hidden;background:#000;box-shadow:0 8px 28px rgba(0,0,0,.45);font:600 12px/1 system-ui,sans-serif;touch-action:none}
.bar{display:flex;align-items:center;gap:6px;height:28px;padding:0 4px 0 10px;color:#fff;background:#111;cursor:grab;user-select:none}
.bar.drag{cursor:grabbing}
.title{flex:1;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.close{all:unset;cursor:pointer;width:24px;height:24px;text-align:center;line-height:24px;font-size:16px;border-radius:6px;color:#fff}
.close:focus-visible{outline:2px solid #fff}
iframe{display:block;border:0;width:100%;aspect-ratio:9/16;background:#000}
.drag~iframe{pointer-events:none}`);
  /** where the player is: a rule of its own, moved through CSSOM (no style attribute) */
  const placeSheet = sheetOf(':host{}');
  const place = /** @type {CSSStyleRule} */ (placeSheet.cssRules[0]);
  /** the checkout is open in the player: it takes most of the screen */
  const largeSheet = sheetOf(':host{left:8px!important;top:8px!important;width:min(calc(100vw - 16px),480px)}iframe{aspect-ratio:auto;height:calc(100vh - 52px);max-height:900px}');

  /** SKU -> the badge drawn for it (a listing may show one SKU more than once) */
  /** @type {Map<string, Array<{ host: HTMLElement, button: HTMLButtonElement, now: HTMLElement }>>} */
  const badges = new Map();
  /** what each badge opens (the latest answer's) */
  /** @type {WeakMap<HTMLButtonElement, LiveItem>} */
  const itemOf = new WeakMap();

  /** the page's SKUs and where each one's badge goes */
  function targets() {
    /** @type {Array<{ sku: string, anchor: Element, inside: boolean }>} */
    const found = [];
    const own = (script?.dataset.sku ?? '').trim();
    if (SKU.test(own)) found.push({ sku: own, anchor: /** @type {Element} */ (script), inside: false });
    for (const node of document.querySelectorAll('[data-hawker-sku]')) {
      const sku = (node.getAttribute('data-hawker-sku') ?? '').trim();
      if (SKU.test(sku)) found.push({ sku, anchor: node, inside: true });
    }
    return found;
  }

  /** @param {string[]} skus sorted and unique, so the same page asks the same URL (a CDN's hit) */
  async function ask(skus) {
    /** @type {string[]} */
    const urls = [];
    let url = '';
    let count = 0;
    for (const sku of skus) {
      const part = encodeURIComponent(sku);
      if (url && (url.length + part.length + 1 > MAX_URL || count === MAX_SKUS)) {
        urls.push(url);
        url = '';
        count = 0;
      }
      url = url ? `${url},${part}` : `${origin}/api/live-now?sku=${part}`;
      count++;
    }
    if (url) urls.push(url);
    /** @type {Record<string, LiveItem>} */
    const items = {};
    // one part refused or lost does not take the badges of the others
    const answers = await Promise.allSettled(urls.map((u) => fetch(u, { credentials: 'omit', mode: 'cors' }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))));
    const got = answers.flatMap((a) => (a.status === 'fulfilled' ? [/** @type {{ items: Record<string, LiveItem> }} */ (a.value).items] : []));
    if (!got.length) throw new Error('live-now unanswered');
    for (const part of got) Object.assign(items, part);
    return items;
  }

  /** @param {LiveItem} item */
  function badge(item) {
    const host = document.createElement('hawker-live');
    const root = host.attachShadow({ mode: 'closed' });
    root.adoptedStyleSheets = [badgeSheet];
    const button = make('button');
    button.type = 'button';
    const now = make('span', 'now');
    button.append(make('span', 'dot'), 'LIVE', now);
    button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      const item = itemOf.get(button);
      if (item) openPlayer(item);
    });
    root.append(button);
    return { host, button, now };
  }

  /** @param {{ button: HTMLButtonElement, now: HTMLElement }} b @param {LiveItem} item */
  function paint(b, item) {
    itemOf.set(b.button, item);
    b.button.classList.toggle('on', item.onScreen);
    b.now.textContent = item.onScreen ? '· on screen now' : '';
    b.button.setAttribute('aria-label', `Live now${item.onScreen ? ', on screen' : ''}: ${item.title}. Watch`);
  }

  /** @param {Record<string, LiveItem>} items */
  function mark(items) {
    const seen = new Set();
    for (const { sku, anchor, inside } of targets()) {
      // own keys only: a SKU named "constructor" is not a live product
      const item = Object.hasOwn(items, sku) ? items[sku] : undefined;
      if (!item) continue;
      const list = badges.get(sku) ?? [];
      let b = list.find((x) => (inside ? x.host.parentNode === anchor : x.host.previousSibling === anchor));
      if (!b) {
        b = badge(item);
        if (inside) anchor.append(b.host);
        else anchor.after(b.host);
        list.push(b);
        badges.set(sku, list);
      }
      paint(b, item);
      seen.add(b);
    }
    for (const [sku, list] of badges) {
      const kept = list.filter((b) => seen.has(b) || (b.host.remove(), false));
      if (kept.length) badges.set(sku, kept);
      else badges.delete(sku);
    }
  }

  /** @type {{ host: HTMLElement, root: ShadowRoot, frame: HTMLIFrameElement, title: HTMLElement, origin: string } | null} */
  let player = null;
  let x = -1;
  let y = -1;

  /** keeps the player on screen (a resize, a drag past the edge) */
  function placePlayer() {
    if (!player) return;
    const w = player.host.offsetWidth;
    const h = player.host.offsetHeight;
    if (x < 0 && y < 0) {
      x = innerWidth - w - 12;
      y = innerHeight - h - 12;
    }
    x = Math.max(0, Math.min(x, innerWidth - w));
    y = Math.max(0, Math.min(y, innerHeight - h));
    place.style.setProperty('left', `${Math.round(x)}px`);
    place.style.setProperty('top', `${Math.round(y)}px`);
  }

  /** @param {LiveItem} item */
  function openPlayer(item) {
    if (!player) {
      const host = document.createElement('hawker-player');
      const root = host.attachShadow({ mode: 'closed' });
      root.adoptedStyleSheets = [playerSheet, placeSheet];
      const bar = make('div', 'bar');
      const title = make('span', 'title');
      const close = make('button', 'close', '×');
      close.type = 'button';
      close.setAttribute('aria-label', 'Close the live show');
      bar.append(make('span', '', '● LIVE'), title, close);
      const frame = make('iframe');
      frame.allow = 'autoplay; fullscreen; picture-in-picture';
      root.append(bar, frame);
      close.addEventListener('click', closePlayer);
      dragWith(bar, close);
      document.documentElement.append(host);
      player = { host, root, frame, title, origin };
      addEventListener('resize', placePlayer);
    }
    const url = new URL(item.playerUrl, origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return;
    // Hawker's public address (publicUrl): the only origin whose messages the player takes
    player.origin = url.origin;
    if (player.frame.src !== url.href) player.frame.src = url.href;
    player.frame.title = `Live show: ${item.title}`;
    player.title.textContent = item.title;
    placePlayer();
  }

  function closePlayer() {
    if (!player) return;
    player.host.remove();
    player = null;
    removeEventListener('resize', placePlayer);
  }

  /** @param {HTMLElement} bar @param {HTMLElement} close */
  function dragWith(bar, close) {
    /** @type {{ id: number, dx: number, dy: number } | null} */
    let drag = null;
    bar.addEventListener('pointerdown', (e) => {
      if (e.target === close || e.button !== 0) return;
      drag = { id: e.pointerId, dx: e.clientX - x, dy: e.clientY - y };
      bar.setPointerCapture(e.pointerId);
      bar.classList.add('drag');
    });
    bar.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      x = e.clientX - drag.dx;
      y = e.clientY - drag.dy;
      placePlayer();
    });
    const end = (/** @type {PointerEvent} */ e) => {
      if (!drag || e.pointerId !== drag.id) return;
      drag = null;
      bar.classList.remove('drag');
    };
    bar.addEventListener('pointerup', end);
    bar.addEventListener('pointercancel', end);
  }

  // the mini page asks for room while its checkout is open, and gives it back after
  addEventListener('message', (e) => {
    if (!player || e.origin !== player.origin || e.source !== player.frame.contentWindow) return;
    const size = e.data && typeof e.data === 'object' ? e.data['hawker:mini'] : undefined;
    if (size !== 'large' && size !== 'small') return;
    player.root.adoptedStyleSheets = size === 'large' ? [playerSheet, placeSheet, largeSheet] : [playerSheet, placeSheet];
    placePlayer();
  });

  let delay = POLL_MS;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let asking = false;
  async function poll() {
    clearTimeout(timer);
    timer = undefined;
    if (asking) return;
    const skus = [...new Set(targets().map((t) => t.sku))].sort();
    if (!skus.length) return;
    asking = true;
    try {
      mark(await ask(skus));
      delay = POLL_MS;
    } catch {
      // Hawker unreachable or refusing: the shop goes on; ask less often
      delay = Math.min(delay * 2, MAX_POLL_MS);
    } finally {
      asking = false;
    }
    // a hidden tab asks nothing; it asks at once when shown again
    if (document.visibilityState === 'visible') timer = setTimeout(() => void poll(), delay);
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && timer === undefined) void poll();
    else if (document.visibilityState !== 'visible') {
      clearTimeout(timer);
      timer = undefined;
    }
  });
  // a listing drawn after this script ran (async) is found when the page has loaded
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void poll(), { once: true });
  else void poll();
})();
