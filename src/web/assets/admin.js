// Hawker control panel. Plain JavaScript, no framework. One click per action while the host
// talks; every action is confirmed on screen. Text from viewers is drawn with textContent.
(() => {
  'use strict';
  const { $, put, el, exponent, money, toast } = window.HawkerUI;
  const main = $('main');
  const field = (id, label, props = {}) => [el('label', { for: id, text: label }), el(props.tag || 'input', { id, name: id, ...props, tag: null }), el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' })];

  // ---- session ------------------------------------------------------------------------------
  let csrf = null;
  const api = async (method, path, body, raw) => {
    const headers = {};
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    if (body !== undefined && !raw) headers['content-type'] = 'application/json';
    if (raw) headers['content-type'] = raw;
    const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
    const data = res.status === 204 ? null : res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
    // a session that expired mid-show: back to the login (the login's own 401s stay put)
    if (res.status === 401 && !path.startsWith('/admin/')) {
      csrf = null;
      route();
    }
    if (!res.ok) throw Object.assign(new Error((data && data.message) || `HTTP ${res.status}`), { code: data && data.code, details: data && data.details, status: res.status });
    return data;
  };
  /** Errors next to the fields they are about; the rest in a toast. */
  const showErrors = (form, err) => {
    for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
    const list = Array.isArray(err.details) ? err.details : [];
    let placed = false;
    for (const d of list) {
      const name = String(d.field || '').replace(/^\//, '').split(/[./]/)[0];
      const slot = name && form.querySelector(`#${CSS.escape(form.dataset.prefix || '')}${CSS.escape(name)}-error`);
      if (slot) {
        slot.textContent = d.problem;
        placed = true;
      }
    }
    if (!placed) toast(err.message, true);
    else toast('Please fix the marked fields', true);
  };

  const loginView = () => {
    $('nav').hidden = true;
    $('logout').hidden = true;
    const form = el('form', { class: 'card', style: 'max-width:420px;margin:3rem auto' },
      el('h1', { text: 'Sign in' }),
      el('p', { class: 'muted', text: 'Paste the admin token Hawker printed on its first start (also in <data dir>/admin-token).' }),
      ...field('token', 'Admin token', { type: 'password', required: true, autocomplete: 'current-password' }),
      el('button', { type: 'submit' }, 'Sign in'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const r = await api('POST', '/admin/login', { token: $('token').value.trim() });
        csrf = r.csrfToken;
        route();
      } catch (err) {
        $('token-error').textContent = err.status === 401 ? 'That is not the admin token.' : err.message;
      }
    });
    put(main, form);
    $('token').focus();
  };
  $('logout').addEventListener('click', async () => {
    await api('POST', '/admin/logout', {}).catch(() => {});
    csrf = null;
    location.hash = '#/';
    route();
  });

  // ---- shows ----------------------------------------------------------------------------------
  const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const showsView = async () => {
    const shows = await api('GET', '/api/shows');
    const form = el('form', { class: 'card', 'data-prefix': 'show-' },
      el('h2', { text: 'New show' }),
      ...field('show-title', 'Title', { required: true, maxlength: '200' }),
      ...field('show-host', 'Host (who presents it)', { maxlength: '60' }),
      ...field('show-scheduledAt', 'Starts at (optional)', { type: 'datetime-local' }),
      el('button', { type: 'submit' }, 'Create show'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const when = $('show-scheduledAt').value;
      try {
        const show = await api('POST', '/api/shows', { title: $('show-title').value.trim(), ...($('show-host').value.trim() ? { host: $('show-host').value.trim() } : {}), ...(when ? { scheduledAt: new Date(when).toISOString() } : {}) });
        toast(`Created “${show.title}”`);
        location.hash = `#/shows/${show.id}`;
      } catch (err) {
        showErrors(form, { ...err, details: (err.details || []).map((d) => ({ ...d, field: `show-${String(d.field || '').replace(/^\//, '')}` })) });
      }
    });
    const table = el('table', {},
      el('thead', {}, el('tr', {}, el('th', { text: 'Show' }), el('th', { text: 'Host' }), el('th', { text: 'Status' }), el('th', { text: 'Starts' }))),
      el('tbody', {}, ...shows.map((s) => el('tr', {}, el('td', {}, el('a', { href: `#/shows/${s.id}`, text: s.title })), el('td', { text: s.host || '—' }), el('td', {}, el('span', { class: 'status', 'data-status': s.status, text: s.status })), el('td', { text: fmtTime(s.scheduledAt || s.startedAt) })))));
    put(main, el('h1', { text: 'Shows' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, shows.length ? table : el('p', { class: 'muted', text: 'No shows yet: create the first one.' })), form));
  };

  // ---- the cockpit ----------------------------------------------------------------------------
  let cockpit = null;
  const leaveCockpit = () => {
    if (!cockpit) return;
    clearInterval(cockpit.timer);
    if (cockpit.ws) {
      cockpit.ws.onclose = null;
      cockpit.ws.close();
    }
    if (cockpit.hls) cockpit.hls.destroy();
    cockpit = null;
  };
  const confirmIn = (node, text) => {
    node.textContent = `✓ ${text}`;
    toast(text);
  };
  const copyButton = (label, value) => el('button', { type: 'button', class: 'secondary small', onclick: async () => { try { await navigator.clipboard.writeText(value()); toast(`${label} copied`); } catch { toast('Copy failed: select and copy by hand', true); } } }, `Copy ${label}`);

  const cockpitView = async (showId) => {
    const [show, products, lineup] = await Promise.all([api('GET', `/api/shows/${showId}`), api('GET', '/api/products'), api('GET', `/api/shows/${showId}/lineup`)]);
    const c = (cockpit = { showId, show, products, lineup, overlay: null, timer: 0, ws: null, hls: null });
    const status = el('span', { class: 'status', id: 'show-status', 'data-status': show.status, text: show.status });
    const doneLine = el('p', { class: 'confirm', id: 'confirm', role: 'status' });

    // numbers
    const numbers = el('div', { class: 'numbers' },
      el('div', {}, 'Viewers', el('strong', { id: 'n-viewers', text: '0' })),
      el('div', {}, 'Peak', el('strong', { id: 'n-peak', text: '0' })),
      el('div', {}, 'Orders', el('strong', { id: 'n-orders', text: '0' })),
      el('div', {}, 'Revenue', el('strong', { id: 'n-revenue', text: '0' })));
    const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    chart.setAttribute('class', 'chart');
    chart.setAttribute('id', 'chart');
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', 'Orders per minute, with the spans each product was pinned');

    // setup: OBS
    let keyShown = false;
    const keyBox = el('span', { class: 'secret', id: 'stream-key', text: '••••••••••••' });
    const setup = el('details', { class: 'card', open: show.status === 'scheduled' },
      el('summary', {}, el('strong', { text: 'Stream from OBS' })),
      el('ol', { class: 'steps' },
        el('li', {}, 'OBS → Settings → Stream → Service: Custom…'),
        el('li', {}, 'Server: ', el('span', { class: 'secret', id: 'ingest-url', text: show.ingestUrl }), ' ', copyButton('server URL', () => show.ingestUrl)),
        el('li', {}, 'Stream Key: ', keyBox, ' ', el('button', { type: 'button', class: 'secondary small', onclick: (e) => { keyShown = !keyShown; keyBox.textContent = keyShown ? show.streamKey : '••••••••••••'; e.currentTarget.textContent = keyShown ? 'Hide' : 'Show'; } }, 'Show'), ' ', copyButton('stream key', () => show.streamKey)),
        el('li', {}, 'Output: 1280×720 or 1920×1080, 30 fps, keyframe interval 2 s, AAC audio. Then Start Streaming.')),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', onclick: async () => { if (!window.confirm('Rotate the stream key? OBS needs the new one for the next start.')) return; const s = await api('POST', `/api/shows/${showId}/stream-key`, {}); show.streamKey = s.streamKey; keyBox.textContent = keyShown ? s.streamKey : '••••••••••••'; toast('New stream key made; the old one no longer works'); } }, 'Rotate key'),
        el('button', { type: 'button', id: 'test-pattern', onclick: async (e) => { try { const running = e.currentTarget.dataset.running === '1'; if (running) { await api('DELETE', `/api/shows/${showId}/test-pattern`); } else { await api('POST', `/api/shows/${showId}/test-pattern`, {}); } setPattern(!running); confirmIn(doneLine, running ? 'Test pattern stopped' : 'Test pattern started: the show goes live in a few seconds'); } catch (err) { toast(err.message, true); } } }, 'Start test pattern')),
      el('h3', { text: 'Put the show on your shop page', style: 'margin-top:1rem' }),
      el('textarea', { id: 'embed', readonly: true, rows: '3', 'aria-label': 'Embed snippet' }),
      copyButton('embed snippet', () => $('embed').value));
    const setPattern = (running) => {
      const b = $('test-pattern');
      b.dataset.running = running ? '1' : '0';
      b.textContent = running ? 'Stop test pattern' : 'Start test pattern';
    };

    // preview
    const video = el('video', { id: 'preview', muted: true, autoplay: true, playsinline: true, controls: true, 'aria-label': 'Preview of the show' });
    video.muted = true;
    video.style.width = '100%';
    video.style.aspectRatio = '16 / 9';
    video.style.background = '#000';

    // lineup and one-click overlay actions
    const lineupBox = el('div', { id: 'lineup' });
    const renderLineup = () => {
      const pinned = c.overlay && c.overlay.state.pinnedProductId;
      const sale = c.overlay && c.overlay.flashSale;
      put(lineupBox, 
        ...(c.lineup.length ? [] : [el('p', { class: 'muted', text: 'Add products to the lineup below.' })]),
        ...c.lineup.map((p) => {
          const priceId = `sale-price-${p.id}`, qtyId = `sale-qty-${p.id}`, durId = `sale-dur-${p.id}`;
          return el('div', { class: `lineup-item${pinned === p.id ? ' pinned-now' : ''}`, 'data-product-id': p.id },
            el('span', { class: 'title', text: p.title }),
            el('span', { class: 'muted', 'data-stock': '', text: sale && sale.productId === p.id ? `${sale.remaining}/${sale.quantity} left in sale` : `${p.stock} in stock` }),
            pinned === p.id
              ? el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/pin`, undefined, `Unpinned ${p.title}`) }, 'Unpin')
              : el('button', { type: 'button', class: 'small', 'data-pin': p.id, onclick: () => act('POST', `/api/shows/${showId}/pin`, { productId: p.id }, `Pinned ${p.title}`) }, 'Pin'),
            el('details', {},
              el('summary', { text: 'Flash sale' }),
              el('form', { class: 'inline-form', onsubmit: (e) => { e.preventDefault(); const exp = exponent(p.currency); act('POST', `/api/shows/${showId}/flash-sales`, { productId: p.id, price: Math.round(Number($(priceId).value) * 10 ** exp), quantity: Number($(qtyId).value), durationSeconds: Number($(durId).value) * 60 }, `Flash sale on ${p.title}`); } },
                el('div', {}, el('label', { for: priceId, text: `Price (${p.currency})` }), el('input', { id: priceId, type: 'number', step: 'any', min: '0', required: true, value: String((p.price * 0.8) / 10 ** exponent(p.currency)) })),
                el('div', {}, el('label', { for: qtyId, text: 'Quantity' }), el('input', { id: qtyId, type: 'number', min: '1', max: String(p.stock), required: true, value: String(Math.min(10, p.stock)) })),
                el('div', {}, el('label', { for: durId, text: 'Minutes' }), el('input', { id: durId, type: 'number', min: '1', max: '120', required: true, value: '5' })),
                el('button', { type: 'submit', 'data-flash-sale': p.id }, 'Start'))));
        }),
        sale ? el('div', { class: 'row', style: 'margin-top:.5rem' }, el('span', { text: `Flash sale running: ${sale.remaining}/${sale.quantity} left, ends ${new Date(sale.endsAt).toLocaleTimeString()}` }), el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/flash-sales/current`, undefined, 'Flash sale stopped') }, 'Stop sale')) : null);
    };
    const lineupEditor = el('details', {},
      el('summary', { text: 'Edit lineup' }),
      el('form', { onsubmit: async (e) => { e.preventDefault(); const ids = [...e.currentTarget.querySelectorAll('input:checked')].map((i) => i.value); try { c.lineup = await api('PUT', `/api/shows/${showId}/lineup`, { productIds: ids }); renderLineup(); toast('Lineup saved'); } catch (err) { toast(err.message, true); } } },
        el('fieldset', {}, el('legend', { text: 'Products in this show' }),
          ...(products.length ? products.map((p) => el('label', { style: 'font-weight:400' }, el('input', { type: 'checkbox', value: p.id, checked: c.lineup.some((l) => l.id === p.id), style: 'width:auto;min-height:0;margin-right:.4rem' }), p.title)) : [el('p', { class: 'muted' }, 'No products yet: ', el('a', { href: '#/products', text: 'add some' }))])),
        el('button', { type: 'submit', class: 'small' }, 'Save lineup')));

    const act = async (method, path, body, done) => {
      try {
        await api(method, path, body);
        confirmIn(doneLine, done);
        await refreshOverlay();
      } catch (err) {
        toast(err.message, true);
      }
    };
    const refreshOverlay = async () => {
      c.overlay = await api('GET', `/api/shows/${showId}/overlay`);
      renderLineup();
      $('qr-toggle').setAttribute('aria-pressed', String(c.overlay.state.qr));
      $('hide-toggle').setAttribute('aria-pressed', String(c.overlay.state.hidden));
      $('hide-toggle').textContent = c.overlay.state.hidden ? 'Show overlays' : 'Hide all overlays';
    };

    const announceForm = el('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); act('PUT', `/api/shows/${showId}/announcement`, { text: $('announce').value.trim() }, 'Announcement on screen'); } },
      el('label', { for: 'announce', class: 'sr-only', text: 'Announcement' }), el('input', { id: 'announce', maxlength: '140', placeholder: 'Announcement on the video', required: true }), el('button', { type: 'submit', class: 'small' }, 'Show'),
      el('button', { type: 'button', class: 'secondary small', onclick: () => act('DELETE', `/api/shows/${showId}/announcement`, undefined, 'Announcement cleared') }, 'Clear'));
    const overlayButtons = el('div', { class: 'row', style: 'margin-top:.5rem;flex-wrap:wrap' },
      el('button', { type: 'button', id: 'qr-toggle', class: 'secondary small', 'aria-pressed': 'false', onclick: (e) => act('PUT', `/api/shows/${showId}/qr`, { enabled: e.currentTarget.getAttribute('aria-pressed') !== 'true' }, 'QR code toggled') }, 'QR code'),
      el('button', { type: 'button', id: 'hide-toggle', class: 'secondary small', 'aria-pressed': 'false', onclick: (e) => act('PUT', `/api/shows/${showId}/overlay/hidden`, { hidden: e.currentTarget.getAttribute('aria-pressed') !== 'true' }, 'Overlays toggled') }, 'Hide all overlays'));

    // poll
    const pollBox = el('div', { id: 'poll-results' });
    const renderPoll = (poll) => put(pollBox, ...(poll ? [el('strong', { text: poll.question }), el('ul', {}, ...poll.options.map((o) => el('li', { text: `${o.label}: ${o.votes}` }))), el('p', { class: 'muted', text: `${poll.totalVotes} votes · ${poll.open ? 'open' : 'closed'}` }), poll.open ? el('button', { type: 'button', class: 'secondary small', onclick: () => act('POST', `/api/shows/${showId}/polls/current/close`, {}, 'Poll closed') }, 'Close poll') : null] : [el('p', { class: 'muted', text: 'No poll yet.' })]));
    const pollForm = el('form', { 'data-prefix': 'poll-', onsubmit: async (e) => { e.preventDefault(); const options = [1, 2, 3, 4].map((i) => $(`poll-opt${i}`).value.trim()).filter(Boolean); try { const poll = await api('POST', `/api/shows/${showId}/polls`, { question: $('poll-question').value.trim(), options, onOverlay: $('poll-overlay').checked }); renderPoll(poll); confirmIn(doneLine, 'Poll opened'); } catch (err) { showErrors(e.currentTarget, { ...err, details: (err.details || []).map((d) => ({ ...d, field: `poll-${String(d.field || '').replace(/^\//, '').split('/')[0]}` })) }); } } },
      ...field('poll-question', 'Question', { maxlength: '120', required: true }),
      el('p', { class: 'field-error', id: 'poll-options-error' }),
      ...[1, 2, 3, 4].map((i) => [el('label', { for: `poll-opt${i}`, text: `Option ${i}${i > 2 ? ' (optional)' : ''}` }), el('input', { id: `poll-opt${i}`, maxlength: '60', required: i <= 2 })]).flat(),
      el('label', { style: 'font-weight:400' }, el('input', { type: 'checkbox', id: 'poll-overlay', style: 'width:auto;min-height:0;margin-right:.4rem' }), 'Show on the video'),
      el('button', { type: 'submit', class: 'small' }, 'Open poll'));

    // chat with moderation
    const chatList = el('div', { id: 'mod-chat', style: 'max-height:360px;overflow-y:auto', 'aria-live': 'polite' });
    const modLine = (m) => el('div', { class: 'mod-msg', 'data-id': m.id },
      el('strong', { text: m.viewer.displayName }), m.viewer.role === 'host' ? el('span', { class: 'badge role', text: 'host' }) : m.viewer.level ? el('span', { class: `badge level-${Math.min(4, m.viewer.level)}`, text: m.viewer.badge }) : null,
      el('span', { class: 'text', text: m.text }),
      el('button', { type: 'button', class: 'secondary small', 'aria-label': `Pin message from ${m.viewer.displayName}`, onclick: () => act('PUT', `/api/shows/${showId}/chat/pin`, { messageId: m.id }, 'Message pinned') }, 'Pin'),
      el('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete message from ${m.viewer.displayName}`, onclick: () => act('DELETE', `/api/shows/${showId}/chat/${m.id}`, undefined, 'Message deleted') }, 'Delete'),
      m.viewer.role === 'host' ? null : el('button', { type: 'button', class: 'secondary small', 'aria-label': `Time out ${m.viewer.displayName} for 5 minutes`, onclick: () => act('POST', `/api/shows/${showId}/timeouts`, { viewerId: m.viewer.id, seconds: 300 }, `${m.viewer.displayName} timed out for 5 min`) }, '5 min'),
      m.viewer.role === 'host' ? null : el('button', { type: 'button', class: 'secondary small', 'aria-label': `Ban ${m.viewer.displayName}`, onclick: () => window.confirm(`Ban ${m.viewer.displayName} from chat in every show?`) && act('PUT', `/api/viewers/${m.viewer.id}/ban`, undefined, `${m.viewer.displayName} banned`) }, 'Ban'));
    // the merchant answers in chat as the show's host (links allowed, no rate limit)
    const hostName = show.host || 'Host';
    const sayError = el('p', { class: 'field-error', id: 'host-say-error', role: 'alert' });
    const sayForm = el('form', { class: 'row', style: 'margin-top:.5rem', onsubmit: async (e) => {
      e.preventDefault();
      const input = $('host-say');
      sayError.textContent = '';
      try {
        await api('POST', `/api/shows/${showId}/chat`, { text: input.value });
        input.value = '';
        confirmIn(doneLine, `Said in chat as ${hostName}`);
      } catch (err) {
        sayError.textContent = err.message;
      }
    } },
      el('label', { for: 'host-say', class: 'sr-only', text: `Say in chat as ${hostName}` }),
      el('input', { id: 'host-say', maxlength: '300', placeholder: `Say in chat as ${hostName}`, required: true, autocomplete: 'off', 'aria-describedby': 'host-say-error', oninput: () => (sayError.textContent = '') }),
      el('button', { type: 'submit', class: 'small' }, 'Send'));
    const slow = el('select', { id: 'slow-mode', onchange: (e) => act('PATCH', `/api/shows/${showId}/chat/settings`, { slowModeSeconds: Number(e.currentTarget.value) }, 'Slow mode set') },
      ...[['0', 'Off'], ['5', '5 s'], ['15', '15 s'], ['60', '1 min']].map(([v, t]) => el('option', { value: v, text: t })));
    const questionsList = el('ol', { id: 'mod-questions', class: 'questions' });
    const renderQuestions = (items) => put(questionsList, ...(items.length ? [] : [el('li', { class: 'muted', text: 'No questions yet.' })]), ...items.map((q) => el('li', { class: 'question' },
      el('strong', { text: `▲ ${q.votes}` }),
      el('span', { class: 'text', text: q.kind === 'demo' ? `Show me: ${(c.lineup.find((p) => p.id === q.productId) || { title: 'a product' }).title}` : q.text }),
      el('span', { class: 'muted', text: q.viewer.displayName }),
      el('button', { type: 'button', class: 'secondary small', onclick: () => act('POST', `/api/shows/${showId}/questions/${q.id}/answered`, {}, 'Marked answered').then(loadQuestions) }, 'Answered'))));
    const loadQuestions = async () => renderQuestions(await api('GET', `/api/shows/${showId}/questions`));

    const card = (title, ...kids) => el('section', { class: 'card', 'aria-label': title }, el('h2', { text: title }), ...kids);
    put(main, 
      el('div', { class: 'row', style: 'justify-content:space-between;flex-wrap:wrap;margin-bottom:.6rem' },
        el('div', {}, el('h1', { text: show.title }), el('span', { class: 'muted', text: show.host ? `with ${show.host} · ` : '' }), status, ' ', el('a', { href: `/watch/${showId}`, target: '_blank', rel: 'noopener', text: 'Open viewer page' })),
        doneLine),
      el('div', { class: 'cockpit' },
        el('div', { style: 'display:grid;gap:1rem' }, card('Preview', video), card('Live numbers', numbers, chart, el('p', { class: 'muted', text: 'Orders per minute; shaded spans: a product was pinned.' }), el('a', { href: `/api/shows/${showId}/timeline.csv`, download: `show-${showId}-timeline.csv`, text: 'Export the timeline (CSV)' })), setup),
        el('div', { style: 'display:grid;gap:1rem' }, card('Lineup', lineupBox, lineupEditor), card('On the video', announceForm, overlayButtons), card('Poll', pollBox, pollForm)),
        el('div', { style: 'display:grid;gap:1rem' }, card('Chat', el('div', { class: 'row' }, el('label', { for: 'slow-mode', text: 'Slow mode', style: 'margin:0' }), slow), chatList, sayForm, sayError), card('Questions and demo requests', questionsList))));
    $('embed').value = `<iframe src="${document.body.dataset.publicUrl}/watch/${showId}?embed=1" style="width:100%;max-width:420px;aspect-ratio:9/16;border:0" allow="autoplay; fullscreen" title="${show.title.replace(/"/g, '&quot;')}"></iframe>`;

    // preview player
    const startPreview = () => {
      const src = `/hls/${showId}/master.m3u8`;
      if (window.Hls && window.Hls.isSupported()) {
        if (c.hls) c.hls.destroy();
        c.hls = new window.Hls({ liveSyncDurationCount: 2 });
        c.hls.loadSource(src);
        c.hls.attachMedia(video);
        c.hls.on(window.Hls.Events.ERROR, (_e, d) => d.fatal && setTimeout(() => cockpit === c && c.hls && c.hls.loadSource(src), 3000));
      } else video.src = src;
    };
    startPreview();

    // the host's live socket: chat, questions, presence, poll, stock
    const connect = () => {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = (c.ws = new WebSocket(`${scheme}://${location.host}/api/shows/${showId}/live`));
      ws.onmessage = (e) => {
        for (const m of JSON.parse(e.data)) {
          if (m.type === 'welcome') {
            put(chatList, ...m.history.map(modLine));
            renderQuestions(m.questions);
            renderPoll(m.poll);
            slow.value = String(m.settings.slowModeSeconds);
            $('n-viewers').textContent = String(m.presence.viewers);
            $('n-peak').textContent = String(m.presence.peak);
          } else if (m.type === 'chat') {
            chatList.append(modLine(m));
            chatList.scrollTop = chatList.scrollHeight;
          } else if (m.type === 'chat.deleted') chatList.querySelector(`[data-id="${CSS.escape(m.id)}"]`)?.remove();
          else if (m.type === 'questions') renderQuestions(m.items);
          else if (m.type === 'poll') renderPoll(m.poll);
          else if (m.type === 'presence') {
            $('n-viewers').textContent = String(m.viewers);
            $('n-peak').textContent = String(m.peak);
          } else if (m.type === 'flash_sale' && c.overlay && c.overlay.flashSale && c.overlay.flashSale.id === m.sale.id) {
            c.overlay.flashSale.remaining = m.sale.remaining;
            renderLineup();
          } else if (m.type === 'overlay') {
            c.overlay = m.overlay;
            renderLineup();
          } else if (m.type === 'show') {
            status.dataset.status = m.status;
            status.textContent = m.status;
            if (m.status === 'live') startPreview();
          }
        }
      };
      ws.onclose = () => setTimeout(() => cockpit === c && connect(), 2000);
    };
    connect();

    const refreshStats = async () => {
      const [stats, s] = await Promise.all([api('GET', `/api/shows/${showId}/stats`), api('GET', `/api/shows/${showId}`)]);
      $('n-orders').textContent = String(stats.orders);
      $('n-revenue').textContent = Object.entries(stats.revenue).map(([cur, v]) => money(v, cur)).join(' + ') || '0';
      status.dataset.status = s.status;
      status.textContent = s.status;
      drawChart(stats);
    };
    const drawChart = async (stats) => {
      const svg = $('chart');
      if (!svg) return;
      const timeline = await api('GET', `/api/shows/${showId}/timeline?limit=5000`);
      const ns = 'http://www.w3.org/2000/svg';
      const W = 600, H = 180;
      svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
      const mins = stats.perMinute.map((m) => Date.parse(m.minute));
      const pins = [];
      let open = null;
      for (const e of timeline.events) {
        if (e.type === 'overlay.changed' && (e.payload.change === 'pin' || e.payload.change === 'unpin')) {
          if (open) pins.push({ ...open, to: Date.parse(e.at) });
          open = e.payload.change === 'pin' ? { productId: e.payload.productId, from: Date.parse(e.at) } : null;
        }
      }
      if (open) pins.push({ ...open, to: Date.now() });
      const start = Math.min(...mins, ...pins.map((p) => p.from), Date.now() - 10 * 60_000);
      const end = Math.max(Date.now(), ...mins.map((m) => m + 60_000));
      const x = (t) => ((t - start) / (end - start)) * W;
      const max = Math.max(1, ...stats.perMinute.map((m) => m.orders));
      const shapes = [];
      const colours = ['#f3c9d0', '#cfe0f7', '#d8efd8', '#f7e6c4'];
      pins.forEach((p, i) => {
        const r = document.createElementNS(ns, 'rect');
        r.setAttribute('x', String(x(p.from)));
        r.setAttribute('y', '0');
        r.setAttribute('width', String(Math.max(1, x(p.to) - x(p.from))));
        r.setAttribute('height', String(H));
        r.setAttribute('fill', colours[i % colours.length]);
        const t = document.createElementNS(ns, 'title');
        t.textContent = `pinned: ${(c.products.find((q) => q.id === p.productId) || { title: p.productId }).title}`;
        r.append(t);
        shapes.push(r);
      });
      for (const m of stats.perMinute) {
        const r = document.createElementNS(ns, 'rect');
        const h = (m.orders / max) * (H - 20);
        r.setAttribute('x', String(x(Date.parse(m.minute)) + 1));
        r.setAttribute('width', String(Math.max(2, x(Date.parse(m.minute) + 60_000) - x(Date.parse(m.minute)) - 2)));
        r.setAttribute('y', String(H - h));
        r.setAttribute('height', String(h));
        r.setAttribute('fill', '#b3122e');
        const t = document.createElementNS(ns, 'title');
        t.textContent = `${new Date(m.minute).toLocaleTimeString()}: ${m.orders} orders`;
        r.append(t);
        shapes.push(r);
      }
      put(svg, ...shapes);
    };
    await Promise.all([refreshOverlay(), refreshStats()]);
    const tp = await api('GET', `/api/shows/${showId}/test-pattern`);
    setPattern(tp.running);
    c.timer = setInterval(() => cockpit === c && refreshStats().catch(() => {}), 5000);
  };

  // ---- products -------------------------------------------------------------------------------
  const productsView = async () => {
    const products = await api('GET', '/api/products');
    let editing = null;
    const form = el('form', { class: 'card', 'data-prefix': 'p-', novalidate: true },
      el('h2', { id: 'product-form-title', text: 'New product' }),
      ...field('p-sku', 'SKU', { required: true, maxlength: '64' }),
      ...field('p-title', 'Title', { required: true, maxlength: '200' }),
      ...field('p-description', 'Description', { tag: 'textarea', rows: '3', maxlength: '5000' }),
      ...field('p-price', 'Price (e.g. 19.99)', { required: true, inputmode: 'decimal' }),
      ...field('p-currency', 'Currency (ISO 4217)', { required: true, maxlength: '3', value: 'EUR' }),
      ...field('p-compareAtPrice', 'Compare-at price (optional)', { inputmode: 'decimal' }),
      ...field('p-stock', 'Stock', { required: true, type: 'number', min: '0', step: '1' }),
      ...field('p-image', 'Image (JPEG, PNG, WebP)', { type: 'file', accept: 'image/*' }),
      el('div', { class: 'row' }, el('button', { type: 'submit' }, 'Save product'), el('button', { type: 'button', class: 'secondary', onclick: () => fill(null) }, 'New')));
    const fill = (p) => {
      editing = p;
      $('product-form-title').textContent = p ? `Edit ${p.title}` : 'New product';
      const exp = p ? exponent(p.currency) : 2;
      $('p-sku').value = p ? p.sku : '';
      $('p-title').value = p ? p.title : '';
      $('p-description').value = p ? p.description : '';
      $('p-price').value = p ? String(p.price / 10 ** exp) : '';
      $('p-currency').value = p ? p.currency : 'EUR';
      $('p-compareAtPrice').value = p && p.compareAtPrice != null ? String(p.compareAtPrice / 10 ** exp) : '';
      $('p-stock').value = p ? String(p.stock) : '';
      for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    };
    /** "19.99" -> 1999 minor units; a clear message next to the field when it is not money */
    const parseMoney = (text, currency, name) => {
      const exp = exponent(currency);
      const m = new RegExp(`^\\d{1,12}(\\.\\d{1,${exp}})?$`).exec(text.trim());
      if (!m) throw Object.assign(new Error('bad money'), { details: [{ field: name, problem: exp ? `a price like 19.99 (at most ${exp} decimals), not negative` : 'a whole number, not negative' }] });
      const [whole, frac = ''] = text.trim().split('.');
      return Number(whole) * 10 ** exp + Number(frac.padEnd(exp, '0') || 0);
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const currency = $('p-currency').value.trim().toUpperCase();
        const stockText = $('p-stock').value.trim();
        if (!/^\d+$/.test(stockText)) throw Object.assign(new Error('bad stock'), { details: [{ field: 'stock', problem: 'a whole number, 0 or more' }] });
        const body = {
          sku: $('p-sku').value.trim(),
          title: $('p-title').value.trim(),
          description: $('p-description').value,
          price: parseMoney($('p-price').value, currency, 'price'),
          currency,
          compareAtPrice: $('p-compareAtPrice').value.trim() ? parseMoney($('p-compareAtPrice').value, currency, 'compareAtPrice') : null,
          stock: Number(stockText),
        };
        const file = $('p-image').files[0];
        const saved = editing ? await api('PATCH', `/api/products/${editing.id}`, body) : await api('POST', '/api/products', body);
        if (file) {
          try {
            await api('PUT', `/api/products/${saved.id}/image`, file, file.type || 'application/octet-stream');
          } catch (err) {
            $('p-image-error').textContent = `${err.message} (the product itself is saved)`;
            throw Object.assign(err, { shown: true });
          }
        }
        toast(`Saved ${saved.title}`);
        route();
      } catch (err) {
        if (!err.shown) showErrors(form, err);
      }
    });
    const csv = el('form', { class: 'card' },
      el('h2', { text: 'Import a catalog (CSV)' }),
      el('p', { class: 'muted', text: 'Header: sku,title,description,price,currency,compareAtPrice,stock; prices like 19.99. All rows or none.' }),
      ...field('csv-file', 'CSV file', { type: 'file', accept: '.csv,text/csv', required: true }),
      el('ul', { id: 'csv-report', class: 'field-error', 'aria-live': 'polite' }),
      el('button', { type: 'submit' }, 'Import'));
    csv.addEventListener('submit', async (e) => {
      e.preventDefault();
      const file = $('csv-file').files[0];
      if (!file) return;
      const report = $('csv-report');
      put(report, );
      try {
        const r = await api('POST', '/api/products/import', await file.text(), 'text/csv');
        toast(`Imported: ${r.created} new, ${r.updated} updated`);
        route();
      } catch (err) {
        const rows = Array.isArray(err.details) ? err.details : (err.details && err.details.errors) || [];
        put(report, el('li', { text: err.message }), ...rows.slice(0, 50).map((row) => el('li', { text: `line ${row.line}${row.sku ? ` (${row.sku})` : ''}: ${(row.problems || []).map((p) => `${p.field} ${p.problem}`).join('; ')}` })));
      }
    });
    const table = el('table', {},
      el('thead', {}, el('tr', {}, el('th', { text: '' }), el('th', { text: 'Product' }), el('th', { text: 'Price' }), el('th', { text: 'Stock' }), el('th', { text: '' }))),
      el('tbody', {}, ...products.map((p) => el('tr', {},
        el('td', {}, p.hasImage ? el('img', { src: `/media/products/${p.id}/thumb.webp?v=${Date.parse(p.updatedAt)}`, alt: '', width: '48', height: '48', style: 'border-radius:6px;object-fit:cover' }) : null),
        el('td', {}, el('strong', { text: p.title }), el('div', { class: 'muted', text: p.sku })),
        el('td', { text: money(p.price, p.currency) }),
        el('td', { text: String(p.stock) }),
        el('td', {}, el('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${p.title}`, onclick: () => { fill(p); $('p-title').focus(); } }, 'Edit'))))));
    put(main, el('h1', { text: 'Products' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, products.length ? table : el('p', { class: 'muted', text: 'No products yet.' })), el('div', { style: 'display:grid;gap:1rem' }, form, csv)));
  };

  // ---- coupons ---------------------------------------------------------------------------------
  const couponsView = async () => {
    const [coupons, shows] = await Promise.all([api('GET', '/api/coupons'), api('GET', '/api/shows')]);
    const form = el('form', { class: 'card', 'data-prefix': 'c-' },
      el('h2', { text: 'New coupon' }),
      ...field('c-code', 'Code', { required: true, maxlength: '32' }),
      el('label', { for: 'c-kind', text: 'Kind' }), el('select', { id: 'c-kind' }, el('option', { value: 'percent', text: 'Percent off' }), el('option', { value: 'fixed', text: 'Amount off' })),
      ...field('c-amount', 'Amount (percent, or minor units such as cents)', { required: true, type: 'number', min: '1' }),
      ...field('c-currency', 'Currency (amount off only)', { maxlength: '3' }),
      el('label', { for: 'c-show', text: 'Show' }), el('select', { id: 'c-show' }, el('option', { value: '', text: 'Every show' }), ...shows.map((s) => el('option', { value: s.id, text: s.title }))),
      el('label', { for: 'c-unlock', text: 'Unlocked by' }), el('select', { id: 'c-unlock' }, el('option', { value: '', text: 'Nothing: anyone can use it' }), el('option', { value: 'watch', text: 'Watching N minutes' }), el('option', { value: 'chat', text: 'Sending N messages' }), el('option', { value: 'vote', text: 'Voting in N polls' }), el('option', { value: 'keyword', text: 'First N to type a keyword' })),
      ...field('c-unlockThreshold', 'N', { type: 'number', min: '1' }),
      ...field('c-keyword', 'Keyword', { maxlength: '40' }),
      el('label', { style: 'font-weight:400' }, el('input', { type: 'checkbox', id: 'c-liveOnly', style: 'width:auto;min-height:0;margin-right:.4rem' }), 'Promo code valid only while the show is live'),
      ...field('c-maxUses', 'Total uses (optional)', { type: 'number', min: '1' }),
      el('button', { type: 'submit' }, 'Create coupon'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (id) => $(id).value.trim();
      const body = { code: v('c-code'), kind: v('c-kind'), amount: Number(v('c-amount')) };
      if (v('c-currency')) body.currency = v('c-currency');
      if (v('c-show')) body.showId = v('c-show');
      if (v('c-unlock')) body.unlock = v('c-unlock');
      if (v('c-unlockThreshold')) body.unlockThreshold = Number(v('c-unlockThreshold'));
      if (v('c-keyword')) body.keyword = v('c-keyword');
      if ($('c-liveOnly').checked) body.liveOnly = true;
      if (v('c-maxUses')) body.maxUses = Number(v('c-maxUses'));
      try {
        await api('POST', '/api/coupons', body);
        toast(`Coupon ${body.code.toUpperCase()} created`);
        route();
      } catch (err) {
        showErrors(form, err);
      }
    });
    const table = el('table', {},
      el('thead', {}, el('tr', {}, el('th', { text: 'Code' }), el('th', { text: 'Off' }), el('th', { text: 'Rule' }), el('th', { text: 'Uses' }), el('th', { text: '' }))),
      el('tbody', {}, ...coupons.map((c) => el('tr', {},
        el('td', {}, el('code', { text: c.code })),
        el('td', { text: c.kind === 'percent' ? `${c.amount}%` : money(c.amount, c.currency) }),
        el('td', { text: [c.liveOnly ? 'live only' : '', c.unlock ? `${c.unlock} ${c.keyword || c.unlockThreshold}` : '', c.minLevel ? `level ${c.minLevel}+` : ''].filter(Boolean).join(', ') || 'anyone' }),
        el('td', { text: `${c.uses}${c.maxUses ? ` / ${c.maxUses}` : ''}` }),
        el('td', {}, c.disabledAt ? el('span', { class: 'muted', text: 'disabled' }) : el('button', { type: 'button', class: 'secondary small', onclick: async () => { await api('DELETE', `/api/coupons/${c.id}`); toast(`${c.code} disabled`); route(); } }, 'Disable'))))));
    put(main, el('h1', { text: 'Coupons' }), el('div', { class: 'grid', style: 'margin-top:1rem' }, el('div', { class: 'card' }, coupons.length ? table : el('p', { class: 'muted', text: 'No coupons yet.' })), form));
  };

  // ---- routing ---------------------------------------------------------------------------------
  const route = async () => {
    leaveCockpit();
    if (!csrf) {
      try {
        csrf = (await api('GET', '/admin/session')).csrfToken;
      } catch {
        return loginView();
      }
    }
    $('nav').hidden = false;
    $('logout').hidden = false;
    const hash = location.hash || '#/';
    try {
      const show = /^#\/shows\/([A-Za-z0-9_-]+)$/.exec(hash);
      if (show) await cockpitView(show[1]);
      else if (hash === '#/products') await productsView();
      else if (hash === '#/coupons') await couponsView();
      else await showsView();
    } catch (err) {
      if (err.status !== 401) put(main, el('p', { class: 'field-error', role: 'alert', text: err.message }));
    }
    main.focus();
  };
  window.addEventListener('hashchange', route);
  route();
})();
