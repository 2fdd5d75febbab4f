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
  /** @param {QuestionView} q @param {import('../../wire.js').LineupItem[]} lineup */
  function item(q, lineup) {
    const answered = () => act('POST', `/api/shows/${showId}/questions/${q.id}/answered`, {}, 'Marked answered').then(reload);
    return el('li', { class: 'question' },
      el('strong', { text: `▲ ${q.votes}` }),
      el('span', { class: 'text', text: q.kind === 'demo' ? `Show me: ${(lineup.find((p) => p.id === q.productId) || { title: 'a product' }).title}` : q.text }),
      el('span', { class: 'muted', text: q.viewer.displayName }),
      el('button', { type: 'button', class: 'secondary small', onclick: answered }, 'Answered'));
  }
  store.on(['questions'], ({ questions, lineup }) => put(list, questions.length ? null : el('li', { class: 'muted', text: 'No questions yet.' }), ...questions.map((q) => item(q, lineup))));
  return list;
}
