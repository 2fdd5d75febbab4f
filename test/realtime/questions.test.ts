import t from 'tap';
import type { Question } from '../../src/domain/audience.js';
import { LiveQuestions } from '../../src/realtime/questions.js';
import { FakeBroadcaster, fakeShows, showRow } from '../helpers/fake-audience.js';

/** Questions on their own: in-memory questions, a fake chat gate and broadcaster, the results push by hand. */
function setup() {
  const rows = new Map<string, Omit<Question, 'votes' | 'displayName'> & { voters: Set<string> }>();
  const repo = {
    create: (q: Omit<Question, 'votes' | 'displayName'>) => void rows.set(q.id, { ...q, voters: new Set() }),
    get: (id: string) => {
      const q = rows.get(id);
      return q ? { ...q, displayName: q.viewerId, votes: q.voters.size } : undefined;
    },
    ranked: (showId: string, includeAnswered: boolean, limit: number) =>
      [...rows.values()]
        .filter((q) => q.showId === showId && (includeAnswered || q.answeredAt == null))
        .sort((a, b) => Number(a.answeredAt != null) - Number(b.answeredAt != null) || b.voters.size - a.voters.size || a.at - b.at)
        .slice(0, limit)
        .map((q) => ({ ...q, displayName: q.viewerId, votes: q.voters.size })),
    upvote: (id: string, viewerId: string) => {
      const q = rows.get(id)!;
      if (q.voters.has(viewerId)) return false;
      q.voters.add(viewerId);
      return true;
    },
    markAnswered: (id: string, at: number) => {
      rows.get(id)!.answeredAt = at;
      return true;
    },
  };
  const gate: string[] = [];
  const out = new FakeBroadcaster();
  const questions = new LiveQuestions({
    shows: fakeShows(showRow()),
    questions: repo,
    lineup: { get: () => ['hose'] },
    speech: {
      check: (raw) => (raw.includes('spam') ? { ok: false, code: 'MESSAGE_BLOCKED', message: 'no' } : { ok: true, text: raw.trim() }),
      requireMaySpeak: (_showId, viewerId) => void gate.push(`may:${viewerId}`),
      takeToken: (viewerId) => void gate.push(`token:${viewerId}`),
    },
    out,
    now: () => 9_000,
  });
  return { questions, out, gate };
}

const ann = { id: 'ann', displayName: 'Ann' };

t.test('asking: chat rules, sanctions and rate first; a demo request names a product of the lineup', async (t) => {
  const { questions, out, gate } = setup();
  t.throws(() => questions.ask('show1', ann, 'question', 'spam?', null, 1), { code: 'MESSAGE_BLOCKED' });
  t.throws(() => questions.ask('show1', ann, 'demo', '', 'sofa', 1), { code: 'NOT_IN_LINEUP' });
  const q = questions.ask('show1', ann, 'question', ' Does it kink? ', 'hose', 1);
  t.match(q, { text: 'Does it kink?', kind: 'question', productId: 'hose', displayName: 'Ann', votes: 0, answeredAt: null });
  const demo = questions.ask('show1', ann, 'demo', 'ignored', 'hose', 2);
  t.equal(demo.text, '', 'a demo request carries no text');
  t.same(gate, ['may:ann', 'may:ann', 'may:ann', 'token:ann', 'may:ann', 'token:ann'], 'sanctions checked every time; the rate only for what is taken');
  t.equal(out.sent.length, 0, 'the list waits for the tick');
});

t.test('upvotes rank the list; one push per change; answered ones leave the list viewers see', async (t) => {
  const { questions, out } = setup();
  const a = questions.ask('show1', ann, 'question', 'first?', null, 1);
  const b = questions.ask('show1', ann, 'question', 'second?', null, 2);
  questions.upvote('show1', 'bob', b.id);
  t.throws(() => questions.upvote('show1', 'bob', b.id), { code: 'ALREADY_UPVOTED' });
  t.throws(() => questions.upvote('show2', 'bob', b.id), { code: 'QUESTION_NOT_FOUND' });
  questions.push('show1');
  questions.push('show1');
  t.same(out.of('questions').map((m) => m.items.map((i) => [i.text, i.votes])), [[['second?', 1], ['first?', 0]]], 'one push, ranked by votes');
  questions.answer('show1', b.id);
  t.throws(() => questions.answer('nope', b.id), { code: 'SHOW_NOT_FOUND' });
  questions.push('show1');
  t.same(out.of('questions').at(-1)!.items.map((i) => i.id), [a.id]);
  t.same(questions.queue('show1', true).map((q) => [q.id, q.answered]), [[a.id, false], [b.id, true]], 'the host can still see answered ones');
  t.equal(questions.top('show1')[0]!.at, new Date(1).toISOString());
});
