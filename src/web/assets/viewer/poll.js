// The poll (results once voted or closed; a dot on its tab when a new one opens) and the
// questions with their upvotes.
import { $, input as inputEl, el, put, toast } from '../ui.js';
import { ensureName } from './identity.js';
import { productTitle } from './products.js';
import { send } from './socket.js';

/** @typedef {import('../../wire.js').PollResults} PollResults */
/** @typedef {import('../../wire.js').QuestionView} QuestionView */

/** @type {Set<string>} */
const myVotes = new Set();
/** @type {PollResults | null} */
let lastPoll = null;

/** @param {PollResults | null} poll */
function renderPoll(poll) {
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
}

/** @param {PollResults} poll @param {number} option */
async function vote(poll, option) {
  if (!(await ensureName())) return;
  send({ type: 'vote', pollId: poll.id, option, ref: `vote:${poll.id}` });
  myVotes.add(poll.id);
  renderPoll(poll);
}

/** the poll a (re)connected socket starts with @param {PollResults | null} poll */
export function resetPoll(poll) {
  lastPoll = poll;
  renderPoll(poll);
}

/** a pushed poll: a new one lights the dot on the Poll tab unless it is open @param {PollResults} poll */
export function updatePoll(poll) {
  if (!lastPoll || lastPoll.id !== poll.id) $('poll-dot').hidden = $('tab-poll').getAttribute('aria-selected') === 'true';
  lastPoll = poll;
  renderPoll(poll);
}

/** @param {QuestionView} q */
function questionItem(q) {
  const upvote = async () => (await ensureName()) && send({ type: 'upvote', questionId: q.id });
  return el('li', { class: 'question' },
    el('span', { class: 'text', text: q.kind === 'demo' ? `Show me: ${productTitle(q.productId) || 'a product'}` : q.text }),
    el('span', { class: 'muted', text: q.viewer.displayName }),
    el('button', { type: 'button', class: 'secondary small', 'aria-label': `Upvote (${q.votes} votes)`, onclick: upvote }, `▲ ${q.votes}`));
}

/** @param {QuestionView[]} items */
export const renderQuestions = (items) => put($('questions'), ...items.map(questionItem));

/** @param {SubmitEvent} e */
async function ask(e) {
  e.preventDefault();
  const input = inputEl('ask-input');
  if (!input.value.trim() || !(await ensureName())) return;
  send({ type: 'ask', text: input.value.trim() });
  input.value = '';
  toast('Question sent to the host');
}

export function wireQuestions() {
  $('ask-form').addEventListener('submit', ask);
}
