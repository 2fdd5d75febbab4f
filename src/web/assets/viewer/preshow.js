// Before the show: the chat invites comments, and the Suggest tab takes product suggestions
// (a line of text, optionally a catalog product) with a vote button each, most-voted first.
// Both close when the show goes live (the tab goes away); the socket's `suggestion` messages
// keep the list current, so nothing polls. Text is drawn with textContent only.
import { $, el, input as inputEl, put, toast } from '../ui.js';
import { api, ensureName } from './identity.js';

/** @typedef {import('../../wire.js').Suggestion} Suggestion */

const showId = document.body.dataset.showId ?? '';
/** the list as the page knows it, by id */
const byId = /** @type {Map<string, Suggestion>} */ (new Map());
const votedKey = `hawker.voted.${showId}`;
/** suggestions this browser voted for (the server holds the truth: a second vote is refused) */
const voted = new Set(/** @type {string[]} */ (readVoted()));
let open = false;
let loaded = false;

function readVoted() {
  try {
    const v = JSON.parse(localStorage.getItem(votedKey) || '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string').slice(-200) : [];
  } catch {
    return [];
  }
}

/** @param {string} id */
function rememberVote(id) {
  voted.add(id);
  try {
    localStorage.setItem(votedKey, JSON.stringify([...voted].slice(-200)));
  } catch {}
}

/** @param {Suggestion} a @param {Suggestion} b */
const mostVoted = (a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** @param {Suggestion} s */
function item(s) {
  const mine = voted.has(s.id);
  return el('li', { class: 'suggestion', 'data-id': s.id },
    el('button', { type: 'button', class: 'secondary small vote', 'aria-pressed': String(mine), 'aria-label': `Vote (${s.votes} votes)`, disabled: mine || !open, onclick: () => void vote(s.id) }, `▲ ${s.votes}`),
    el('div', { class: 'body' },
      el('span', { class: 'text', text: s.text }),
      s.productTitle ? el('span', { class: 'suggested-product', text: `Product: ${s.productTitle}` }) : null,
      el('span', { class: 'muted by', text: s.displayName })));
}

function render() {
  const list = [...byId.values()].sort(mostVoted);
  put($('suggestions'), list.length ? null : el('li', { class: 'muted', text: 'No suggestions yet: be the first.' }), ...list.map(item));
}

/** @param {string} id */
async function vote(id) {
  if (!(await ensureName())) return;
  try {
    /** @type {{ votes: number }} */
    const r = await api('POST', `/api/shows/${showId}/suggestions/${id}/votes`);
    rememberVote(id);
    const s = byId.get(id);
    if (s) byId.set(id, { ...s, votes: Math.max(s.votes, r.votes) });
    render();
  } catch (err) {
    const { code, message } = /** @type {Error & { code?: string }} */ (err);
    if (code === 'SUGGESTION_ALREADY_VOTED') {
      rememberVote(id);
      render();
    }
    toast(code === 'SUGGESTION_ALREADY_VOTED' ? 'You have voted for this one' : message, code !== 'SUGGESTION_ALREADY_VOTED');
  }
}

/** @param {SubmitEvent} e */
async function suggest(e) {
  e.preventDefault();
  const text = inputEl('suggest-text');
  const product = /** @type {HTMLSelectElement} */ ($('suggest-product'));
  if (!text.value.trim() || !(await ensureName())) return;
  try {
    /** @type {Suggestion} */
    const made = await api('POST', `/api/shows/${showId}/suggestions`, { text: text.value, ...(product.value ? { productId: product.value } : {}) });
    byId.set(made.id, made);
    render();
    text.value = '';
    product.value = '';
    toast('Thanks! Your suggestion is in');
  } catch (err) {
    toast(/** @type {Error} */ (err).message, true);
  }
}

async function load() {
  if (loaded) return;
  loaded = true;
  try {
    const [list, catalog] = await Promise.all([
      /** @type {Promise<{ suggestions: Suggestion[] }>} */ (api('GET', `/api/shows/${showId}/suggestions`)),
      /** @type {Promise<{ products: Array<{ id: string, title: string }> }>} */ (api('GET', `/api/shows/${showId}/suggestions/products`)),
    ]);
    for (const s of list.suggestions) if (!byId.has(s.id)) byId.set(s.id, s);
    const select = $('suggest-product');
    put(select, el('option', { value: '', text: 'None' }), ...catalog.products.map((p) => el('option', { value: p.id, text: p.title })));
    render();
  } catch (err) {
    loaded = false;
    put($('suggestions'), el('li', { class: 'muted', text: /** @type {Error} */ (err).message }));
  }
}

/** the socket's `suggestion`: one made, voted on or hidden @param {import('../../wire.js').LiveMessage<'suggestion'>} m */
export function suggestionPushed(m) {
  if (m.hidden) byId.delete(m.suggestion.id);
  else byId.set(m.suggestion.id, m.suggestion);
  if (loaded) render();
}

/** before the show, the chat says what it is for; the Suggest tab is there until the show goes live @param {string} status */
function follow(status) {
  const was = open;
  open = status === 'scheduled';
  const tab = $('tab-suggest');
  tab.hidden = !open;
  const chat = inputEl('chat-input');
  chat.placeholder = open ? 'Comment before the show…' : 'Say something…';
  let note = document.getElementById('preshow-note');
  if (open && !note) {
    note = el('p', { id: 'preshow-note', class: 'preshow-note', text: 'Comment before the show: the host reads these while getting ready.' });
    $('panel-chat').prepend(note);
  } else if (!open && note) note.remove();
  if (open) void load();
  // the show went live while the Suggest tab was open: back to the chat
  if (was && !open && tab.getAttribute('aria-selected') === 'true') $('tab-chat').click();
  if (was !== open && loaded) render();
}

export function wirePreshow() {
  $('suggest-form').addEventListener('submit', suggest);
  follow(document.body.dataset.status ?? '');
  // the player sets the page's status (the welcome, a `show` message): follow it
  new MutationObserver(() => follow(document.body.dataset.status ?? '')).observe(document.body, { attributes: true, attributeFilter: ['data-status'] });
}
