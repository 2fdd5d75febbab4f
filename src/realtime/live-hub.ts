import { CHAT_TEXT_MAX, type AudienceRole } from '../domain/audience.js';
import type { ClipView } from '../domain/clip.js';
import { HawkerError, isStorageFailure, type ErrorCode } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';
import type { ShowRepository } from '../domain/ports.js';
import type { Show } from '../domain/show.js';
import type { ShowPhaseKind } from '../domain/show-phase.js';
import type { Logger } from '../log/logger.js';
import type { ActivityRelay } from './activity.js';
import type { LiveChat } from './chat.js';
import type { LiveModeration, ModerationMessage } from './moderation.js';
import type { LivePolls } from './polls.js';
import type { LivePresence } from './presence.js';
import { CloseCodes, MAX_CLIENT_FRAME_BYTES, PROTOCOL_VERSION, parseClientMessage, type ClientMessage } from './protocol.js';
import type { LiveLink } from './room.js';
import type { Rooms } from './rooms.js';
import type { LiveQuestions } from './questions.js';
import { overlayToWire, type OverlaySnapshot } from './overlay-wire.js';
import type { LineupStateMessage, ServerMessage } from './server-messages.js';
import { iso, type Credentials, type Level, type LiveCounters, type LiveLimits, type LiveSession, type Member } from './session.js';
import { TokenBucket } from './token-bucket.js';

export type { ActivityKind, Credentials, LiveLimits, LiveSession } from './session.js';

/** The features the hub dispatches to, welcomes with and ticks: each declares what it needs itself. */
export interface LiveFeatures {
  chat: Pick<LiveChat, 'say' | 'hostSay' | 'historyOf' | 'pinnedLine' | 'settingsOf' | 'storeIfDue' | 'retryNow' | 'backlog' | 'forgetShow' | 'trim'>;
  moderation: Pick<LiveModeration, 'fromSocket' | 'roleOf'>;
  polls: Pick<LivePolls, 'vote' | 'view' | 'push'>;
  questions: Pick<LiveQuestions, 'ask' | 'upvote' | 'top' | 'push'>;
  presence: Pick<LivePresence, 'openSession' | 'touchSessions' | 'recordMinute'>;
}

export interface LiveHubOptions {
  shows: Pick<ShowRepository, 'get'>;
  /** every show's room on this node (the features publish through the same one) */
  rooms: Rooms;
  features: LiveFeatures;
  /** coupon relays: told after the tick has stored the chat */
  activity: Pick<ActivityRelay, 'record' | 'dispatch'>;
  /** shared with the rooms (drops) and the chat (lines not stored) */
  counters: LiveCounters;
  limits: Pick<LiveLimits, 'maxConnectionsPerShow' | 'framesPerSecond'>;
  levelOf(viewerId: string, host: string): Level;
  viewerByToken(token: string): Viewer | undefined;
  /** what is on screen now, for the welcome message */
  overlayView(showId: string): OverlaySnapshot;
  /** the show's products at the price in force and the stock left, for the welcome message */
  lineupState(showId: string): LineupStateMessage;
  /**
   * where the show is in its life now: the live state machine holds it, and the stored status
   * knows neither the reconnect window nor a rehearsal
   */
  phaseOf(show: Show): ShowPhaseKind;
  /** the show's ready demo clips, for the welcome message (none when not given) */
  clipsOf?(showId: string): ClipView[];
  /** messages only the host's sockets get with their welcome (the phase and the source, which viewers never see) */
  backstage?(show: Show): ServerMessage[];
  logger: Logger;
  tickMs?: number;
  now?: () => number;
}

const PRESENCE_EVERY_MS = 1000;
const REACTIONS_EVERY_MS = 250;
const RESULTS_EVERY_MS = 500;
const MINUTE_MS = 60_000;

/**
 * The show's status as the page draws it: the same words the `show` message uses, so a page
 * that (re)connects while the host is away says "waiting for the host", not live.
 */
const statusNow = (show: Show, phase: ShowPhaseKind): string => (phase === 'awaiting-reconnect' ? 'waiting' : show.status);

const isModeration = (msg: ClientMessage): msg is ModerationMessage =>
  msg.type === 'delete' || msg.type === 'timeout' || msg.type === 'ban' || msg.type === 'pin' || msg.type === 'slowmode';

/**
 * The audience of every show in real time: one WebSocket per viewer per show, joined to the
 * show's room; each frame a viewer sends is dispatched by type to its feature (chat,
 * moderation, polls, questions; reactions go to the room); everything sent to a show leaves
 * on a 100 ms tick as one frame. Knows nothing of HTTP: a socket is a LiveLink.
 */
export class LiveHub {
  private readonly rooms: Rooms;
  private readonly f: LiveFeatures;
  private timer: NodeJS.Timeout | null = null;
  private lastReactions = 0;
  private lastPresence = 0;
  private lastResults = 0;
  private lastMinute = 0;
  private readonly now: () => number;
  private readonly log: Logger;
  /** figures for /metrics and the benchmark */
  readonly counters: LiveCounters;

  constructor(private readonly o: LiveHubOptions) {
    this.rooms = o.rooms;
    this.f = o.features;
    this.counters = o.counters;
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ module: 'live' });
  }

  start(): void {
    if (this.timer) return;
    const t = this.now();
    this.lastMinute = t;
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 100);
    this.timer.unref();
  }

  /** Sends what is queued, writes pending chat, and closes every socket (1001: reconnect later). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.f.chat.retryNow(); // a last try at held-back chat, whatever the retry pace
    this.tick();
    if (this.f.chat.backlog > 0) this.log.error({ messages: this.f.chat.backlog }, 'shutting down with chat that could not be stored');
    this.recordMinute(true);
    for (const room of this.rooms.all()) {
      for (const m of room.members) {
        m.link.close(CloseCodes.GOING_AWAY, 'server shutting down');
        this.left(m as Member);
      }
    }
    this.rooms.clear();
  }

  /** chat lines shown but not yet in the database (more than one tick's worth: storage trouble) */
  get chatBacklog(): number {
    return this.f.chat.backlog;
  }

  get connections(): number {
    return this.rooms.connections;
  }

  // ---- connections -------------------------------------------------------------------

  connect(showId: string, credentials: Credentials, link: LiveLink, protocol: number = PROTOCOL_VERSION): LiveSession | null {
    const refuse = (code: ErrorCode, message: string, close: number) => {
      link.send(Buffer.from(JSON.stringify([{ type: 'error', code, message }])));
      link.close(close, code);
      return null;
    };
    if (protocol !== PROTOCOL_VERSION) return refuse('INVALID_MESSAGE', `this server speaks protocol ${PROTOCOL_VERSION}`, CloseCodes.BAD_PROTOCOL);
    const show = this.o.shows.get(showId);
    if (!show) return refuse('SHOW_NOT_FOUND', `no show with id ${showId}`, CloseCodes.SHOW_NOT_FOUND);
    let viewer: Viewer | null = null;
    let role: AudienceRole = 'anonymous';
    if (credentials.kind === 'host') role = 'host';
    if (credentials.kind === 'viewer') {
      viewer = this.o.viewerByToken(credentials.token) ?? null;
      if (!viewer) return refuse('INVALID_VIEWER_TOKEN', 'the viewer token is not valid: get a new one from POST /api/viewers', CloseCodes.INVALID_TOKEN);
      role = this.f.moderation.roleOf(viewer.id);
    }
    const room = this.rooms.open(show);
    if (room.members.size >= this.o.limits.maxConnectionsPerShow) {
      return refuse('RATE_LIMITED', 'this show has as many viewers as the server allows', CloseCodes.FULL);
    }
    const now = this.now();
    const member: Member = {
      link,
      viewerId: viewer?.id ?? null,
      dropped: false,
      room,
      viewer,
      role,
      level: viewer ? this.o.levelOf(viewer.id, show.host) : null,
      frames: new TokenBucket(this.o.limits.framesPerSecond * 2, this.o.limits.framesPerSecond, now),
      sessionId: viewer ? this.f.presence.openSession(show.id, viewer.id, now) : null,
    };
    room.join(member, { staff: role === 'host' });
    const backstage = role === 'host' && this.o.backstage ? this.o.backstage(show) : [];
    room.sendTo(member, [this.welcome(show, member), ...backstage]);
    if (viewer) this.o.activity.record(show.id, viewer.id, 'watch');
    return {
      receive: (frame, binary) => this.receive(member, frame, binary),
      closed: () => this.left(member),
    };
  }

  /** Runs from the socket's close handler: it must never throw (an uncaught throw ends the process). */
  private left(member: Member): void {
    if (!member.room.members.has(member)) return;
    member.room.leave(member);
    if (member.sessionId != null) this.f.presence.touchSessions([member.sessionId], this.now());
  }

  private welcome(show: Show, m: Member): ServerMessage {
    const settings = this.f.chat.settingsOf(show.id);
    const pinned = this.f.chat.pinnedLine(show);
    const poll = this.f.polls.view(show.id);
    return {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      show: {
        id: show.id,
        title: show.title,
        host: show.host,
        status: statusNow(show, this.o.phaseOf(show)),
        scheduledAt: show.scheduledAt != null ? iso(show.scheduledAt) : null,
        startedAt: show.startedAt != null ? iso(show.startedAt) : null,
      },
      you: {
        viewerId: m.viewer?.id ?? null,
        displayName: m.viewer?.displayName ?? null,
        role: m.role,
        level: m.level?.level ?? null,
        badge: m.level?.badge ?? null,
      },
      history: this.f.chat.historyOf(show),
      pinned,
      settings: { slowModeSeconds: settings.slowModeSeconds, linksAllowed: settings.linksAllowed, maxLength: CHAT_TEXT_MAX },
      poll,
      questions: this.f.questions.top(show.id),
      overlay: overlayToWire(this.o.overlayView(show.id)),
      lineup: this.o.lineupState(show.id),
      presence: m.room.presence,
      clips: this.o.clipsOf?.(show.id) ?? [],
      serverTime: iso(this.now()),
    };
  }

  // ---- what viewers send --------------------------------------------------------------

  private receive(m: Member, frame: Buffer, binary: boolean): void {
    if (m.dropped) return;
    const now = this.now();
    if (!m.frames.take(now).ok) {
      m.dropped = true;
      m.link.close(CloseCodes.FLOODING, 'too many frames');
      this.left(m);
      return;
    }
    this.counters.messagesIn += 1;
    if (binary) return this.refuse(m, 'INVALID_MESSAGE', 'send JSON in text frames');
    if (frame.length > MAX_CLIENT_FRAME_BYTES) return this.refuse(m, 'MESSAGE_TOO_LONG', `a frame is at most ${MAX_CLIENT_FRAME_BYTES} bytes; this one has ${frame.length}`);
    const parsed = parseClientMessage(frame.toString('utf8'));
    if (!parsed.ok) return this.refuse(m, parsed.code, parsed.message, parsed.ref);
    const message = parsed.message;
    try {
      this.handle(m, message, now);
    } catch (err) {
      if (err instanceof HawkerError) return this.refuse(m, err.code, err.message, message.ref);
      if (isStorageFailure(err)) return this.refuse(m, 'STORAGE_UNAVAILABLE', 'the server cannot store this right now (storage full); try again shortly', message.ref);
      this.log.error({ err, show: m.room.showId, type: message.type }, 'live message failed');
      this.refuse(m, 'INTERNAL', 'something went wrong; the message was not taken', message.ref);
    }
  }

  private refuse(m: Member, code: ErrorCode, message: string, ref?: string): void {
    this.counters.refused += 1;
    m.room.sendTo(m, [{ type: 'error', code, message, ...(ref !== undefined ? { ref } : {}) }]);
  }

  /** Dispatch by message type: each feature checks what is its own to check. */
  private handle(m: Member, msg: ClientMessage, now: number): void {
    if (msg.type === 'react') return m.room.react(msg.reaction);
    const showId = m.room.showId;
    if (isModeration(msg)) return this.f.moderation.fromSocket(showId, { role: m.role, viewerId: m.viewer?.id ?? null }, msg);
    if (m.role === 'host' && msg.type === 'chat') return void this.f.chat.hostSay(showId, msg.text);
    if (!m.viewer) {
      throw new HawkerError('SIGN_IN_REQUIRED', m.role === 'host' ? 'the host chats and moderates here; votes and questions come from viewers' : undefined);
    }
    const viewer = m.viewer;
    if (msg.type === 'chat') return this.f.chat.say(m, msg.text, now);
    if (msg.type === 'vote') return this.f.polls.vote(showId, viewer.id, msg.pollId, msg.option);
    if (msg.type === 'upvote') return this.f.questions.upvote(showId, viewer.id, msg.questionId);
    if (msg.type === 'ask') return void this.f.questions.ask(showId, viewer, 'question', msg.text, msg.productId ?? null, now);
    return void this.f.questions.ask(showId, viewer, 'demo', '', msg.productId, now);
  }

  // ---- what the rest of Hawker pushes to viewers -------------------------------------------

  /** Overlay changes, flash-sale stock, show status: to everyone watching the show. */
  publish(showId: string, message: ServerMessage): void {
    this.rooms.publish(showId, message);
  }

  /** Like publish, but a newer message with the same key replaces one not yet sent. */
  publishLatest(showId: string, key: string, build: () => ServerMessage | null): void {
    this.rooms.publishLatest(showId, key, build);
  }

  /** A message for one viewer wherever they are connected (a coupon they unlocked). */
  sendToViewer(showId: string, viewerId: string, message: ServerMessage): void {
    this.rooms.sendToViewer(showId, viewerId, message);
  }

  // ---- the tick -------------------------------------------------------------------------------

  /** Runs on a timer: nothing may escape it (an uncaught throw ends the process). */
  private tick(): void {
    try {
      this.tickOnce();
    } catch (err) {
      this.log.error({ err }, 'live tick failed');
    }
  }

  /** One tick by hand (tests drive the hub without timers). */
  tickOnce(): void {
    const now = this.now();
    // coupons count from the stored timeline: activity waits while chat is held back
    if (this.f.chat.storeIfDue(now) === true) this.o.activity.dispatch();
    const reactions = now - this.lastReactions >= REACTIONS_EVERY_MS;
    const presence = now - this.lastPresence >= PRESENCE_EVERY_MS;
    const results = now - this.lastResults >= RESULTS_EVERY_MS;
    if (reactions) this.lastReactions = now;
    if (presence) this.lastPresence = now;
    if (results) this.lastResults = now;
    for (const room of this.rooms.all()) {
      if (reactions) room.queueReactions();
      if (presence) room.queuePresence();
      try {
        if (results) {
          this.f.polls.push(room.showId);
          this.f.questions.push(room.showId);
        }
      } catch (err) {
        // what is queued for this room still goes out below
        this.log.error({ err, show: room.showId }, 'poll or question update failed');
      }
      const sent = room.flush();
      if (sent > 0) {
        this.counters.messagesOut += sent;
        this.counters.framesOut += room.members.size;
      }
    }
    if (now - this.lastMinute >= MINUTE_MS) this.recordMinute(false);
  }

  /** Once a minute: presence on each show's timeline, watch time moved on, empty rooms closed. */
  private recordMinute(final: boolean): void {
    this.lastMinute = this.now();
    for (const showId of this.f.presence.recordMinute([...this.rooms.all()], final)) {
      this.rooms.delete(showId);
      this.f.chat.forgetShow(showId);
    }
    this.f.chat.trim();
  }
}
