import type { Question } from '../domain/audience.js';
import type { QuestionRepository } from '../domain/ports.js';
import type { Db } from './open.js';

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

/** questions and question_votes */
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
