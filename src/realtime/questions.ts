import { randomBytes } from 'node:crypto';
import type { Question } from '../domain/audience.js';
import { HawkerError } from '../domain/errors.js';
import type { LineupRepository, QuestionRepository, ShowRepository } from '../domain/ports.js';
import type { LiveChat } from './chat.js';
import type { QuestionView } from './server-messages.js';
import { iso, requireShow, type Broadcaster } from './session.js';

const QUESTIONS_SHOWN = 20;

export interface LiveQuestionsOptions {
  shows: Pick<ShowRepository, 'get'>;
  questions: Pick<QuestionRepository, 'create' | 'get' | 'ranked' | 'upvote' | 'markAnswered'>;
  lineup: Pick<LineupRepository, 'get'>;
  /** questions keep chat's rules, sanctions and per-viewer rate */
  speech: Pick<LiveChat, 'check' | 'requireMaySpeak' | 'takeToken'>;
  out: Pick<Broadcaster, 'publish'>;
  now: () => number;
}

/** Questions and demo requests: viewers ask and upvote, the host answers; the ranked list goes out at the tick's pace. */
export class LiveQuestions {
  /** shows whose list changed since the last push */
  private readonly dirty = new Set<string>();

  constructor(private readonly o: LiveQuestionsOptions) {}

  ask(showId: string, viewer: { id: string; displayName: string }, kind: 'question' | 'demo', raw: string, productId: string | null, now: number): Question {
    this.o.speech.requireMaySpeak(showId, viewer.id, now);
    let text = '';
    if (kind === 'question') {
      const verdict = this.o.speech.check(raw, false);
      if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
      text = verdict.text;
    }
    if (productId) {
      const lineup = this.o.lineup.get(showId);
      if (!lineup.includes(productId)) throw new HawkerError('NOT_IN_LINEUP', `product ${productId} is not in this show's lineup`);
    }
    this.o.speech.takeToken(viewer.id, now);
    const question = { id: randomBytes(9).toString('base64url'), showId, viewerId: viewer.id, kind, text, productId, at: now, answeredAt: null };
    this.o.questions.create(question);
    this.dirty.add(showId);
    return { ...question, displayName: viewer.displayName, votes: 0 };
  }

  upvote(showId: string, viewerId: string, questionId: string): void {
    const q = this.o.questions.get(questionId);
    if (!q || q.showId !== showId) throw new HawkerError('QUESTION_NOT_FOUND', `no question ${questionId} in this show`);
    if (!this.o.questions.upvote(questionId, viewerId)) throw new HawkerError('ALREADY_UPVOTED');
    this.dirty.add(showId);
  }

  queue(showId: string, includeAnswered: boolean): QuestionView[] {
    requireShow(this.o.shows, showId);
    return this.o.questions.ranked(showId, includeAnswered, 200).map(questionView);
  }

  answer(showId: string, questionId: string): void {
    requireShow(this.o.shows, showId);
    const q = this.o.questions.get(questionId);
    if (!q || q.showId !== showId) throw new HawkerError('QUESTION_NOT_FOUND', `no question ${questionId} in this show`);
    this.o.questions.markAnswered(questionId, this.o.now());
    this.dirty.add(showId);
  }

  /** the open questions on top, as newcomers and the room see them */
  top(showId: string): QuestionView[] {
    return this.o.questions.ranked(showId, false, QUESTIONS_SHOWN).map(questionView);
  }

  /** On the tick's results pace: the list, if it changed since the last push. */
  push(showId: string): void {
    if (this.dirty.delete(showId)) this.o.out.publish(showId, { type: 'questions', items: this.top(showId) });
  }
}

const questionView = (q: Question): QuestionView => ({
  id: q.id,
  kind: q.kind,
  text: q.text,
  productId: q.productId,
  viewer: { id: q.viewerId, displayName: q.displayName },
  votes: q.votes,
  at: iso(q.at),
  answered: q.answeredAt != null,
});
