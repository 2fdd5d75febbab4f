// The scheduler's containment: a store that cannot record a send (a full disk) neither stops the
// other pushes nor makes the pass push the same rows again at once, and tick() never rejects;
// a failed "starts soon" push leaves the go-live push its own tries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from '../../src/db/open.js';
import { createReminderRepository } from '../../src/db/reminder-repository.js';
import { EventBus } from '../../src/domain/events.js';
import type { DueReminder, ReminderStore } from '../../src/domain/reminder.js';
import type { PushMessage, PushSender } from '../../src/reach/push-sender.js';
import { ReminderScheduler } from '../../src/reach/reminder-scheduler.js';
import { captureLogs } from '../helpers/capture-logs.js';

const due = (id: string): DueReminder => ({
  reminder: { id, showId: 'show1', endpoint: `https://push.example/secret-${id}`, keys: { p256dh: 'p', auth: 'a' }, minutesBefore: null, createdAt: 0, sentBeforeAt: null, sentLiveAt: null, failures: 0, retryAt: null },
  kind: 'live',
  title: 'Show',
  scheduledAt: null,
});

t.test('a send whose state cannot be stored: logged, the others sent, nothing pushed twice in one pass', async (t) => {
  // 100 due rows (a full batch, so a pass would ask again): the store fails to record one
  const rows = Array.from({ length: 100 }, (_, i) => due(`r${i}`));
  const marked = new Set<string>();
  const store = {
    due: () => rows.filter((r) => !marked.has(r.reminder.id)),
    markSent: (id: string) => {
      if (id === 'r7') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      marked.add(id);
    },
  } as unknown as ReminderStore;
  const sent: string[] = [];
  const sender: PushSender = { send: async (m: PushMessage) => (sent.push(m.endpoint), { status: 'sent', statusCode: 201 }) };
  const { logger, text } = captureLogs('debug');
  const scheduler = new ReminderScheduler({ store, sender, publicUrl: 'https://shop.example', logger, concurrency: 3 });
  await t.resolves(scheduler.tick());
  t.equal(sent.length, 100, 'every row pushed once, none twice');
  t.equal(new Set(sent).size, 100);
  t.match(text(), /reminder state not stored/);
  t.match(text(), /"sent":99,"gone":0,"failed":1/);
  t.notOk(text().includes('secret-'), 'no endpoint path in the logs');
  await scheduler.tick();
  t.equal(sent.length, 101, 'the unrecorded one is due again at the next pass');
  await scheduler.stop();
  await scheduler.tick();
  t.equal(sent.length, 101, 'nothing once stopped');
});

t.test('a "starts soon" push that kept failing does not hold back the go-live push (real store)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawker-reminders-'));
  const db = openDatabase(join(dir, 'hawker.db'));
  t.teardown(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let now = 1_000_000;
  db.prepare("INSERT INTO shows (id, title, status, stream_key, created_at, scheduled_at) VALUES ('s1', 'Drop', 'scheduled', 'k', 0, ?)").run(now + 10 * 60_000);
  const store = createReminderRepository(db);
  store.upsert({ showId: 's1', endpoint: 'https://push.example/secret-1', keys: { p256dh: 'p', auth: 'a' }, minutesBefore: 15, at: now });
  const kinds: string[] = [];
  let failSoon = true;
  const sender: PushSender = {
    send: async (m: PushMessage) => {
      const kind = (JSON.parse(m.payload) as { kind: string }).kind;
      kinds.push(kind);
      return kind === 'soon' && failSoon ? { status: 'failed', statusCode: 500, error: 'push service down' } : { status: 'sent', statusCode: 201 };
    },
  };
  const { logger } = captureLogs('debug');
  const scheduler = new ReminderScheduler({ store, sender, publicUrl: 'https://shop.example', logger, now: () => now, maxAttempts: 5, retryBaseMs: 60 * 60_000 });
  const bus = new EventBus(() => undefined);
  scheduler.subscribe(bus);
  await scheduler.tick();
  await scheduler.tick();
  t.same(kinds, ['soon'], 'the soon push failed; its retry is an hour away');
  failSoon = false;
  now += 60_000;
  db.prepare("UPDATE shows SET status = 'live', started_at = ? WHERE id = 's1'").run(now);
  bus.emit({ type: 'show.live', showId: 's1', at: now });
  await scheduler.tick();
  t.same(kinds, ['soon', 'live'], "the go-live push went out at once, not after the soon push's backoff");
  await scheduler.stop();
});
