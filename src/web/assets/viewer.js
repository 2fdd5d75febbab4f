// Hawker viewer page. Plain JavaScript, no framework: the page must load fast on a phone.
// Everything a person typed is put on the page with textContent, never as HTML.
// An ES module (deferred: it runs once the page is parsed, after the classic hls.min.js).
import { $, input as inputEl, put, el, money, toast } from './ui.js';

/** @typedef {import('../wire.js').LineupItem} LineupItem */
/** @typedef {import('../wire.js').ServerMessage} ServerMessage */
/** @typedef {import('../wire.js').ClientMessage} ClientMessage */
/** @typedef {import('../wire.js').ChatLine} ChatLine */
/** @typedef {import('../wire.js').PollResults} PollResults */
/** @typedef {import('../wire.js').QuestionView} QuestionView */
/** @typedef {import('../wire.js').OverlayView} OverlayView */
/** @typedef {NonNullable<OverlayView['flashSale']>} Sale */
/** @typedef {import('../wire.js').CouponCentre['coupons'][number]} CentreCoupon */
/** @typedef {Error & { code?: string, status?: number }} ApiError */
/** @typedef {{ token: string, viewerId: string, displayName: string }} Me */

(() => {
  const body = document.body;
  const showId = body.dataset.showId ?? '';

  // ---- who am I -------------------------------------------------------------------------------
  const storeKey = 'hawker.viewer';
  /** @type {Me | null} */
  let me = null;
  try {
    me = JSON.parse(localStorage.getItem(storeKey) || 'null');
  } catch {}
  /**
   * @param {string} method @param {string} path @param {unknown} [bodyValue] @param {Record<string, string>} [extraHeaders]
   * @returns {Promise<any>}
   */
  const api = async (method, path, bodyValue, extraHeaders = {}) => {
    /** @type {Record<string, string>} */
    const headers = { ...extraHeaders };
    if (bodyValue !== undefined) headers['content-type'] = 'application/json';
    if (me) headers.authorization = `Bearer ${me.token}`;
    const res = await fetch(path, { method, headers, body: bodyValue === undefined ? undefined : JSON.stringify(bodyValue) });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (res.status === 401 && me && data && data.code === 'INVALID_VIEWER_TOKEN') forget();
    if (!res.ok) throw Object.assign(new Error((data && data.message) || `HTTP ${res.status}`), { code: data && data.code, status: res.status });
    return data;
  };
  const forget = () => {
    me = null;
    localStorage.removeItem(storeKey);
  };
  /** A name the first time someone chats or buys; resolves false if they cancel. */
  const ensureName = () =>
    /** @type {Promise<boolean>} */ (new Promise((resolve) => {
      if (me) return resolve(true);
      const dialog = /** @type {HTMLDialogElement} */ ($('name-dialog'));
      const input = inputEl('name-input');
      const error = $('name-error');
      error.textContent = '';
      /** @param {boolean} ok */
      const done = (ok) => {
        $('name-form').onsubmit = null;
        $('name-cancel').onclick = null;
        if (dialog.open) dialog.close();
        resolve(ok);
      };
      $('name-cancel').onclick = () => done(false);
      $('name-form').onsubmit = async (e) => {
        e.preventDefault();
        try {
          /** @type {import('../wire.js').NewViewer} */
          const v = await api('POST', '/api/viewers', { displayName: input.value.trim() });
          me = { token: v.token, viewerId: v.viewerId, displayName: v.displayName };
          localStorage.setItem(storeKey, JSON.stringify(me));
          connect(true);
          done(true);
        } catch (err) {
          const { code, message } = /** @type {ApiError} */ (err);
          error.textContent = code === 'VALIDATION_FAILED' ? 'Use 1 to 40 letters, digits or spaces.' : message;
        }
      };
      dialog.showModal();
      input.focus();
    }));

  // ---- tabs ---------------------------------------------------------------------------------
  const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => /** @type {HTMLElement} */ (t));
  /** @param {HTMLElement} tab */
  const select = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls') ?? '').hidden = !on;
    }
    if (tab.id === 'tab-poll') $('poll-dot').hidden = true;
    if (tab.id === 'tab-coupons') void loadCoupons();
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
      if (next) {
        select(next);
        next.focus();
      }
    });
  });

  // ---- the player -----------------------------------------------------------------------------
  /** @type {HTMLVideoElement & { getStartDate?: () => Date }} */
  const video = $('player');
  /** @type {import('hls.js').default | null} */
  let hls = null;
  const startPlayer = () => {
    const src = body.dataset.src ?? '';
    const Hls = window.Hls;
    // hls.js wherever Media Source Extensions exist (it gives us the program date time);
    // the browser's own HLS (iPhone Safari) elsewhere
    if (!Hls || !Hls.isSupported()) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = src;
        video.onerror = () => setTimeout(() => (video.src = src), 3000);
      }
      return;
    }
    if (hls) hls.destroy();
    const player = (hls = new Hls({ liveSyncDurationCount: 2 }));
    player.loadSource(src);
    player.attachMedia(video);
    player.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    player.on(Hls.Events.ERROR, (_e, data) => {
      // no playlist yet (the show has not started) or a hiccup: try again shortly
      if (data.fatal) setTimeout(() => hls && hls.loadSource(src), 3000);
    });
  };
  /** The PROGRAM-DATE-TIME of the frame on screen, in ms, or null when unknown. */
  const playingDate = () => {
    if (hls && hls.playingDate) return hls.playingDate.getTime();
    if (typeof video.getStartDate === 'function') {
      const start = video.getStartDate().getTime();
      if (!Number.isNaN(start)) return start + video.currentTime * 1000;
    }
    return null;
  };

  /** @param {string} status */
  const setStatus = (status) => {
    body.dataset.status = status;
    const s = $('status');
    s.dataset.status = status;
    s.textContent = /** @type {Record<string, string>} */ ({ scheduled: 'Starting soon', live: 'Live', ended: 'Replay' })[status] || status;
    const offline = $('offline');
    offline.hidden = status !== 'scheduled';
  };
  const countdown = () => {
    const at = Date.parse(body.dataset.scheduledAt || '');
    const out = $('countdown');
    if (body.dataset.status !== 'scheduled') return;
    if (Number.isNaN(at)) {
      out.textContent = '';
      return;
    }
    const left = Math.max(0, Math.round((at - Date.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    out.textContent = left > 0 ? `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s).padStart(2, '0')}` : 'any moment now';
  };

  // ---- products and what is on screen ------------------------------------------------------
  /** @type {LineupItem[]} */
  let products = [];
  /** @type {{ productId: string | null, sale: Sale | null }} */
  let onScreen = { productId: null, sale: null };
  /** @type {string | null} */
  let chosenCoupon = null;
  // the overlay view carries ms, flash_sale messages an ISO time
  /** @param {Sale} sale */
  const endsAt = (sale) => (typeof sale.endsAt === 'number' ? sale.endsAt : Date.parse(sale.endsAt));
  const renderProducts = () => {
    const list = $('products');
    put(list);
    if (!products.length) list.append(el('li', { class: 'muted', text: 'The products of this show appear here.' }));
    for (const p of products) {
      const sale = onScreen.sale && onScreen.sale.productId === p.id && onScreen.sale.remaining > 0 && endsAt(onScreen.sale) > Date.now() ? onScreen.sale : null;
      const price = sale ? sale.price : p.price;
      const stockText = sale ? `${sale.remaining} of ${sale.quantity} left at this price` : p.stock > 0 ? `${p.stock} in stock` : 'Sold out';
      list.append(
        el('li', { class: `product${onScreen.productId === p.id ? ' on-screen' : ''}`, 'data-product-id': p.id },
          p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '', loading: 'lazy', width: '72', height: '72' }) : el('div', { class: 'noimg', 'aria-hidden': 'true' }),
          el('div', { class: 'info' },
            el('div', { class: 'title', text: p.title }),
            el('div', {}, el('span', { class: 'price', text: money(price, p.currency) }), sale || p.compareAtPrice ? el('s', { text: money(sale ? p.price : p.compareAtPrice ?? 0, p.currency) }) : null),
            el('div', { class: 'stock', 'data-stock': '', text: stockText })),
          el('div', { class: 'actions' },
            el('button', { type: 'button', 'data-buy': p.id, disabled: p.stock <= 0, 'aria-label': `Buy ${p.title} for ${money(price, p.currency)}`, onclick: () => buy(p) }, 'Buy'),
            el('button', { type: 'button', class: 'secondary small', onclick: () => requestDemo(p), 'aria-label': `Ask the host to show ${p.title}` }, 'Show me'))));
    }
    renderNow();
  };
  const renderNow = () => {
    const now = $('now');
    const { sale: onSale } = onScreen;
    const p = products.find((x) => x.id === onScreen.productId) || (onSale && products.find((x) => x.id === onSale.productId));
    if (!p) {
      now.hidden = true;
      return;
    }
    const sale = onScreen.sale && onScreen.sale.productId === p.id ? onScreen.sale : null;
    now.hidden = false;
    put(now,
      p.thumbUrl ? el('img', { src: p.thumbUrl, alt: '' }) : null,
      el('div', { class: 'info' },
        el('div', { class: 'title', text: p.title }),
        el('div', { class: sale ? 'sale' : 'price', text: sale ? `Flash sale ${money(sale.price, p.currency)} · ${sale.remaining} left` : money(p.price, p.currency) })),
      el('button', { type: 'button', 'data-buy-now': p.id, onclick: () => buy(p) }, 'Buy now'));
  };
  const loadProducts = async () => {
    try {
      products = await api('GET', `/api/shows/${showId}/lineup`);
      renderProducts();
    } catch (err) {
      toast(`Products could not load: ${/** @type {Error} */ (err).message}`, true);
    }
  };

  /** Overlay changes apply when the video shows them: at their PROGRAM-DATE-TIME, not on arrival. */
  /** @type {Array<{ pdt: number | null, view: OverlayView | null, arrived: number }>} */
  const pendingOverlay = [];
  /** @param {OverlayView | null} view */
  const applyOverlay = (view) => {
    onScreen = { productId: view && view.pinnedProduct ? view.pinnedProduct.id : null, sale: view && view.flashSale ? view.flashSale : null };
    renderProducts();
  };
  const drainOverlay = () => {
    const at = playingDate();
    while (pendingOverlay.length) {
      const next = pendingOverlay[0];
      if (!next) break;
      // without a video clock (offline, replay of another moment) apply at once
      if (next.pdt != null && at != null && at < next.pdt && Date.now() - next.arrived < 15000) break;
      pendingOverlay.shift();
      applyOverlay(next.view);
    }
  };

  let buying = false;
  /** @param {LineupItem} p */
  const buy = async (p) => {
    if (buying || !(await ensureName())) return;
    buying = true;
    try {
      /** @type {import('../wire.js').PlacedOrder} */
      const order = await api('POST', `/api/shows/${showId}/orders`, { productId: p.id, quantity: 1, ...(chosenCoupon ? { couponCode: chosenCoupon } : {}) }, { 'idempotency-key': crypto.randomUUID() });
      toast(`Ordered ${p.title} · ${money(order.total, order.currency)}${order.discount ? ` (saved ${money(order.discount, order.currency)})` : ''}`);
      if (order.couponId) chosenCoupon = null;
      p.stock = Math.max(0, p.stock - 1);
      renderProducts();
    } catch (err) {
      const { code, message } = /** @type {ApiError} */ (err);
      toast(code === 'SOLD_OUT' ? 'Sold out, sorry!' : message, true);
    } finally {
      buying = false;
    }
  };
  /** @param {LineupItem} p */
  const requestDemo = async (p) => {
    if (!(await ensureName())) return;
    send({ type: 'demo', productId: p.id });
    toast(`Asked the host to show ${p.title}`);
  };

  // ---- chat ---------------------------------------------------------------------------------
  /** @param {ChatLine} m */
  const chatLine = (m) => {
    const badges = [];
    if (m.viewer.role === 'moderator' || m.viewer.role === 'host') badges.push(el('span', { class: 'badge role', text: m.viewer.role === 'host' ? 'host' : 'mod' }));
    if (m.viewer.level > 0) badges.push(el('span', { class: `badge level-${Math.min(4, m.viewer.level)}`, text: m.viewer.badge, title: `loyalty level ${m.viewer.level}` }));
    return el('li', { 'data-id': m.id }, el('span', { class: 'name', text: m.viewer.displayName }), ...badges, ' ', el('span', { class: 'text', text: m.text }));
  };
  /** @param {ChatLine} m */
  const addChat = (m) => {
    const list = $('chat');
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    list.append(chatLine(m));
    while (list.children.length > 200) list.firstElementChild?.remove();
    if (stick) list.scrollTop = list.scrollHeight;
  };
  /** @param {ChatLine | null} m */
  const renderPinned = (m) => {
    const p = $('pinned');
    p.hidden = !m;
    put(p, m ? [el('strong', { text: 'Pinned: ' }), el('span', { text: `${m.viewer.displayName}: ${m.text}` })] : []);
  };
  $('chat-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = inputEl('chat-input');
    const text = input.value.trim();
    if (!text || !(await ensureName())) return;
    send({ type: 'chat', text });
    input.value = '';
  });
  for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-reaction]'))) {
    b.addEventListener('click', () => {
      send({ type: 'react', reaction: /** @type {keyof typeof emojiOf} */ (b.dataset.reaction) });
      float(b.textContent ?? '', 1);
    });
  }
  /** @param {string} emoji @param {number} n */
  const float = (emoji, n) => {
    const box = $('floaters');
    for (let i = 0; i < Math.min(n, 8); i++) {
      const s = el('span', { text: emoji });
      s.style.left = `${Math.random() * 30}px`;
      s.style.animationDelay = `${i * 120}ms`;
      box.append(s);
      setTimeout(() => s.remove(), 2600 + i * 120);
    }
  };
  const emojiOf = { heart: '❤️', fire: '🔥', clap: '👏', laugh: '😂', wow: '😮' };

  // ---- poll, questions, coupons ---------------------------------------------------------------
  /** @type {Set<string>} */
  const myVotes = new Set();
  /** @param {PollResults | null} poll */
  const renderPoll = (poll) => {
    const box = $('poll');
    if (!poll) {
      put(box, el('p', { class: 'muted', text: 'No poll right now.' }));
      return;
    }
    const voted = myVotes.has(poll.id) || !poll.open;
    put(box,
      el('h2', { text: poll.question }),
      ...poll.options.map((o, i) => {
        const share = poll.totalVotes ? Math.round((o.votes / poll.totalVotes) * 100) : 0;
        const bar = el('span', { class: 'bar' });
        bar.style.width = voted ? `${share}%` : '0';
        return el('button', { type: 'button', class: 'poll-option', disabled: voted, 'data-option': String(i), onclick: () => vote(poll, i) }, bar, el('span', { text: voted ? `${o.label} · ${share}%` : o.label }));
      }),
      el('p', { class: 'muted', text: `${poll.totalVotes} vote${poll.totalVotes === 1 ? '' : 's'}${poll.open ? '' : ' · closed'}` }));
  };
  /** @type {PollResults | null} */
  let lastPoll = null;
  /** @param {PollResults} poll @param {number} option */
  const vote = async (poll, option) => {
    if (!(await ensureName())) return;
    send({ type: 'vote', pollId: poll.id, option, ref: `vote:${poll.id}` });
    myVotes.add(poll.id);
    renderPoll(poll);
  };
  /** @param {QuestionView[]} items */
  const renderQuestions = (items) => {
    const list = $('questions');
    put(list,
      ...items.map((q) =>
        el('li', { class: 'question' },
          el('span', { class: 'text', text: q.kind === 'demo' ? `Show me: ${products.find((p) => p.id === q.productId)?.title || 'a product'}` : q.text }),
          el('span', { class: 'muted', text: q.viewer.displayName }),
          el('button', { type: 'button', class: 'secondary small', 'aria-label': `Upvote (${q.votes} votes)`, onclick: async () => (await ensureName()) && send({ type: 'upvote', questionId: q.id }) }, `▲ ${q.votes}`))));
  };
  $('ask-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = inputEl('ask-input');
    if (!input.value.trim() || !(await ensureName())) return;
    send({ type: 'ask', text: input.value.trim() });
    input.value = '';
    toast('Question sent to the host');
  });
  /** @type {Record<string, string>} */
  const stateText = { available: 'Ready to use', locked: 'Locked', used: 'Used', 'used up': 'All gone', expired: 'Expired', level: 'Needs a higher level', 'not live': 'Only while live', 'not yet': 'Not yet' };
  /** @param {CentreCoupon} c @returns {string} */
  const unlockText = (c) => /** @type {Record<string, string>} */ ({ watch: `Watch ${c.progress ? c.progress.need : ''} minutes`, chat: `Send ${c.progress ? c.progress.need : ''} messages`, vote: 'Vote in a poll', keyword: 'Type the word the host says' })[c.unlock ?? ''] || '';
  const loadCoupons = async () => {
    const list = $('coupons');
    if (!me) {
      put(list, el('li', { class: 'muted', text: 'Chat or buy once and your coupons appear here.' }));
      return;
    }
    try {
      /** @type {import('../wire.js').CouponCentre} */
      const centre = await api('GET', `/api/shows/${showId}/coupons`);
      $('level').textContent = `Your level with this host: ${centre.level}`;
      put(list,
        ...(centre.coupons.length ? [] : [el('li', { class: 'muted', text: 'No coupons yet. Stay tuned!' })]),
        ...centre.coupons.map((c) =>
          el('li', { class: 'coupon' },
            el('div', {}, el('strong', { text: c.kind === 'percent' ? `${c.amount}% off` : `${money(c.amount, c.currency ?? '')} off` }), ' ', c.code ? el('code', { text: c.code }) : null),
            el('div', { class: 'muted', text: `${stateText[c.state] || c.state}${c.unlock && c.state === 'locked' ? ` · ${unlockText(c)}${c.progress ? ` (${c.progress.have}/${c.progress.need})` : ''}` : ''}${c.expiresAt ? ` · until ${new Date(c.expiresAt).toLocaleString()}` : ''}` }),
            c.code && c.state === 'available'
              ? el('button', { type: 'button', class: 'small', 'aria-pressed': String(chosenCoupon === c.code), onclick: (/** @type {MouseEvent} */ e) => useCoupon(c.code ?? '', /** @type {HTMLElement} */ (e.currentTarget)) }, 'Use at checkout')
              : null)));
    } catch (err) {
      put(list, el('li', { class: 'muted', text: /** @type {Error} */ (err).message }));
    }
  };
  /** the coupon for the next order, or none when it is chosen again @param {string} code @param {HTMLElement} button */
  function useCoupon(code, button) {
    chosenCoupon = chosenCoupon === code ? null : code;
    button.setAttribute('aria-pressed', String(chosenCoupon === code));
    toast(chosenCoupon ? `${code} will apply to your next order` : 'Coupon removed');
  }

  // ---- the live socket ------------------------------------------------------------------------
  /** @type {WebSocket | null} */
  let ws = null;
  let retry = 0;
  // what someone sent while the socket (re)connects goes out once it is open
  /** @type {ClientMessage[]} */
  let outbox = [];
  /** @param {ClientMessage} m */
  const send = (m) => {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(m));
    else if (outbox.length < 20) outbox.push(m);
    else toast('Reconnecting… try again in a moment', true);
  };
  /** @param {ServerMessage} m */
  const handle = (m) => {
    switch (m.type) {
      case 'welcome':
        setStatus(m.show.status);
        put($('chat'), ...m.history.map(chatLine));
        renderPinned(m.pinned);
        lastPoll = m.poll;
        renderPoll(m.poll);
        renderQuestions(m.questions);
        applyOverlay(/** @type {OverlayView | null} */ (m.overlay));
        $('viewers').textContent = `👀 ${m.presence.viewers}`;
        break;
      case 'chat':
        addChat(m);
        break;
      case 'chat.deleted': {
        const li = $('chat').querySelector(`[data-id="${CSS.escape(m.id)}"]`);
        if (li) li.remove();
        break;
      }
      case 'chat.pinned':
        renderPinned(m.message);
        break;
      case 'overlay':
        pendingOverlay.push({ pdt: m.programDateTime ? Date.parse(m.programDateTime) : null, view: /** @type {OverlayView | null} */ (m.overlay), arrived: Date.now() });
        drainOverlay();
        break;
      case 'flash_sale':
        if (onScreen.sale && onScreen.sale.id === m.sale.id) {
          onScreen.sale = { ...onScreen.sale, remaining: m.sale.remaining };
          renderProducts();
        }
        break;
      case 'poll':
        if (!lastPoll || lastPoll.id !== m.poll.id) $('poll-dot').hidden = $('tab-poll').getAttribute('aria-selected') === 'true';
        lastPoll = m.poll;
        renderPoll(m.poll);
        break;
      case 'reactions':
        for (const [k, n] of Object.entries(m.counts)) if (n) float(/** @type {Record<string, string>} */ (emojiOf)[k] || '❤️', n);
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
  };
  /** @param {boolean} [fresh] a new identity: drop the socket that has the old one */
  const connect = (fresh = false) => {
    if (ws && fresh) {
      ws.onclose = null;
      ws.close();
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = (ws = new WebSocket(`${scheme}://${location.host}/api/shows/${showId}/live${me ? `?token=${encodeURIComponent(me.token)}` : ''}`));
    socket.onopen = () => {
      const queued = outbox;
      outbox = [];
      for (const m of queued) socket.send(JSON.stringify(m));
    };
    socket.onmessage = (e) => {
      retry = 0;
      for (const m of /** @type {ServerMessage[]} */ (JSON.parse(e.data))) handle(m);
    };
    socket.onclose = (e) => {
      if (e.code === 4401) forget();
      if (e.code === 4404) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(() => connect(), 500 * 2 ** retry);
    };
  };

  setStatus(body.dataset.status ?? 'scheduled');
  countdown();
  setInterval(countdown, 1000);
  setInterval(drainOverlay, 200);
  startPlayer();
  void loadProducts();
  connect();
})();
