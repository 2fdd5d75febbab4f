import t from 'tap';
import type { Poll, PollResults } from '../../src/domain/audience.js';
import { LivePolls } from '../../src/realtime/polls.js';
import { FakeBroadcaster, fakeEvents, fakeShows, showRow } from '../helpers/fake-audience.js';

/** Polls on their own: a fake broadcaster, in-memory polls, the tick's results push called by hand. */
function setup(closedOnVideoMs?: number) {
  const polls = new Map<string, Poll>();
  const votes = new Map<string, Map<string, number>>();
  const repo = {
    create: (p: Poll) => void polls.set(p.id, { ...p }),
    get: (id: string) => polls.get(id),
    current: (showId: string) => [...polls.values()].filter((p) => p.showId === showId).at(-1),
    close: (id: string, at: number) => void (polls.get(id)!.closedAt = at),
    vote: (pollId: string, viewerId: string, option: number) => {
      const v = votes.get(pollId) ?? new Map<string, number>();
      votes.set(pollId, v);
      if (v.has(viewerId)) return false;
      v.set(viewerId, option);
      return true;
    },
    tally: (pollId: string) => {
      const counts: number[] = [];
      for (const o of votes.get(pollId)?.values() ?? []) counts[o] = (counts[o] ?? 0) + 1;
      return counts;
    },
  };
  const out = new FakeBroadcaster();
  const events = fakeEvents();
  const overlay: Array<{ poll: PollResults | null; record: boolean }> = [];
  const activity: string[] = [];
  const shows = fakeShows(showRow(), showRow({ id: 'over', status: 'ended' }));
  let clock = 5_000;
  const live = new LivePolls({
    shows,
    events,
    polls: repo,
    out,
    showPollOnOverlay: (_showId, poll, record) => void overlay.push({ poll, record }),
    activity: (showId, viewerId, kind) => void activity.push(`${showId}:${viewerId}:${kind}`),
    now: () => (clock += 1),
    ...(closedOnVideoMs !== undefined ? { closedOnVideoMs } : {}),
  });
  return { live, out, events, overlay, activity, polls };
}

const code = (c: string) => ({ code: c });

t.test('opening: checked, on the timeline, out to the room, on the video only when asked', async (t) => {
  const { live, out, events, overlay } = setup();
  t.throws(() => live.open('nope', { question: 'Q?', options: ['a', 'b'], onOverlay: false }), code('SHOW_NOT_FOUND'));
  t.throws(() => live.open('over', { question: 'Q?', options: ['a', 'b'], onOverlay: false }), code('SHOW_ENDED'));
  t.throws(() => live.open('show1', { question: 'Q?', options: ['a'], onOverlay: false }), code('INVALID_POLL'));
  t.throws(() => live.open('show1', { question: 'Q?', options: ['Red', 'red'], onOverlay: false }), code('INVALID_POLL'));
  t.equal(out.sent.length, 0, 'nothing published for a refused poll');

  const first = live.open('show1', { question: 'Which colour?', options: ['Red', 'Blue'], onOverlay: false });
  t.match(first, { question: 'Which colour?', options: [{ label: 'Red', votes: 0 }, { label: 'Blue', votes: 0 }], totalVotes: 0, open: true, onOverlay: false });
  t.same(overlay.at(-1), { poll: null, record: true }, 'not on the video: the overlay is cleared');
  const second = live.open('show1', { question: 'Which size?', options: ['S', 'M', 'L'], onOverlay: true });
  t.same(overlay.at(-1), { poll: second, record: true }, 'on the video, recorded');
  t.same(out.of('poll').map((m) => m.poll.id), [first.id, second.id]);
  t.same(events.appended.map((e) => e.type), ['poll.opened', 'poll.opened']);
  t.equal(live.current('show1')?.id, second.id, 'the newest is current');
});

t.test('votes: one per viewer, in range, counted; the tally goes out once per results push', async (t) => {
  const { live, out, overlay, activity } = setup();
  const poll = live.open('show1', { question: 'Which size?', options: ['S', 'M'], onOverlay: true });
  out.sent.length = 0;
  overlay.length = 0;
  t.throws(() => live.vote('show1', 'v1', 'nope', 0), code('POLL_NOT_FOUND'));
  t.throws(() => live.vote('other', 'v1', poll.id, 0), code('POLL_NOT_FOUND'), 'a poll of another show');
  t.throws(() => live.vote('show1', 'v1', poll.id, 2), code('INVALID_MESSAGE'));
  live.vote('show1', 'v1', poll.id, 1);
  live.vote('show1', 'v2', poll.id, 1);
  t.throws(() => live.vote('show1', 'v1', poll.id, 0), code('ALREADY_VOTED'));
  t.same(activity, ['show1:v1:vote', 'show1:v2:vote'], 'each vote counts as activity');
  t.equal(out.sent.length, 0, 'votes wait for the tick');

  live.push('show1');
  t.same(out.of('poll').map((m) => m.poll.options.map((o) => o.votes)), [[0, 2]], 'one tally for both votes');
  t.same(overlay, [{ poll: { ...poll, options: [{ label: 'S', votes: 0 }, { label: 'M', votes: 2 }], totalVotes: 2 }, record: false }], 'the video follows, not recorded');
  live.push('show1');
  t.equal(out.of('poll').length, 1, 'nothing new, nothing sent');
});

t.test('closing: final results out, on the timeline; the pending push is dropped; closing twice changes nothing', async (t) => {
  const { live, out, events, overlay } = setup();
  t.throws(() => live.close('show1'), code('POLL_NOT_FOUND'));
  const poll = live.open('show1', { question: 'Which size?', options: ['S', 'M'], onOverlay: true });
  live.vote('show1', 'v1', poll.id, 0);
  const closed = live.close('show1');
  t.match(closed, { open: false, totalVotes: 1 });
  t.same(overlay.at(-1), { poll: closed, record: true });
  t.same(events.appended.map((e) => e.type), ['poll.opened', 'poll.closed']);
  const sent = out.of('poll').length;
  live.push('show1');
  t.equal(out.of('poll').length, sent, 'the close already carried the tally');
  t.throws(() => live.vote('show1', 'v2', poll.id, 0), code('POLL_CLOSED'));
  t.same(live.close('show1'), closed, 'closing again returns the same results');
  t.equal(events.appended.length, 2, 'and records nothing more');
  live.hide('show1');
  t.same(overlay.at(-1), { poll: null, record: true }, 'hidden from the video');
  t.same(live.view('show1'), closed, 'the results stay');
});

t.test('a closed poll leaves the video once its final results have been shown', async (t) => {
  const { live, overlay } = setup(50);
  const poll = live.open('show1', { question: 'Which size?', options: ['S', 'M'], onOverlay: true });
  const closed = live.close('show1');
  t.same(overlay.at(-1), { poll: closed, record: true }, 'the final results first');
  await new Promise((r) => setTimeout(r, 120));
  t.same(overlay.at(-1), { poll: null, record: true }, 'then off the video, on the timeline');
  t.equal(poll.id, closed.id);

  // a new poll opened meanwhile keeps its place on the video
  live.open('show1', { question: 'Colour?', options: ['Red', 'Blue'], onOverlay: true });
  live.close('show1');
  const next = live.open('show1', { question: 'Length?', options: ['10 m', '30 m'], onOverlay: true });
  const drawn = overlay.length;
  await new Promise((r) => setTimeout(r, 120));
  t.equal(overlay.length, drawn, 'the timer of the closed one does nothing');
  t.same(overlay.at(-1), { poll: next, record: true });
});
