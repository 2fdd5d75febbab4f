import type { PollResults } from '../../src/domain/audience.js';
import type { Viewer } from '../../src/domain/order.js';
import type {
  ChatRepository,
  HostVoiceRepository,
  LineupRepository,
  ModerationRepository,
  PollRepository,
  QuestionRepository,
  ShowEventRepository,
  ShowRepository,
  ViewerRepository,
  WatchSessionRepository,
} from '../../src/domain/ports.js';
import { emptyOverlayState } from '../../src/domain/overlay.js';
import type { Logger } from '../../src/log/logger.js';
import type { Show } from '../../src/domain/show.js';
import type { ShowPhaseKind } from '../../src/domain/show-phase.js';
import { ActivityRelay } from '../../src/realtime/activity.js';
import { LiveChat } from '../../src/realtime/chat.js';
import type { ChatRules } from '../../src/realtime/chat-rules.js';
import { LiveHub } from '../../src/realtime/live-hub.js';
import { LiveModeration } from '../../src/realtime/moderation.js';
import { LivePolls } from '../../src/realtime/polls.js';
import { LivePresence } from '../../src/realtime/presence.js';
import type { OverlaySnapshot } from '../../src/realtime/overlay-wire.js';
import { LiveQuestions } from '../../src/realtime/questions.js';
import { Rooms } from '../../src/realtime/rooms.js';
import { newCounters, type ActivitySink, type Level, type LiveLimits } from '../../src/realtime/session.js';
import type { LineupStateMessage } from '../../src/realtime/server-messages.js';

/** Nothing on screen: what a show's overlays report before the merchant sets anything. */
export const emptyOverlay = (showId: string): OverlaySnapshot => ({ showId, state: emptyOverlayState(), pinnedProduct: null, flashSale: null, layout: null });

/** Everything the audience needs, as src/services.ts hands it over, for hub tests on real or faked repositories. */
export interface LiveHubInputs {
  shows: ShowRepository;
  events: Pick<ShowEventRepository, 'append'>;
  chat: ChatRepository;
  moderation: ModerationRepository;
  voices: HostVoiceRepository;
  polls: PollRepository;
  questions: QuestionRepository;
  sessions: Pick<WatchSessionRepository, 'openSession' | 'touchSessions'>;
  viewers: Pick<ViewerRepository, 'get'>;
  lineup: Pick<LineupRepository, 'get'>;
  rules: ChatRules;
  limits: LiveLimits;
  levelOf(viewerId: string, host: string): Level;
  viewerByToken(token: string): Viewer | undefined;
  overlayView(showId: string): OverlaySnapshot;
  /** the welcome's lineup; an empty one when the test does not care */
  lineupState?(showId: string): LineupStateMessage;
  /** the phase LiveShows holds; by default the stored status's namesake (a live show has its host) */
  phaseOf?(show: Show): ShowPhaseKind;
  showPollOnOverlay(showId: string, poll: PollResults | null, record: boolean): void;
  onActivity?: ActivitySink;
  chatBacklogMax?: number;
  logger: Logger;
  tickMs?: number;
  now?: () => number;
}

/** The hub and its features wired the way src/services.ts wires them. */
export function buildLiveHub(o: LiveHubInputs) {
  const now = o.now ?? Date.now;
  const log = o.logger.child({ module: 'live' });
  const counters = newCounters();
  const backlogMax = o.chatBacklogMax ?? 10_000;
  const rooms = new Rooms(o.limits.maxBufferedBytes, counters, log);
  const activity = new ActivityRelay(o.onActivity, backlogMax, log);
  const chat = new LiveChat({ shows: o.shows, chat: o.chat, sanctions: o.moderation, voices: o.voices, rules: o.rules, limits: o.limits, out: rooms, levelOf: o.levelOf, activity: activity.record, backlogMax, counters, logger: log, now });
  const features = {
    chat,
    moderation: new LiveModeration({ shows: o.shows, events: o.events, moderation: o.moderation, viewers: o.viewers, lines: chat, out: rooms, logger: o.logger, now }),
    polls: new LivePolls({ shows: o.shows, events: o.events, polls: o.polls, out: rooms, showPollOnOverlay: o.showPollOnOverlay, activity: activity.record, now }),
    questions: new LiveQuestions({ shows: o.shows, questions: o.questions, lineup: o.lineup, speech: chat, out: rooms, now }),
    presence: new LivePresence({ shows: o.shows, events: o.events, sessions: o.sessions, rooms, activity: activity.record, logger: log, now }),
  };
  const hub = new LiveHub({
    shows: o.shows,
    rooms,
    features,
    activity,
    counters,
    limits: o.limits,
    levelOf: o.levelOf,
    viewerByToken: o.viewerByToken,
    overlayView: o.overlayView,
    lineupState: o.lineupState ?? (() => ({ items: [], sale: null })),
    phaseOf: o.phaseOf ?? ((show) => show.status),
    logger: o.logger,
    ...(o.tickMs !== undefined ? { tickMs: o.tickMs } : {}),
    now,
  });
  return { hub, rooms, ...features };
}
