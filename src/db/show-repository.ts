import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { Show, ShowEvent, ShowEventType, ShowStatus } from '../domain/show.js';
import type { Db } from './open.js';

interface ShowRow {
  id: string;
  title: string;
  host: string;
  scheduled_at: number | null;
  status: ShowStatus;
  stream_key: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

function toShow(row: ShowRow): Show {
  return {
    id: row.id,
    title: row.title,
    host: row.host,
    scheduledAt: row.scheduled_at,
    status: row.status,
    streamKey: row.stream_key,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

export function createShowRepository(db: Db): ShowRepository {
  const insert = db.prepare<[Show]>(
    `INSERT INTO shows (id, title, host, scheduled_at, status, stream_key, created_at, started_at, ended_at)
     VALUES (@id, @title, @host, @scheduledAt, @status, @streamKey, @createdAt, @startedAt, @endedAt)`,
  );
  const byId = db.prepare<[id: string], ShowRow>('SELECT * FROM shows WHERE id = ?');
  const byKey = db.prepare<[streamKey: string], ShowRow>('SELECT * FROM shows WHERE stream_key = ?');
  const all = db.prepare<[], ShowRow>('SELECT * FROM shows ORDER BY created_at DESC, rowid DESC');
  const byStatus = db.prepare<[status: ShowStatus], ShowRow>('SELECT * FROM shows WHERE status = ? ORDER BY created_at DESC, rowid DESC');
  const setKey = db.prepare<[streamKey: string, id: string]>('UPDATE shows SET stream_key = ? WHERE id = ?');
  // started_at is kept from the first time the show went live: stream time never restarts.
  const live = db.prepare<[startedAt: number, id: string]>(
    "UPDATE shows SET status = 'live', started_at = COALESCE(started_at, ?), ended_at = NULL WHERE id = ?",
  );
  const ended = db.prepare<[endedAt: number, id: string]>("UPDATE shows SET status = 'ended', ended_at = ? WHERE id = ?");
  const remove = db.prepare<[id: string]>('DELETE FROM shows WHERE id = ?');

  return {
    create: (show) => void insert.run(show),
    get: (id) => {
      const row = byId.get(id);
      return row && toShow(row);
    },
    list: () => all.all().map(toShow),
    listByStatus: (status) => byStatus.all(status).map(toShow),
    findByStreamKey: (key) => {
      const row = byKey.get(key);
      return row && toShow(row);
    },
    setStreamKey: (id, key) => void setKey.run(key, id),
    markLive: (id, at) => void live.run(at, id),
    markEnded: (id, at) => void ended.run(at, id),
    delete: (id) => remove.run(id).changes > 0,
    atomically: (fn) => db.transaction(fn)(),
  };
}

interface EventRow {
  id: number;
  show_id: string;
  type: ShowEventType;
  at: number;
  stream_ms: number | null;
  payload: string;
}

export function createShowEventRepository(db: Db): ShowEventRepository {
  const insert = db.prepare<[{ showId: string; type: ShowEventType; at: number; payload: string }], { id: number; stream_ms: number | null }>(
    `INSERT INTO show_events (show_id, type, at, stream_ms, payload)
     VALUES (@showId, @type, @at, @at - (SELECT started_at FROM shows WHERE id = @showId), @payload)
     RETURNING id, stream_ms`,
  );
  const forShow = db.prepare<[showId: string, limit: number], EventRow>('SELECT * FROM show_events WHERE show_id = ? ORDER BY id LIMIT ?');
  // the types as one JSON array: one statement serves any list
  const ofTypes = db.prepare<[showId: string, types: string, limit: number], EventRow>(
    'SELECT * FROM show_events WHERE show_id = ? AND type IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?',
  );
  return {
    append: (event) => {
      const row = insert.get({ showId: event.showId, type: event.type, at: event.at, payload: JSON.stringify(event.payload) })!;
      return { ...event, id: row.id, streamMs: row.stream_ms };
    },
    listForShow: (showId, limit) => forShow.all(showId, limit).map(toEvent),
    listOfTypes: (showId, types, limit) => ofTypes.all(showId, JSON.stringify(types), limit).map(toEvent),
  };
}

const toEvent = (r: EventRow): ShowEvent => ({
  id: r.id,
  showId: r.show_id,
  type: r.type,
  at: r.at,
  streamMs: r.stream_ms,
  payload: parsePayload(r.payload),
});

/** The payload column holds a JSON object (append writes one); anything else reads as empty. */
function parsePayload(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
