import type { PreshowComment, Suggestion, SuggestionStore } from '../domain/suggestion.js';
import type { Db } from './open.js';

interface SuggestionRow {
  id: string;
  show_id: string;
  viewer_id: string;
  display_name: string;
  text: string;
  product_id: string | null;
  created_at: number;
  hidden_at: number | null;
  votes: number;
}

const toSuggestion = (r: SuggestionRow): Suggestion => ({
  id: r.id,
  showId: r.show_id,
  viewerId: r.viewer_id,
  displayName: r.display_name,
  text: r.text,
  productId: r.product_id,
  createdAt: r.created_at,
  hiddenAt: r.hidden_at,
  votes: r.votes,
});

// a chat line is "before the show" when it was stored before the show first went live
const BEFORE_GO_LIVE = '(s.started_at IS NULL OR m.at < s.started_at)';

/** suggestions, suggestion_votes, and the chat lines stored before a show went live */
export function createSuggestionRepository(db: Db): SuggestionStore {
  const insert = db.prepare<[Omit<Suggestion, 'displayName' | 'hiddenAt' | 'votes'>]>(
    'INSERT INTO suggestions (id, show_id, viewer_id, text, product_id, created_at) VALUES (@id, @showId, @viewerId, @text, @productId, @createdAt)',
  );
  const select = `SELECT g.*, v.display_name, (SELECT count(*) FROM suggestion_votes sv WHERE sv.suggestion_id = g.id) AS votes
    FROM suggestions g JOIN viewers v ON v.id = g.viewer_id`;
  const byId = db.prepare<[id: string], SuggestionRow>(`${select} WHERE g.id = ?`);
  const listed = db.prepare<[showId: string, limit: number], SuggestionRow>(`${select} WHERE g.show_id = ? AND g.hidden_at IS NULL ORDER BY votes DESC, g.created_at, g.id LIMIT ?`);
  const madeBy = db.prepare<[viewerId: string, showId: string], number>('SELECT count(*) FROM suggestions WHERE viewer_id = ? AND show_id = ?').pluck();
  const vote = db.prepare<[suggestionId: string, viewerId: string, at: number]>('INSERT INTO suggestion_votes (suggestion_id, viewer_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const hide = db.prepare<[at: number, id: string]>('UPDATE suggestions SET hidden_at = ? WHERE id = ? AND hidden_at IS NULL');
  const comments = db.prepare<[showId: string, limit: number], { id: string; viewerId: string; displayName: string; text: string; at: number }>(
    `SELECT m.id, m.viewer_id AS viewerId, v.display_name AS displayName, m.text, m.at
     FROM chat_messages m JOIN viewers v ON v.id = m.viewer_id JOIN shows s ON s.id = m.show_id
     WHERE m.show_id = ? AND m.deleted_at IS NULL AND ${BEFORE_GO_LIVE}
     ORDER BY m.at DESC, m.rowid DESC LIMIT ?`,
  );
  const preshowCount = db
    .prepare<[viewerId: string, showId: string, viewerId2: string, showId2: string], number>(
      `SELECT (SELECT count(*) FROM chat_messages m JOIN shows s ON s.id = m.show_id
               WHERE m.viewer_id = ? AND m.show_id = ? AND m.deleted_at IS NULL AND ${BEFORE_GO_LIVE})
            + (SELECT count(*) FROM suggestions WHERE viewer_id = ? AND show_id = ? AND hidden_at IS NULL)`,
    )
    .pluck();
  return {
    create: (s) => void insert.run(s),
    get: (id) => {
      const row = byId.get(id);
      return row && toSuggestion(row);
    },
    listed: (showId, limit) => listed.all(showId, limit).map(toSuggestion),
    madeBy: (viewerId, showId) => madeBy.get(viewerId, showId) ?? 0,
    vote: (suggestionId, viewerId, at) => vote.run(suggestionId, viewerId, at).changes > 0,
    hide: (id, at) => hide.run(at, id).changes > 0,
    commentsBefore: (showId, limit): PreshowComment[] => comments.all(showId, limit).reverse(),
    preshowCount: (viewerId, showId) => preshowCount.get(viewerId, showId, viewerId, showId) ?? 0,
  };
}
