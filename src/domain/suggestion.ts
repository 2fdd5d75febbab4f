// A fan's product suggestion before a show, and what is said before the show: the data, and
// the store port db/ implements (src/db/suggestion-repository.ts).

/** one suggestion as stored, with its author's name and its vote count */
export interface Suggestion {
  id: string;
  showId: string;
  viewerId: string;
  displayName: string;
  text: string;
  productId: string | null;
  createdAt: number;
  hiddenAt: number | null;
  votes: number;
}

/** a chat line stored before the show went live */
export interface PreshowComment {
  id: string;
  viewerId: string;
  displayName: string;
  text: string;
  at: number;
}

/** suggestions, suggestion_votes and the chat lines stored before go-live */
export interface SuggestionStore {
  create(s: Omit<Suggestion, 'displayName' | 'hiddenAt' | 'votes'>): void;
  get(id: string): Suggestion | undefined;
  /** not hidden, most votes first (then oldest) */
  listed(showId: string, limit: number): Suggestion[];
  /** every suggestion the viewer made in the show, hidden ones too (the cap counts them) */
  madeBy(viewerId: string, showId: string): number;
  /** false: this viewer had voted for it */
  vote(suggestionId: string, viewerId: string, at: number): boolean;
  hide(id: string, at: number): boolean;
  /** the newest `limit` chat lines of the show stored before it went live (not deleted), oldest first */
  commentsBefore(showId: string, limit: number): PreshowComment[];
  /** the viewer's chat lines before go-live plus their suggestions still listed */
  preshowCount(viewerId: string, showId: string): number;
}
