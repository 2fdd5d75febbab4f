// The audience's tables on a real SQLite file, one repository file each: what the typed
// statements read back (counts as numbers, rows mapped to the domain's shapes, 0 when nothing).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createChatRepository } from '../../src/db/chat-repository.js';
import { createHostActivityRepository } from '../../src/db/host-activity-repository.js';
import { createHostVoiceRepository } from '../../src/db/host-voice-repository.js';
import { createModerationRepository } from '../../src/db/moderation-repository.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createPollRepository } from '../../src/db/poll-repository.js';
import { createQuestionRepository } from '../../src/db/question-repository.js';
import { createShowRepository } from '../../src/db/show-repository.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';
import { createWatchSessionRepository } from '../../src/db/watch-session-repository.js';
import type { ChatMessage } from '../../src/domain/audience.js';

function setup(t: { teardown(fn: () => void): void }): Db {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hawker-audience-')), 'h.db'));
  t.teardown(() => db.close());
  const shows = createShowRepository(db);
  for (const [id, host] of [['show1', 'Mia'], ['show2', 'Mia'], ['other', 'Tom']] as const) {
    shows.create({ id, title: id, host, scheduledAt: null, status: 'scheduled', streamKey: id.padEnd(43, 'k'), createdAt: 1, startedAt: null, endedAt: null, recordingDeletedAt: null });
  }
  const viewers = createViewerRepository(db);
  viewers.create({ id: 'ann', displayName: 'Ann', createdAt: 5 }, 'a'.repeat(64));
  viewers.create({ id: 'bob', displayName: 'Bob', createdAt: 6 }, 'b'.repeat(64));
  return db;
}

const line = (id: string, over: Partial<ChatMessage> = {}): ChatMessage => ({ id, showId: 'show1', viewerId: 'ann', displayName: 'Ann', text: id, at: Number(id.slice(1)), streamMs: null, deletedAt: null, ...over });

t.test('chat: a retried line is stored once; recent is oldest first; counts skip deleted lines; settings default', async (t) => {
  const chat = createChatRepository(setup(t));
  chat.insertMany([line('m1'), line('m2'), line('m3', { viewerId: 'bob' }), line('m4', { showId: 'show2' })]);
  chat.insertMany([line('m2')]);
  t.same(chat.recent('show1', 10).map((m) => m.id), ['m1', 'm2', 'm3']);
  t.same(chat.recent('show1', 2).map((m) => m.id), ['m2', 'm3'], 'the last ones');
  t.match(chat.get('m3'), { id: 'm3', viewerId: 'bob', displayName: 'Bob', deletedAt: null });
  t.equal(chat.countForViewer('ann', 'show1'), 2);
  t.equal(chat.markDeleted('m1', 10, 'host'), true);
  t.equal(chat.markDeleted('m1', 11, 'host'), false, 'once');
  t.equal(chat.countForViewer('ann', 'show1'), 1);
  t.same(chat.markAllDeletedBy('ann', 12, 'ban'), [{ id: 'm2', showId: 'show1' }, { id: 'm4', showId: 'show2' }]);
  t.equal(chat.countForViewer('ann', 'show1'), 0, 'a number, not undefined');
  t.same(chat.settings('show1'), { slowModeSeconds: 0, linksAllowed: false, pinnedMessageId: null });
  chat.saveSettings('show1', { slowModeSeconds: 5, linksAllowed: true, pinnedMessageId: 'm3' });
  t.same(chat.settings('show1'), { slowModeSeconds: 5, linksAllowed: true, pinnedMessageId: 'm3' });
});

t.test('moderation: a ban outranks a timeout; lifting ends both; moderators carry their names', async (t) => {
  const moderation = createModerationRepository(setup(t));
  moderation.addSanction({ viewerId: 'ann', showId: 'show1', kind: 'timeout', until: 100 }, 1);
  t.same(moderation.activeSanction('ann', 'show1', 50), { viewerId: 'ann', showId: 'show1', kind: 'timeout', until: 100 });
  t.equal(moderation.activeSanction('ann', 'show1', 100), undefined, 'expired');
  t.equal(moderation.activeSanction('ann', 'show2', 50), undefined, 'another show');
  moderation.addSanction({ viewerId: 'ann', showId: null, kind: 'ban', until: null }, 2);
  t.same(moderation.activeSanction('ann', 'show1', 50), { viewerId: 'ann', showId: null, kind: 'ban', until: null });
  t.equal(moderation.liftSanctions('ann', 3), 2);
  t.equal(moderation.activeSanction('ann', 'show1', 50), undefined);
  t.equal(moderation.isModerator('bob'), false);
  moderation.setModerator('bob', true, 7);
  moderation.setModerator('bob', true, 8);
  t.same(moderation.moderators(), [{ viewerId: 'bob', displayName: 'Bob', grantedAt: 7 }]);
  moderation.setModerator('bob', false, 9);
  t.equal(moderation.isModerator('bob'), false);
});

t.test("host voices: one viewers row per host, made on first use, that no token opens", async (t) => {
  const db = setup(t);
  const voices = createHostVoiceRepository(db);
  const mia = voices.hostVoice('Mia', 'Mia', 1);
  t.same(voices.hostVoice('Mia', 'Someone else', 2), mia, 'the same row');
  t.not(voices.hostVoice('Tom', 'Tom', 3).id, mia.id);
  t.same(voices.hostVoiceIds().sort(), [mia.id, voices.hostVoice('Tom', 'Tom', 4).id].sort());
  t.same(createViewerRepository(db).get(mia.id), { id: mia.id, displayName: 'Mia', createdAt: 1 });
});

t.test('viewers: looked up by id', async (t) => {
  const viewers = createViewerRepository(setup(t));
  t.same(viewers.get('ann'), { id: 'ann', displayName: 'Ann', createdAt: 5 });
  t.equal(viewers.get('nobody'), undefined);
});

t.test('polls and questions: tallies, one vote each, ranked questions', async (t) => {
  const db = setup(t);
  const polls = createPollRepository(db);
  polls.create({ id: 'p1', showId: 'show1', question: 'Red?', options: ['yes', 'no', 'maybe'], onOverlay: true, openedAt: 1, closedAt: null });
  t.same(polls.current('show1'), { id: 'p1', showId: 'show1', question: 'Red?', options: ['yes', 'no', 'maybe'], onOverlay: true, openedAt: 1, closedAt: null });
  t.equal(polls.vote('p1', 'ann', 2, 2), true);
  t.equal(polls.vote('p1', 'ann', 0, 3), false, 'once');
  t.equal(polls.vote('p1', 'bob', 2, 4), true);
  t.same(polls.tally('p1'), [undefined, undefined, 2]);
  t.equal(polls.votesInShow('ann', 'show1'), 1);
  t.equal(polls.votesInShow('ann', 'show2'), 0);
  polls.close('p1', 5);
  t.equal(polls.get('p1')?.closedAt, 5);

  const questions = createQuestionRepository(db);
  questions.create({ id: 'q1', showId: 'show1', viewerId: 'ann', kind: 'question', text: 'Size?', productId: null, at: 1, answeredAt: null });
  questions.create({ id: 'q2', showId: 'show1', viewerId: 'bob', kind: 'question', text: 'Colour?', productId: null, at: 2, answeredAt: null });
  t.equal(questions.upvote('q2', 'ann'), true);
  t.equal(questions.upvote('q2', 'ann'), false, 'once');
  t.same(questions.ranked('show1', false, 10).map((q) => [q.id, q.votes, q.displayName]), [['q2', 1, 'Bob'], ['q1', 0, 'Ann']]);
  t.equal(questions.markAnswered('q2', 3), true);
  t.same(questions.ranked('show1', false, 10).map((q) => q.id), ['q1'], 'answered ones left out');
  t.same(questions.ranked('show1', true, 10).map((q) => q.id), ['q1', 'q2'], 'or last');
});

t.test('watch sessions and host activity: watch time, who watched when, activity across the host\'s shows', async (t) => {
  const db = setup(t);
  const sessions = createWatchSessionRepository(db);
  const activity = createHostActivityRepository(db);
  t.equal(sessions.watchMs('ann', 'show1'), 0, '0 before any session');
  t.same(activity.hostActivity('ann', 'Mia'), { watchMs: 0, comments: 0, purchases: 0 });
  const a = sessions.openSession('show1', 'ann', 1000);
  const b = sessions.openSession('show2', 'ann', 5000);
  const c = sessions.openSession('other', 'ann', 5000);
  sessions.openSession('show1', 'bob', 50_000);
  t.ok(a > 0 && b > a && c > b, 'row ids');
  sessions.touchSessions([a, b, c], 61_000);
  t.equal(sessions.watchMs('ann', 'show1'), 60_000);
  t.same(sessions.viewersBetween('show1', 0, 10_000), ['ann']);
  t.same(sessions.viewersBetween('show1', 45_000, 70_000).sort(), ['ann', 'bob']);
  t.same(sessions.viewersBetween('show1', 62_000, 70_000), [], 'nobody seen since');
  createChatRepository(db).insertMany([line('m1'), line('m2', { showId: 'show2' }), line('m3', { showId: 'other' })]);
  t.same(activity.hostActivity('ann', 'Mia'), { watchMs: 60_000 + 56_000, comments: 2, purchases: 0 }, "Mia's two shows, not Tom's");
});
