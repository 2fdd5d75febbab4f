// The poll: its live results (pushed), closing it, and opening a new one.
import { input, el, put } from '../ui.js';
import { api, withFieldPrefix } from './api.js';
import { checkbox, confirmIn, field, showErrors } from './forms.js';

/** @param {import('./context.js').Cockpit} c */
export function pollCard(c) {
  const { showId, store, act, doneLine } = c;
  const pollBox = el('div', { id: 'poll-results' });
  const close = () => act('POST', `/api/shows/${showId}/polls/current/close`, {}, 'Poll closed');
  store.on(['poll'], ({ poll }) => {
    if (!poll) return put(pollBox, el('p', { class: 'muted', text: 'No poll yet.' }));
    put(pollBox,
      el('strong', { text: poll.question }),
      el('ul', {}, ...poll.options.map((o) => el('li', { text: `${o.label}: ${o.votes}` }))),
      el('p', { class: 'muted', text: `${poll.totalVotes} votes · ${poll.open ? 'open' : 'closed'}` }),
      poll.open ? el('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close poll') : null);
  });

  /** @param {SubmitEvent} e */
  async function openPoll(e) {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const options = [1, 2, 3, 4].map((i) => input(`poll-opt${i}`).value.trim()).filter(Boolean);
    try {
      store.set({ poll: await api('POST', `/api/shows/${showId}/polls`, { question: input('poll-question').value.trim(), options, onOverlay: input('poll-overlay').checked }) });
      confirmIn(doneLine, 'Poll opened');
    } catch (err) {
      showErrors(form, withFieldPrefix(/** @type {import('./api.js').ApiError} */ (err), 'poll-'));
    }
  }
  const pollForm = el('form', { 'data-prefix': 'poll-', onsubmit: openPoll },
    ...field('poll-question', 'Question', { maxlength: '120', required: true }),
    el('p', { class: 'field-error', id: 'poll-options-error' }),
    ...[1, 2, 3, 4].flatMap((i) => [el('label', { for: `poll-opt${i}`, text: `Option ${i}${i > 2 ? ' (optional)' : ''}` }), el('input', { id: `poll-opt${i}`, maxlength: '60', required: i <= 2 })]),
    checkbox({ id: 'poll-overlay' }, 'Show on the video'),
    el('button', { type: 'submit', class: 'small' }, 'Open poll'));
  return [pollBox, pollForm];
}
