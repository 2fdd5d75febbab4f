import type { HostActivityRepository } from '../domain/ports.js';
import type { Db } from './open.js';

/** What loyalty reads across a host's shows: watch_sessions, chat_messages and orders, joined to shows by host. */
export function createHostActivityRepository(db: Db): HostActivityRepository {
  const hostWatch = db.prepare<[viewerId: string, host: string], number>(
    `SELECT coalesce(sum(w.last_seen_at - w.joined_at), 0) FROM watch_sessions w JOIN shows s ON s.id = w.show_id
     WHERE w.viewer_id = ? AND s.host = ?`,
  ).pluck();
  const hostComments = db.prepare<[viewerId: string, host: string], number>(
    `SELECT count(*) FROM chat_messages m JOIN shows s ON s.id = m.show_id WHERE m.viewer_id = ? AND s.host = ? AND m.deleted_at IS NULL`,
  ).pluck();
  const hostPurchases = db.prepare<[viewerId: string, host: string], number>(
    `SELECT count(*) FROM orders o JOIN shows s ON s.id = o.show_id WHERE o.viewer_id = ? AND s.host = ? AND o.status IN ('pending', 'paid', 'shipped')`,
  ).pluck();
  return {
    hostActivity: (viewerId, host) => ({
      watchMs: hostWatch.get(viewerId, host) ?? 0,
      comments: hostComments.get(viewerId, host) ?? 0,
      purchases: hostPurchases.get(viewerId, host) ?? 0,
    }),
  };
}
