import type { WatchSessionRepository } from '../domain/ports.js';
import type { Db } from './open.js';

/** watch_sessions: who watched which show, and for how long */
export function createWatchSessionRepository(db: Db): WatchSessionRepository {
  const open = db.prepare<[showId: string, viewerId: string, joinedAt: number, lastSeenAt: number]>('INSERT INTO watch_sessions (show_id, viewer_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)');
  const touch = db.prepare<[at: number, id: number]>('UPDATE watch_sessions SET last_seen_at = ? WHERE id = ?');
  const touchMany = db.transaction((ids: number[], at: number) => {
    for (const id of ids) touch.run(at, id);
  });
  const watch = db.prepare<[viewerId: string, showId: string], number>('SELECT coalesce(sum(last_seen_at - joined_at), 0) FROM watch_sessions WHERE viewer_id = ? AND show_id = ?').pluck();
  const between = db.prepare<[showId: string, before: number, notBefore: number], string>('SELECT DISTINCT viewer_id FROM watch_sessions WHERE show_id = ? AND joined_at < ? AND last_seen_at >= ?').pluck();
  return {
    openSession: (showId, viewerId, at) => Number(open.run(showId, viewerId, at, at).lastInsertRowid),
    touchSessions: (ids, at) => touchMany(ids, at),
    viewersBetween: (showId, from, to) => between.all(showId, to, from),
    watchMs: (viewerId, showId) => watch.get(viewerId, showId) ?? 0,
  };
}
