import { randomBytes } from 'node:crypto';
import type { ChatMessage, ChatSettings, Poll, Question, Sanction } from '../domain/audience.js';
import type { AudienceRepository, ChatRepository, PollRepository, QuestionRepository } from '../domain/ports.js';
import type { Viewer } from '../domain/order.js';
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

interface SanctionRow {
  viewer_id: string;
  show_id: string | null;
  kind: Sanction['kind'];
  until: number | null;
}

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
  const settings = db.prepare<[showId: string], { slow_mode_seconds: number; links_allowed: number; pinned_message_id: string | null }>('SELECT slow_mode_seconds, links_allowed, pinned_message_id FROM chat_settings WHERE show_id = ?');
  const saveSettings = db.prepare<[showId: string, slowModeSeconds: number, linksAllowed: 0 | 1, pinnedMessageId: string | null]>(
    `INSERT INTO chat_settings (show_id, slow_mode_seconds, links_allowed, pinned_message_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (show_id) DO UPDATE SET slow_mode_seconds = excluded.slow_mode_seconds,
       links_allowed = excluded.links_allowed, pinned_message_id = excluded.pinned_message_id`,
  );
  const addSanction = db.prepare<[viewerId: string, showId: string | null, kind: Sanction['kind'], until: number | null, at: number]>('INSERT INTO chat_sanctions (viewer_id, show_id, kind, until, created_at) VALUES (?, ?, ?, ?, ?)');
  const lift = db.prepare<[at: number, viewerId: string]>('UPDATE chat_sanctions SET lifted_at = ? WHERE viewer_id = ? AND lifted_at IS NULL');
  const active = db.prepare<[viewerId: string, showId: string, now: number], SanctionRow>(
    `SELECT viewer_id, show_id, kind, until FROM chat_sanctions
     WHERE viewer_id = ? AND lifted_at IS NULL AND (show_id IS NULL OR show_id = ?) AND (until IS NULL OR until > ?)
     ORDER BY kind = 'ban' DESC, until IS NULL DESC, until DESC LIMIT 1`,
  );
  const isMod = db.prepare<[viewerId: string], 1>('SELECT 1 FROM moderators WHERE viewer_id = ?');
  const addMod = db.prepare<[viewerId: string, at: number]>('INSERT INTO moderators (viewer_id, granted_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const removeMod = db.prepare<[viewerId: string]>('DELETE FROM moderators WHERE viewer_id = ?');
  const mods = db.prepare<[], { viewer_id: string; display_name: string; granted_at: number }>('SELECT m.viewer_id, v.display_name, m.granted_at FROM moderators m JOIN viewers v ON v.id = m.viewer_id ORDER BY m.granted_at');
  const countForViewer = db.prepare<[viewerId: string, showId: string], number>('SELECT count(*) FROM chat_messages WHERE viewer_id = ? AND show_id = ? AND deleted_at IS NULL').pluck();
  const voiceOf = db.prepare<[host: string], { id: string; displayName: string }>('SELECT v.id, v.display_name AS displayName FROM host_voices h JOIN viewers v ON v.id = h.viewer_id WHERE h.host = ?');
  const addVoiceViewer = db.prepare<[id: string, displayName: string, tokenHash: string, at: number]>('INSERT INTO viewers (id, display_name, token_hash, created_at) VALUES (?, ?, ?, ?)');
  const addVoice = db.prepare<[host: string, viewerId: string]>('INSERT INTO host_voices (host, viewer_id) VALUES (?, ?)');
  const voiceIds = db.prepare<[], string>('SELECT viewer_id FROM host_voices').pluck();
  const hostVoice = db.transaction((host: string, displayName: string, at: number) => {
    const found = voiceOf.get(host);
    if (found) return found;
    const id = randomBytes(9).toString('base64url');
    // not hex, so never equal to the SHA-256 of a token: no token can open this row
    addVoiceViewer.run(id, displayName, `host-voice:${randomBytes(18).toString('base64url')}`, at);
    addVoice.run(host, id);
    return { id, displayName };
  });

  return {
    insertMany: (messages) => insertMany(messages),
    recent: (showId, limit) => recent.all(showId, limit).map(toChat).reverse(),
    get: (id) => {
      const row = byId.get(id);
      return row && toChat(row);
    },
    markDeleted: (id, at, by) => del.run(at, by, id).changes > 0,
    hostVoice: (host, displayName, at) => hostVoice(host, displayName, at),
    hostVoiceIds: () => voiceIds.all(),
    markAllDeletedBy: (viewerId, at, by) => delAllBy.all(at, by, viewerId),
    settings: (showId) => {
      const row = settings.get(showId);
      return row
        ? { slowModeSeconds: row.slow_mode_seconds, linksAllowed: row.links_allowed === 1, pinnedMessageId: row.pinned_message_id }
        : { slowModeSeconds: 0, linksAllowed: false, pinnedMessageId: null };
    },
    saveSettings: (showId, s: ChatSettings) => void saveSettings.run(showId, s.slowModeSeconds, s.linksAllowed ? 1 : 0, s.pinnedMessageId),
    addSanction: (s: Sanction, at) => void addSanction.run(s.viewerId, s.showId, s.kind, s.until, at),
    liftSanctions: (viewerId, at) => lift.run(at, viewerId).changes,
    activeSanction: (viewerId, showId, now) => {
      const row = active.get(viewerId, showId, now);
      return row && { viewerId: row.viewer_id, showId: row.show_id, kind: row.kind, until: row.until };
    },
    isModerator: (viewerId) => isMod.get(viewerId) !== undefined,
    setModerator: (viewerId, moderator, at) => void (moderator ? addMod.run(viewerId, at) : removeMod.run(viewerId)),
    moderators: () =>
      mods.all().map((r) => ({
        viewerId: r.viewer_id,
        displayName: r.display_name,
        grantedAt: r.granted_at,
      })),
    countForViewer: (viewerId, showId) => countForViewer.get(viewerId, showId) ?? 0,
  };
}

interface PollRow {
  id: string;
  show_id: string;
  question: string;
  options: string;
  on_overlay: number;
  opened_at: number;
  closed_at: number | null;
}

const toPoll = (r: PollRow): Poll => ({
  id: r.id,
  showId: r.show_id,
  question: r.question,
  options: JSON.parse(r.options) as string[],
  onOverlay: r.on_overlay === 1,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
});

export function createPollRepository(db: Db): PollRepository {
  const insert = db.prepare<[id: string, showId: string, question: string, options: string, onOverlay: 0 | 1, openedAt: number]>('INSERT INTO polls (id, show_id, question, options, on_overlay, opened_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, NULL)');
  const byId = db.prepare<[id: string], PollRow>('SELECT * FROM polls WHERE id = ?');
  const current = db.prepare<[showId: string], PollRow>('SELECT * FROM polls WHERE show_id = ? ORDER BY opened_at DESC, rowid DESC LIMIT 1');
  const close = db.prepare<[at: number, id: string]>('UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL');
  const vote = db.prepare<[pollId: string, viewerId: string, option: number, at: number]>('INSERT INTO poll_votes (poll_id, viewer_id, option_index, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const tally = db.prepare<[pollId: string], { option_index: number; n: number }>('SELECT option_index, count(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY option_index');
  const votes = db.prepare<[viewerId: string, showId: string], number>('SELECT count(*) FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE v.viewer_id = ? AND p.show_id = ?').pluck();
  return {
    create: (p) => void insert.run(p.id, p.showId, p.question, JSON.stringify(p.options), p.onOverlay ? 1 : 0, p.openedAt),
    get: (id) => {
      const row = byId.get(id);
      return row && toPoll(row);
    },
    current: (showId) => {
      const row = current.get(showId);
      return row && toPoll(row);
    },
    close: (id, at) => void close.run(at, id),
    vote: (pollId, viewerId, option, at) => vote.run(pollId, viewerId, option, at).changes > 0,
    tally: (pollId) => {
      const counts: number[] = [];
      for (const r of tally.all(pollId)) counts[r.option_index] = r.n;
      return counts;
    },
    votesInShow: (viewerId, showId) => votes.get(viewerId, showId) ?? 0,
  };
}

interface QuestionRow {
  id: string;
  show_id: string;
  viewer_id: string;
  display_name: string;
  kind: Question['kind'];
  text: string;
  product_id: string | null;
  at: number;
  answered_at: number | null;
  votes: number;
}

const toQuestion = (r: QuestionRow): Question => ({
  id: r.id,
  showId: r.show_id,
  viewerId: r.viewer_id,
  displayName: r.display_name,
  kind: r.kind,
  text: r.text,
  productId: r.product_id,
  at: r.at,
  answeredAt: r.answered_at,
  votes: r.votes,
});

export function createQuestionRepository(db: Db): QuestionRepository {
  const insert = db.prepare<[Omit<Question, 'votes' | 'displayName'>]>(
    'INSERT INTO questions (id, show_id, viewer_id, kind, text, product_id, at, answered_at) VALUES (@id, @showId, @viewerId, @kind, @text, @productId, @at, NULL)',
  );
  const select = `SELECT q.*, v.display_name, (SELECT count(*) FROM question_votes qv WHERE qv.question_id = q.id) AS votes
    FROM questions q JOIN viewers v ON v.id = q.viewer_id`;
  const byId = db.prepare<[id: string], QuestionRow>(`${select} WHERE q.id = ?`);
  const ranked = db.prepare<[showId: string, includeAnswered: 0 | 1, limit: number], QuestionRow>(
    `${select} WHERE q.show_id = ? AND (? OR q.answered_at IS NULL)
     ORDER BY q.answered_at IS NOT NULL, votes DESC, q.at, q.id LIMIT ?`,
  );
  const upvote = db.prepare<[questionId: string, viewerId: string]>('INSERT INTO question_votes (question_id, viewer_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const answered = db.prepare<[at: number, id: string]>('UPDATE questions SET answered_at = ? WHERE id = ? AND answered_at IS NULL');
  return {
    create: (q) => void insert.run(q),
    get: (id) => {
      const row = byId.get(id);
      return row && toQuestion(row);
    },
    ranked: (showId, includeAnswered, limit) => ranked.all(showId, includeAnswered ? 1 : 0, limit).map(toQuestion),
    upvote: (questionId, viewerId) => upvote.run(questionId, viewerId).changes > 0,
    markAnswered: (id, at) => answered.run(at, id).changes > 0,
  };
}

export function createAudienceRepository(db: Db): AudienceRepository {
  const open = db.prepare<[showId: string, viewerId: string, joinedAt: number, lastSeenAt: number]>('INSERT INTO watch_sessions (show_id, viewer_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)');
  const touch = db.prepare<[at: number, id: number]>('UPDATE watch_sessions SET last_seen_at = ? WHERE id = ?');
  const touchMany = db.transaction((ids: number[], at: number) => {
    for (const id of ids) touch.run(at, id);
  });
  const watch = db.prepare<[viewerId: string, showId: string], number>('SELECT coalesce(sum(last_seen_at - joined_at), 0) FROM watch_sessions WHERE viewer_id = ? AND show_id = ?').pluck();
  const hostWatch = db.prepare<[viewerId: string, host: string], number>(
    `SELECT coalesce(sum(w.last_seen_at - w.joined_at), 0) FROM watch_sessions w JOIN shows s ON s.id = w.show_id
     WHERE w.viewer_id = ? AND s.host = ?`,
  ).pluck();
  const hostComments = db.prepare<[viewerId: string, host: string], number>(
    `SELECT count(*) FROM chat_messages m JOIN shows s ON s.id = m.show_id WHERE m.viewer_id = ? AND s.host = ? AND m.deleted_at IS NULL`,
  ).pluck();
  const hostPurchases = db.prepare<[viewerId: string, host: string], number>(
    `SELECT count(*) FROM orders o JOIN shows s ON s.id = o.show_id WHERE o.viewer_id = ? AND s.host = ? AND o.status IN ('pending', 'paid')`,
  ).pluck();
  const viewer = db.prepare<[id: string], Viewer>('SELECT id, display_name AS displayName, created_at AS createdAt FROM viewers WHERE id = ?');
  const between = db.prepare<[showId: string, before: number, notBefore: number], string>('SELECT DISTINCT viewer_id FROM watch_sessions WHERE show_id = ? AND joined_at < ? AND last_seen_at >= ?').pluck();
  return {
    openSession: (showId, viewerId, at) => Number(open.run(showId, viewerId, at, at).lastInsertRowid),
    touchSessions: (ids, at) => touchMany(ids, at),
    viewersBetween: (showId, from, to) => between.all(showId, to, from),
    watchMs: (viewerId, showId) => watch.get(viewerId, showId) ?? 0,
    hostActivity: (viewerId, host) => ({
      watchMs: hostWatch.get(viewerId, host) ?? 0,
      comments: hostComments.get(viewerId, host) ?? 0,
      purchases: hostPurchases.get(viewerId, host) ?? 0,
    }),
    viewer: (id) => viewer.get(id),
  };
}
