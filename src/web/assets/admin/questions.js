// Questions and demo requests, most wanted first (pushed); marking one answered.
import { el, put } from '../ui.js';
import { api } from './api.js';

/** @typedef {import('../../wire.js').QuestionView} QuestionView */

/** @param {import('./context.js').Cockpit} c */
export function questionsList(c) {
  const { showId, store, act } = c;
  const list = el('ol', { id: 'mod-questions', class: 'questions' });
  async function reload() {
    store.set({ questions: await api('GET', `/api/shows/${showId}/questions`) });
  }
  /**
   * Each question's item, kept across pushes: votes come in about once a second in a busy show,
   * and a click whose button is replaced between mouse down and up is lost, so a push updates
   * the words in place and moves items only when the order changed.
   * @type {Map<string, { li: HTMLElement, votes: HTMLElement, text: HTMLElement, name: HTMLElement }>}
   */
  const drawn = new Map();
  /** @param {QuestionView} q @param {import('../../wire.js').LineupItem[]} lineup */
  function item(q, lineup) {
    let d = drawn.get(q.id);
    if (!d) {
      const answered = () => act('POST', `/api/shows/${showId}/questions/${q.id}/answered`, {}, 'Marked answered').then(reload);
      const votes = el('strong'), text = el('span', { class: 'text' }), name = el('span', { class: 'muted' });
      d = { li: el('li', { class: 'question' }, votes, text, name, el('button', { type: 'button', class: 'secondary small', onclick: answered }, 'Answered')), votes, text, name };
      drawn.set(q.id, d);
    }
    d.votes.textContent = `▲ ${q.votes}`;
    d.text.textContent = q.kind === 'demo' ? `Show me: ${(lineup.find((p) => p.id === q.productId) || { title: 'a product' }).title}` : q.text;
    d.name.textContent = q.viewer.displayName;
    return d.li;
  }
  store.on(['questions'], ({ questions, lineup }) => {
    const items = questions.map((q) => item(q, lineup));
    const shown = new Set(questions.map((q) => q.id));
    for (const id of drawn.keys()) if (!shown.has(id)) drawn.delete(id);
    const inOrder = items.length > 0 && items.length === list.children.length && items.every((li, i) => list.children[i] === li);
    if (!inOrder) put(list, questions.length ? null : el('li', { class: 'muted', text: 'No questions yet.' }), ...items);
  });
  return list;
}
