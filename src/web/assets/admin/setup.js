// Stream from OBS or a phone app: server and stream key (masked, copy, rotate), the test pattern, the embed snippet.
import { $, el, toast } from '../ui.js';
import { api } from './api.js';
import { confirmIn, copyButton } from './forms.js';

const MASK = '••••••••••••';

/** @param {import('./context.js').Cockpit} c */
export function setupCard(c) {
  const { showId, store, doneLine } = c;
  const show = store.get().show;
  let keyShown = false;
  const keyBox = el('span', { class: 'secret', id: 'stream-key', text: MASK });

  /** @param {MouseEvent} e */
  function toggleKey(e) {
    keyShown = !keyShown;
    keyBox.textContent = keyShown ? store.get().show.streamKey : MASK;
    /** @type {HTMLElement} */ (e.currentTarget).textContent = keyShown ? 'Hide' : 'Show';
  }
  async function rotateKey() {
    if (!window.confirm('Rotate the stream key? OBS needs the new one for the next start.')) return;
    const s = await api('POST', `/api/shows/${showId}/stream-key`, {});
    store.set({ show: { ...store.get().show, streamKey: s.streamKey } });
    keyBox.textContent = keyShown ? s.streamKey : MASK;
    toast('New stream key made; the old one no longer works');
  }
  const patternButton = el('button', { type: 'button', id: 'test-pattern', onclick: toggleTestPattern }, 'Start test pattern');
  /** @param {boolean} running */
  function setPattern(running) {
    patternButton.dataset.running = running ? '1' : '0';
    patternButton.textContent = running ? 'Stop test pattern' : 'Start test pattern';
  }
  async function toggleTestPattern() {
    try {
      const running = patternButton.dataset.running === '1';
      if (running) await api('DELETE', `/api/shows/${showId}/test-pattern`);
      else await api('POST', `/api/shows/${showId}/test-pattern`, {});
      setPattern(!running);
      // a show with a scheduled time rehearses until Go live; one without goes live on the stream
      const started = store.get().show.scheduledAt && store.get().status === 'scheduled' ? 'rehearsal in the preview in a few seconds' : 'the show goes live in a few seconds';
      confirmIn(doneLine, running ? 'Test pattern stopped' : `Test pattern started: ${started}`);
    } catch (err) {
      toast(/** @type {Error} */ (err).message, true);
    }
  }

  const embed = el('textarea', { id: 'embed', readonly: true, rows: '3', 'aria-label': 'Embed snippet' });
  embed.value = `<iframe src="${document.body.dataset.publicUrl}/watch/${showId}?embed=1" style="width:100%;max-width:420px;aspect-ratio:9/16;border:0" allow="autoplay; fullscreen" title="${show.title.replace(/"/g, '&quot;')}"></iframe>`;
  const node = el('details', { class: 'card', open: show.status === 'scheduled' },
    el('summary', {}, el('strong', { text: 'Stream from OBS or a phone' })),
    el('ol', { class: 'steps' },
      el('li', {}, 'OBS → Settings → Stream → Service: Custom…'),
      el('li', {}, 'Server: ', el('span', { class: 'secret', id: 'ingest-url', text: show.ingestUrl }), ' ', copyButton('server URL', () => show.ingestUrl)),
      el('li', {}, 'Stream Key: ', keyBox, ' ', el('button', { type: 'button', class: 'secondary small', onclick: toggleKey }, 'Show'), ' ', copyButton('stream key', () => store.get().show.streamKey)),
      el('li', {}, 'Output: 1280×720 or 1920×1080, 30 fps, keyframe interval 2 s, AAC audio. Then Start Streaming.')),
    el('p', { class: 'muted' }, 'From a phone: any RTMP streaming app (Larix Broadcaster, Streamlabs, PRISM…) with a custom RTMP destination. ',
      'URL: the server above; stream name or key: the stream key (apps that take one URL: server + "/" + key). ',
      'Hold the phone upright for a full-screen vertical show: 720×1280 (or 1080×1920), 30 fps, H.264, keyframe every 1–2 s, 2.5–4 Mb/s, AAC audio. ',
      'Viewers on phones get it full-screen, with the overlays laid out for vertical video; turning the phone mid-show is fine (the picture follows after a moment). ',
      'No audio, 60 fps or odd sizes are accepted too.'),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'secondary', onclick: rotateKey }, 'Rotate key'),
      patternButton),
    el('h3', { text: 'Put the show on your shop page', style: 'margin-top:1rem' }),
    embed,
    copyButton('embed snippet', () => /** @type {HTMLTextAreaElement} */ ($('embed')).value));
  return { node, setPattern };
}
