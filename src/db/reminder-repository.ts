import { randomBytes } from 'node:crypto';
import type { DueReminder, Reminder, ReminderKind, ReminderStore } from '../domain/reminder.js';
import type { Db } from './open.js';

interface Row {
  id: string;
  showId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  minutesBefore: number | null;
  createdAt: number;
  sentBeforeAt: number | null;
  sentLiveAt: number | null;
  failures: number;
  retryAt: number | null;
}

const COLUMNS = `r.id, r.show_id AS showId, r.endpoint, r.p256dh, r.auth, r.minutes_before AS minutesBefore, r.created_at AS createdAt,
  r.sent_before_at AS sentBeforeAt, r.sent_live_at AS sentLiveAt, r.failures, r.retry_at AS retryAt`;

const toReminder = (r: Row): Reminder => ({
  id: r.id,
  showId: r.showId,
  endpoint: r.endpoint,
  keys: { p256dh: r.p256dh, auth: r.auth },
  minutesBefore: r.minutesBefore,
  createdAt: r.createdAt,
  sentBeforeAt: r.sentBeforeAt,
  sentLiveAt: r.sentLiveAt,
  failures: r.failures,
  retryAt: r.retryAt,
});

/** reminders: Web Push subscriptions per show and which of their pushes went out */
export function createReminderRepository(db: Db): ReminderStore {
  const byEndpoint = db.prepare<[showId: string, endpoint: string], Row>(`SELECT ${COLUMNS} FROM reminders r WHERE r.show_id = ? AND r.endpoint = ?`);
  const insert = db.prepare<[id: string, showId: string, endpoint: string, p256dh: string, auth: string, minutesBefore: number | null, at: number]>(
    'INSERT INTO reminders (id, show_id, endpoint, p256dh, auth, minutes_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  // asked again: new keys and lead time, and the "soon" push due again for the new time
  const update = db.prepare<[p256dh: string, auth: string, minutesBefore: number | null, id: string]>(
    'UPDATE reminders SET p256dh = ?, auth = ?, minutes_before = ?, sent_before_at = NULL, failures = 0, retry_at = NULL WHERE id = ?',
  );
  const del = db.prepare<[showId: string, endpoint: string]>('DELETE FROM reminders WHERE show_id = ? AND endpoint = ?');
  const delId = db.prepare<[id: string]>('DELETE FROM reminders WHERE id = ?');
  const delShow = db.prepare<[showId: string]>('DELETE FROM reminders WHERE show_id = ?');
  const count = db.prepare<[showId: string], number>('SELECT count(*) FROM reminders WHERE show_id = ?').pluck();
  const due = db.prepare<{ now: number; limit: number }, Row & { title: string; scheduledAt: number | null; status: string }>(
    `SELECT ${COLUMNS}, s.title, s.scheduled_at AS scheduledAt, s.status
       FROM reminders r JOIN shows s ON s.id = r.show_id
      WHERE r.sent_live_at IS NULL
        AND (r.retry_at IS NULL OR r.retry_at <= @now)
        AND (s.status = 'live'
             OR (s.status = 'scheduled' AND r.minutes_before IS NOT NULL AND r.sent_before_at IS NULL
                 AND s.scheduled_at IS NOT NULL AND s.scheduled_at - r.minutes_before * 60000 <= @now))
      ORDER BY r.created_at, r.id
      LIMIT @limit`,
  );
  const sentLive = db.prepare<[at: number, id: string]>('UPDATE reminders SET sent_live_at = ?, failures = 0, retry_at = NULL WHERE id = ?');
  const sentBefore = db.prepare<[at: number, id: string]>('UPDATE reminders SET sent_before_at = ?, failures = 0, retry_at = NULL WHERE id = ?');
  const failed = db.prepare<[failures: number, retryAt: number, id: string]>('UPDATE reminders SET failures = ?, retry_at = ? WHERE id = ?');
  const clearRetries = db.prepare<[showId: string]>('UPDATE reminders SET failures = 0, retry_at = NULL WHERE show_id = ? AND sent_live_at IS NULL AND (failures > 0 OR retry_at IS NOT NULL)');
  const upsert = db.transaction((input: Parameters<ReminderStore['upsert']>[0]) => {
    const found = byEndpoint.get(input.showId, input.endpoint);
    if (found) {
      update.run(input.keys.p256dh, input.keys.auth, input.minutesBefore, found.id);
      return { reminder: toReminder(byEndpoint.get(input.showId, input.endpoint) as Row), created: false };
    }
    const id = randomBytes(9).toString('base64url');
    insert.run(id, input.showId, input.endpoint, input.keys.p256dh, input.keys.auth, input.minutesBefore, input.at);
    return { reminder: toReminder(byEndpoint.get(input.showId, input.endpoint) as Row), created: true };
  });
  return {
    upsert: (input) => upsert(input),
    remove: (showId, endpoint) => del.run(showId, endpoint).changes > 0,
    removeById: (id) => void delId.run(id),
    clearRetries: (showId) => void clearRetries.run(showId),
    removeForShow: (showId) => delShow.run(showId).changes,
    countForShow: (showId) => count.get(showId) ?? 0,
    due: (now, limit): DueReminder[] =>
      due.all({ now, limit }).map((r) => ({ reminder: toReminder(r), kind: r.status === 'live' ? 'live' : 'soon', title: r.title, scheduledAt: r.scheduledAt })),
    markSent: (id, kind: ReminderKind, at) => void (kind === 'live' ? sentLive : sentBefore).run(at, id),
    markFailed: (id, failures, retryAt) => void failed.run(failures, retryAt, id),
  };
}
