import type { ChatMessage, ChatSettings } from '../domain/audience.js';
import type { ChatRepository } from '../domain/ports.js';
import type { Db } from './open.js';

interface ChatRow {
  id: string;
  show_id: string;
  viewer_id: string;
  display_name: string;
  text: string;
  at: number;
  stream_ms: number | null;
  deleted_at: number | null;
}

const toChat = (r: ChatRow): ChatMessage => ({
  id: r.id,
  showId: r.show_id,
  viewerId: r.viewer_id,
  displayName: r.display_name,
  text: r.text,
  at: r.at,
  streamMs: r.stream_ms,
  deletedAt: r.deleted_at,
});

/** chat_messages and chat_settings */
export function createChatRepository(db: Db): ChatRepository {
  const insert = db.prepare<[ChatMessage]>(
    // a line the hub retries after a failed write is stored once, whatever the failure left behind
    `INSERT INTO chat_messages (id, show_id, viewer_id, text, at, stream_ms, deleted_at) VALUES (@id, @showId, @viewerId, @text, @at, @streamMs, @deletedAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const insertMany = db.transaction((messages: ChatMessage[]) => {
    for (const m of messages) insert.run(m);
  });
  const recent = db.prepare<[showId: string, limit: number], ChatRow>(
    `SELECT m.*, v.display_name FROM chat_messages m JOIN viewers v ON v.id = m.viewer_id
     WHERE m.show_id = ? AND m.deleted_at IS NULL ORDER BY m.at DESC, m.rowid DESC LIMIT ?`,
  );
  const byId = db.prepare<[id: string], ChatRow>('SELECT m.*, v.display_name FROM chat_messages m JOIN viewers v ON v.id = m.viewer_id WHERE m.id = ?');
  const del = db.prepare<[at: number, by: string, id: string]>('UPDATE chat_messages SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL');
  const delAllBy = db.prepare<[at: number, by: string, viewerId: string], { id: string; showId: string }>('UPDATE chat_messages SET deleted_at = ?, deleted_by = ? WHERE viewer_id = ? AND deleted_at IS NULL RETURNING id, show_id AS showId');
  const countForViewer = db.prepare<[viewerId: string, showId: string], number>('SELECT count(*) FROM chat_messages WHERE viewer_id = ? AND show_id = ? AND deleted_at IS NULL').pluck();
  const settings = db.prepare<[showId: string], { slow_mode_seconds: number; links_allowed: number; pinned_message_id: string | null }>('SELECT slow_mode_seconds, links_allowed, pinned_message_id FROM chat_settings WHERE show_id = ?');
  const saveSettings = db.prepare<[showId: string, slowModeSeconds: number, linksAllowed: 0 | 1, pinnedMessageId: string | null]>(
    `INSERT INTO chat_settings (show_id, slow_mode_seconds, links_allowed, pinned_message_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (show_id) DO UPDATE SET slow_mode_seconds = excluded.slow_mode_seconds,
       links_allowed = excluded.links_allowed, pinned_message_id = excluded.pinned_message_id`,
  );
  return {
    insertMany: (messages) => insertMany(messages),
    recent: (showId, limit) => recent.all(showId, limit).map(toChat).reverse(),
    get: (id) => {
      const row = byId.get(id);
      return row && toChat(row);
    },
    markDeleted: (id, at, by) => del.run(at, by, id).changes > 0,
    markAllDeletedBy: (viewerId, at, by) => delAllBy.all(at, by, viewerId),
    countForViewer: (viewerId, showId) => countForViewer.get(viewerId, showId) ?? 0,
    settings: (showId) => {
      const row = settings.get(showId);
      return row
        ? { slowModeSeconds: row.slow_mode_seconds, linksAllowed: row.links_allowed === 1, pinnedMessageId: row.pinned_message_id }
        : { slowModeSeconds: 0, linksAllowed: false, pinnedMessageId: null };
    },
    saveSettings: (showId, s: ChatSettings) => void saveSettings.run(showId, s.slowModeSeconds, s.linksAllowed ? 1 : 0, s.pinnedMessageId),
  };
}
