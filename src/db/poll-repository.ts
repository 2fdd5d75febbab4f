import type { Poll } from '../domain/audience.js';
import type { PollRepository } from '../domain/ports.js';
import type { Db } from './open.js';

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

/** polls and poll_votes */
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
