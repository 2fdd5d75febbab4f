import { randomBytes } from 'node:crypto';
import { HawkerError, type ErrorCode } from '../domain/errors.js';
import type { Show } from '../domain/show.js';
import type { Suggestion, SuggestionStore } from '../domain/suggestion.js';
import type { Logger } from '../log/logger.js';

/** a suggestion is a short line: a product name, a colour, "the green one again" */
export const SUGGESTION_TEXT_MIN = 2;
export const SUGGESTION_TEXT_MAX = 200;
/** what the route takes before the rule counts (a too-long text gets INVALID_SUGGESTION, not a schema error) */
export const SUGGESTION_INPUT_MAX = 1000;
/** each viewer's suggestions per show: enough to name a few wishes, too few to flood the list */
export const SUGGESTIONS_PER_VIEWER = 5;
/** what the list and the cockpit show at most (most-voted first) */
export const SUGGESTIONS_LISTED = 100;
/** the catalog products a fan can pick from (titles only), at most */
export const SUGGESTABLE_PRODUCTS_MAX = 500;
/** the cockpit's pre-show comments: the newest this many */
export const PRESHOW_COMMENTS_LISTED = 200;

/** A suggestion as the API and the live socket send it (SuggestionViewSchema in src/realtime/server-messages.ts). */
export interface SuggestionView {
  id: string;
  viewerId: string;
  displayName: string;
  text: string;
  productId: string | null;
  /** the product's title now (null: none named, or deleted since) */
  productTitle: string | null;
  votes: number;
  createdAt: string;
}

/** GET /api/shows/:id/preshow: what the merchant sees before (and during) the show */
export interface PreshowView {
  comments: Array<{ id: string; viewerId: string; displayName: string; text: string; at: string }>;
  suggestions: SuggestionView[];
}

/** the text rule chat uses (blocklist, no links), declared here so reach/ does not import realtime/ */
export type SuggestionTextVerdict = { ok: true; text: string } | { ok: false; code: ErrorCode; message: string };

export interface SuggestionsOptions {
  store: SuggestionStore;
  shows: { get(id: string): Show | undefined };
  products: { find(id: string): { id: string; title: string } | undefined; list(): Array<{ id: string; title: string }> };
  /** the chat's text rules: trimmed, one line, the show's blocklist, no links */
  checkText(raw: string): SuggestionTextVerdict;
  /** a banned or timed-out viewer neither chats nor suggests (throws BANNED / TIMED_OUT) */
  requireMaySpeak(showId: string, viewerId: string, now: number): void;
  /** a suggestion was made, voted on or hidden: tell the show's room (hidden: take it off) */
  changed(showId: string, suggestion: SuggestionView, hidden: boolean): void;
  /** the viewer did something that counts as commenting before the show (the 'preshow' coupon) */
  commented(showId: string, viewerId: string): void;
  logger: Logger;
  now?: () => number;
}

/** Suggestions and votes are taken until the show first goes live (a rehearsal is still before it). */
export const preshowOpen = (show: Show): boolean => show.status === 'scheduled' && show.startedAt == null;

/**
 * Fans' product suggestions before a show, their votes, and the merchant's view of what was
 * said before the show (suggestions and the chat lines stored before go-live).
 */
export class Suggestions {
  private readonly now: () => number;

  constructor(private readonly o: SuggestionsOptions) {
    this.now = o.now ?? Date.now;
  }

  suggest(showId: string, viewer: { id: string }, raw: string, productId: string | null): SuggestionView {
    const show = this.openShow(showId);
    const now = this.now();
    this.o.requireMaySpeak(showId, viewer.id, now);
    const verdict = this.o.checkText(raw);
    if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message, [{ field: 'text', problem: verdict.message }]);
    const length = [...verdict.text].length;
    if (length < SUGGESTION_TEXT_MIN || length > SUGGESTION_TEXT_MAX) {
      const problem = `${SUGGESTION_TEXT_MIN} to ${SUGGESTION_TEXT_MAX} characters; this one has ${length}`;
      throw new HawkerError('INVALID_SUGGESTION', `a suggestion is ${problem}`, [{ field: 'text', problem }]);
    }
    if (productId != null && !this.o.products.find(productId)) {
      throw new HawkerError('PRODUCT_NOT_FOUND', `no product with id ${productId}`, [{ field: 'productId', problem: `no product with id ${productId}` }]);
    }
    if (this.o.store.madeBy(viewer.id, show.id) >= SUGGESTIONS_PER_VIEWER) {
      throw new HawkerError('SUGGESTION_LIMIT', `at most ${SUGGESTIONS_PER_VIEWER} suggestions per viewer for a show`);
    }
    const id = randomBytes(9).toString('base64url');
    this.o.store.create({ id, showId: show.id, viewerId: viewer.id, text: verdict.text, productId, createdAt: now });
    const view = this.view(this.stored(id));
    this.tell(show.id, view, false);
    this.countComment(show.id, viewer.id);
    return view;
  }

  vote(showId: string, viewerId: string, suggestionId: string): { votes: number } {
    this.openShow(showId);
    const now = this.now();
    this.o.requireMaySpeak(showId, viewerId, now);
    const suggestion = this.listedIn(showId, suggestionId);
    if (!this.o.store.vote(suggestion.id, viewerId, now)) throw new HawkerError('SUGGESTION_ALREADY_VOTED');
    const view = this.view(this.stored(suggestion.id));
    this.tell(showId, view, false);
    return { votes: view.votes };
  }

  /** most-voted first; hidden ones are not listed */
  list(showId: string): SuggestionView[] {
    this.requireShow(showId);
    return this.o.store.listed(showId, SUGGESTIONS_LISTED).map((s) => this.view(s));
  }

  /** what a fan can name in a suggestion: the products the wiring lets fans see, by title (ids and titles only) */
  products(showId: string): Array<{ id: string; title: string }> {
    this.requireShow(showId);
    return this.o.products
      .list()
      .map((p) => ({ id: p.id, title: p.title }))
      .sort((a, b) => a.title.localeCompare(b.title))
      .slice(0, SUGGESTABLE_PRODUCTS_MAX);
  }

  /** the merchant takes one off the list (it stays stored, and no longer counts for the coupon) */
  hide(showId: string, suggestionId: string): void {
    this.requireShow(showId);
    const suggestion = this.listedIn(showId, suggestionId);
    this.o.store.hide(suggestion.id, this.now());
    this.tell(showId, this.view(suggestion), true);
  }

  preshow(showId: string): PreshowView {
    this.requireShow(showId);
    return {
      comments: this.o.store.commentsBefore(showId, PRESHOW_COMMENTS_LISTED).map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
      suggestions: this.list(showId),
    };
  }

  private view(s: Suggestion): SuggestionView {
    const product = s.productId ? this.o.products.find(s.productId) : undefined;
    return {
      id: s.id,
      viewerId: s.viewerId,
      displayName: s.displayName,
      text: s.text,
      productId: s.productId,
      productTitle: product?.title ?? null,
      votes: s.votes,
      createdAt: new Date(s.createdAt).toISOString(),
    };
  }

  private requireShow(showId: string): Show {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    return show;
  }

  private openShow(showId: string): Show {
    const show = this.requireShow(showId);
    if (!preshowOpen(show)) throw new HawkerError('SUGGESTIONS_CLOSED');
    return show;
  }

  private listedIn(showId: string, suggestionId: string): Suggestion {
    const s = this.o.store.get(suggestionId);
    if (!s || s.showId !== showId || s.hiddenAt != null) throw new HawkerError('SUGGESTION_NOT_FOUND', `no suggestion ${suggestionId} in this show`);
    return s;
  }

  private stored(id: string): Suggestion {
    const s = this.o.store.get(id);
    if (!s) throw new HawkerError('SUGGESTION_NOT_FOUND');
    return s;
  }

  /** the suggestion is stored: telling the room is a bonus that must not fail the request */
  private tell(showId: string, view: SuggestionView, hidden: boolean): void {
    try {
      this.o.changed(showId, view, hidden);
    } catch (err) {
      this.o.logger.error({ err, show: showId }, 'suggestion not pushed to the room');
    }
  }

  private countComment(showId: string, viewerId: string): void {
    try {
      this.o.commented(showId, viewerId);
    } catch (err) {
      this.o.logger.error({ err, show: showId }, 'pre-show coupon check failed after a suggestion');
    }
  }
}
