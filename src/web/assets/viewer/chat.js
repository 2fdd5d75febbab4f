// Chat: the messages (newest at the bottom, at most 200), the pinned one, sending, reactions.
import { $, input as inputEl, el, put } from '../ui.js';
import { ensureName } from './identity.js';
import { send } from './socket.js';

/** @typedef {import('../../wire.js').ChatLine} ChatLine */

const emojiOf = { heart: '❤️', fire: '🔥', clap: '👏', laugh: '😂', wow: '😮' };

/** @param {ChatLine} m */
function chatLine(m) {
  const badges = [];
  if (m.viewer.role === 'moderator' || m.viewer.role === 'host') badges.push(el('span', { class: 'badge role', text: m.viewer.role === 'host' ? 'host' : 'mod' }));
  if (m.viewer.level > 0) badges.push(el('span', { class: `badge level-${Math.min(4, m.viewer.level)}`, text: m.viewer.badge, title: `loyalty level ${m.viewer.level}` }));
  return el('li', { 'data-id': m.id }, el('span', { class: 'name', text: m.viewer.displayName }), ...badges, ' ', el('span', { class: 'text', text: m.text }));
}

/** the history a (re)connected socket starts with @param {ChatLine[]} history */
export const resetChat = (history) => put($('chat'), ...history.map(chatLine));

/** @param {ChatLine} m */
export function addChat(m) {
  const list = $('chat');
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  list.append(chatLine(m));
  while (list.children.length > 200) list.firstElementChild?.remove();
  if (stick) list.scrollTop = list.scrollHeight;
}

/** @param {string} id */
export function removeChat(id) {
  const li = $('chat').querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (li) li.remove();
}

/** @param {ChatLine | null} m */
export function renderPinned(m) {
  const p = $('pinned');
  p.hidden = !m;
  put(p, m ? [el('strong', { text: 'Pinned: ' }), el('span', { text: `${m.viewer.displayName}: ${m.text}` })] : []);
}

/** reactions float up over the video @param {string} emoji @param {number} n */
export function float(emoji, n) {
  const box = $('floaters');
  for (let i = 0; i < Math.min(n, 8); i++) {
    const s = el('span', { text: emoji });
    s.style.left = `${Math.random() * 30}px`;
    s.style.animationDelay = `${i * 120}ms`;
    box.append(s);
    setTimeout(() => s.remove(), 2600 + i * 120);
  }
}

/** @param {Record<string, number>} counts how many of each reaction others sent */
export function floatReactions(counts) {
  for (const [k, n] of Object.entries(counts)) if (n) float(/** @type {Record<string, string>} */ (emojiOf)[k] || '❤️', n);
}

/** @param {SubmitEvent} e */
async function sendChat(e) {
  e.preventDefault();
  const input = inputEl('chat-input');
  const text = input.value.trim();
  if (!text || !(await ensureName())) return;
  send({ type: 'chat', text });
  input.value = '';
}

/** @param {HTMLElement} b */
function react(b) {
  send({ type: 'react', reaction: /** @type {keyof typeof emojiOf} */ (b.dataset.reaction) });
  float(b.textContent ?? '', 1);
}

export function wireChat() {
  $('chat-form').addEventListener('submit', sendChat);
  for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-reaction]'))) b.addEventListener('click', () => react(b));
}
