/** The audience of a show: chat, its moderation, polls, questions, watch sessions. */

export const CHAT_TEXT_MAX = 300;
export const QUESTION_TEXT_MAX = 300;
export const POLL_QUESTION_MAX = 120;
export const POLL_OPTION_MAX = 60;
export const POLL_OPTIONS_MAX = 6;

export const reactionKinds = ['heart', 'fire', 'clap', 'laugh', 'wow'] as const;
export type ReactionKind = (typeof reactionKinds)[number];

/** host: the merchant (admin token); moderator: a viewer the merchant trusts; viewer; anonymous: watches only */
export type AudienceRole = 'host' | 'moderator' | 'viewer' | 'anonymous';

export interface ChatMessage {
  id: string;
  showId: string;
  viewerId: string;
  displayName: string;
  text: string;
  at: number;
  streamMs: number | null;
  deletedAt: number | null;
}

export interface ChatSettings {
  slowModeSeconds: number;
  linksAllowed: boolean;
  pinnedMessageId: string | null;
}

export interface Sanction {
  viewerId: string;
  /** null: every show */
  showId: string | null;
  kind: 'ban' | 'timeout';
  /** null: until lifted */
  until: number | null;
}

export interface Poll {
  id: string;
  showId: string;
  question: string;
  options: string[];
  onOverlay: boolean;
  openedAt: number;
  closedAt: number | null;
}

export interface PollResults {
  id: string;
  question: string;
  options: Array<{ label: string; votes: number }>;
  totalVotes: number;
  open: boolean;
  onOverlay: boolean;
}

export type QuestionKind = 'question' | 'demo';

export interface Question {
  id: string;
  showId: string;
  viewerId: string;
  displayName: string;
  kind: QuestionKind;
  text: string;
  productId: string | null;
  at: number;
  answeredAt: number | null;
  votes: number;
}

/** A viewer's activity with one host: what loyalty levels are earned from. */
export interface HostActivity {
  watchMs: number;
  comments: number;
  purchases: number;
}
