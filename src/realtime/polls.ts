import { randomBytes } from 'node:crypto';
import { POLL_OPTION_MAX, POLL_OPTIONS_MAX, POLL_QUESTION_MAX, type Poll, type PollResults } from '../domain/audience.js';
import { HawkerError } from '../domain/errors.js';
import type { PollRepository, ShowEventRepository, ShowRepository } from '../domain/ports.js';
import { requireText } from '../domain/text.js';
import { requireShow, type ActivitySink, type Broadcaster } from './session.js';

export interface LivePollsOptions {
  shows: Pick<ShowRepository, 'get'>;
  events: Pick<ShowEventRepository, 'append'>;
  polls: Pick<PollRepository, 'create' | 'get' | 'current' | 'close' | 'vote' | 'tally'>;
  out: Pick<Broadcaster, 'publish'>;
  /** draws (or clears) the poll on the video; `record` puts it on the timeline */
  showPollOnOverlay(showId: string, poll: PollResults | null, record: boolean): void;
  activity: ActivitySink;
  now: () => number;
  /** how long a closed poll's final results stay on the video before it leaves (5 s) */
  closedOnVideoMs?: number;
  /** told when taking a closed poll off the video failed (it runs on a timer) */
  onError?(err: unknown, showId: string): void;
}

const CLOSED_ON_VIDEO_MS = 5000;

/** A show's polls: the host opens and closes them, viewers vote, results go out at the tick's pace. */
export class LivePolls {
  /** shows with votes not yet sent out */
  private readonly dirty = new Set<string>();

  constructor(private readonly o: LivePollsOptions) {}

  open(showId: string, input: { question: string; options: string[]; onOverlay: boolean }): PollResults {
    const show = requireShow(this.o.shows, showId);
    if (show.status === 'ended') throw new HawkerError('SHOW_ENDED');
    const question = requireText('question', input.question);
    const options = input.options.map((o, i) => requireText(`options.${i}`, o));
    if (!question || question.length > POLL_QUESTION_MAX) throw new HawkerError('INVALID_POLL', `the question needs 1 to ${POLL_QUESTION_MAX} characters`);
    if (options.length < 2 || options.length > POLL_OPTIONS_MAX) throw new HawkerError('INVALID_POLL', `a poll has 2 to ${POLL_OPTIONS_MAX} options`);
    if (options.some((o) => !o || o.length > POLL_OPTION_MAX)) throw new HawkerError('INVALID_POLL', `each option needs 1 to ${POLL_OPTION_MAX} characters`);
    if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) throw new HawkerError('INVALID_POLL', 'two options are the same');
    const at = this.o.now();
    const current = this.o.polls.current(showId);
    if (current && current.closedAt == null) this.o.polls.close(current.id, at);
    const poll: Poll = { id: randomBytes(9).toString('base64url'), showId, question, options, onOverlay: input.onOverlay, openedAt: at, closedAt: null };
    this.o.polls.create(poll);
    const results = this.results(poll);
    this.o.events.append({ showId, type: 'poll.opened', at: this.o.now(), payload: { pollId: poll.id, question, options } });
    this.o.showPollOnOverlay(showId, poll.onOverlay ? results : null, true);
    this.o.out.publish(showId, { type: 'poll', poll: results });
    return results;
  }

  close(showId: string): PollResults {
    requireShow(this.o.shows, showId);
    const poll = this.o.polls.current(showId);
    if (!poll) throw new HawkerError('POLL_NOT_FOUND', 'this show has no poll');
    if (poll.closedAt == null) {
      poll.closedAt = this.o.now();
      this.o.polls.close(poll.id, poll.closedAt);
      const results = this.results(poll);
      this.o.events.append({ showId, type: 'poll.closed', at: this.o.now(), payload: { pollId: poll.id, options: results.options } });
      if (poll.onOverlay) {
        this.o.showPollOnOverlay(showId, results, true);
        this.leaveVideo(showId, poll.id);
      }
      this.o.out.publish(showId, { type: 'poll', poll: results });
      this.dirty.delete(showId);
    }
    return this.results(poll);
  }

  /** Takes the poll off the video (results stay in the API and on the timeline). */
  hide(showId: string): void {
    requireShow(this.o.shows, showId);
    this.o.showPollOnOverlay(showId, null, true);
  }

  current(showId: string): PollResults | null {
    requireShow(this.o.shows, showId);
    return this.view(showId);
  }

  /** the latest poll as a newcomer gets it (no show check: the hub has the show) */
  view(showId: string): PollResults | null {
    const poll = this.o.polls.current(showId);
    return poll ? this.results(poll) : null;
  }

  /** a viewer's vote from their socket; the tally goes out with the next results push */
  vote(showId: string, viewerId: string, pollId: string, option: number): void {
    const poll = this.o.polls.get(pollId);
    if (!poll || poll.showId !== showId) throw new HawkerError('POLL_NOT_FOUND', `no poll ${pollId} in this show`);
    if (poll.closedAt != null) throw new HawkerError('POLL_CLOSED');
    if (option >= poll.options.length) throw new HawkerError('INVALID_MESSAGE', `option must be 0 to ${poll.options.length - 1}`);
    if (!this.o.polls.vote(pollId, viewerId, option, this.o.now())) throw new HawkerError('ALREADY_VOTED');
    this.dirty.add(showId);
    this.o.activity(showId, viewerId, 'vote');
  }

  /** On the tick's results pace: the show's tally, if votes came in since the last push. */
  push(showId: string): void {
    if (!this.dirty.delete(showId)) return;
    const poll = this.o.polls.current(showId);
    if (!poll) return;
    const results = this.results(poll);
    this.o.out.publish(showId, { type: 'poll', poll: results });
    if (poll.onOverlay && results.open) this.o.showPollOnOverlay(showId, results, false);
  }

  /** A closed poll's final results stay a moment, then it leaves the video (unless a new poll took its place). */
  private leaveVideo(showId: string, pollId: string): void {
    const timer = setTimeout(() => {
      try {
        if (this.o.polls.current(showId)?.id === pollId) this.o.showPollOnOverlay(showId, null, true);
      } catch (err) {
        // the show may have been deleted, or the disk refused the write: the poll stays drawn
        this.o.onError?.(err, showId);
      }
    }, this.o.closedOnVideoMs ?? CLOSED_ON_VIDEO_MS);
    timer.unref();
  }

  private results(poll: Poll): PollResults {
    const tally = this.o.polls.tally(poll.id);
    const options = poll.options.map((label, i) => ({ label, votes: tally[i] ?? 0 }));
    return { id: poll.id, question: poll.question, options, totalVotes: options.reduce((n, o) => n + o.votes, 0), open: poll.closedAt == null, onOverlay: poll.onOverlay };
  }
}
