import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { Viewers } from '../../src/commerce/viewers.js';
import { createChatRepository } from '../../src/db/chat-repository.js';
import { createHostVoiceRepository } from '../../src/db/host-voice-repository.js';
import { createModerationRepository } from '../../src/db/moderation-repository.js';
import { createPollRepository } from '../../src/db/poll-repository.js';
import { createQuestionRepository } from '../../src/db/question-repository.js';
import { createWatchSessionRepository } from '../../src/db/watch-session-repository.js';
import { createLineupRepository } from '../../src/db/lineup-repository.js';
import { openDatabase } from '../../src/db/open.js';
import { createViewerRepository } from '../../src/db/viewer-repository.js';
import { createShowEventRepository, createShowRepository } from '../../src/db/show-repository.js';
import { createLogger } from '../../src/log/logger.js';
import { ChatRules } from '../../src/realtime/chat-rules.js';
import type { LiveLink } from '../../src/realtime/room.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { buildLiveHub, emptyOverlay } from '../helpers/live-hub.js';
import { sleep } from '../helpers/wait.js';

/**
 * The hub's paths that run outside any request (a socket's close handler, the tick, the
 * once-a-minute presence) on real repositories whose writes fail as SQLite fails on a full
 * disk. Before the fix each of these threw: from a timer or a socket event that ends the process.
 */
const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

t.test('socket close, tick and minute record on a full disk: nothing throws, chat is kept and written later', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-hub-full-'));
  const db = openDatabase(join(dir, 'h.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let full = false;
  const failing = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    if (full) throw sqliteFull();
    return fn(...args);
  };
  const shows = createShowRepository(db);
  const realEvents = createShowEventRepository(db);
  const realChat = createChatRepository(db);
  const realSessions = createWatchSessionRepository(db);
  const events = { ...realEvents, append: failing(realEvents.append) };
  const chat = { ...realChat, insertMany: failing(realChat.insertMany) };
  const sessions = { ...realSessions, touchSessions: failing(realSessions.touchSessions), openSession: failing(realSessions.openSession) };
  const viewerRows = createViewerRepository(db);
  const viewers = new Viewers(viewerRows);
  const logger = createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  let clock = 1_000_000;
  const { hub } = buildLiveHub({
    shows,
    events,
    chat,
    moderation: createModerationRepository(db),
    voices: createHostVoiceRepository(db),
    polls: createPollRepository(db),
    questions: createQuestionRepository(db),
    sessions,
    viewers: viewerRows,
    lineup: createLineupRepository(db),
    rules: new ChatRules([]),
    limits: { ...defaultConfig.audience, chatPerMinute: 10_000, chatBurst: 1000 },
    levelOf: () => ({ level: 0, badge: '' }),
    viewerByToken: (token) => viewers.byToken(token),
    overlayView: emptyOverlay,
    showPollOnOverlay: () => undefined,
    chatBacklogMax: 100,
    logger,
    tickMs: 5,
    now: () => clock,
  });
  shows.create({ id: 'show1', title: 'Full', host: 'Mia', streamKey: 'k'.repeat(32), status: 'live', scheduledAt: null, startedAt: clock, endedAt: null, recordingDeletedAt: null, createdAt: clock });
  const { token } = viewers.register('Ann');
  const frames: string[] = [];
  const link: LiveLink = { send: (f) => void frames.push(f.toString()), bufferedAmount: 0, close: () => undefined };
  const session = hub.connect('show1', { kind: 'viewer', token }, link)!;
  t.ok(session, 'connected');
  hub.start();
  t.teardown(() => hub.stop());

  full = true;
  for (let i = 0; i < 5; i += 1) session.receive(Buffer.from(JSON.stringify({ type: 'chat', text: `line ${i}` })), false);
  clock += 61_000; // the next tick records the minute: presence event and watch time, both fail
  await sleep(50);
  t.equal(hub.chatBacklog, 5, 'the lines wait in memory');
  t.ok(frames.some((f) => f.includes('line 4')), 'and went out to the room all the same');

  const second = hub.connect('show1', { kind: 'viewer', token }, { send: () => undefined, bufferedAmount: 0, close: () => undefined });
  t.ok(second, 'a viewer can join while no watch session can be written');
  t.doesNotThrow(() => session.closed(), 'the socket close handler does not throw');

  full = false;
  clock += 1000; // while failing, the tick retries once a second
  await sleep(50);
  t.equal(hub.chatBacklog, 0, 'written once space is back');
  t.same(realChat.recent('show1', 50).map((m) => m.text), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'], 'in order, once each');
});
