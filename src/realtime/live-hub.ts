import { randomBytes } from 'node:crypto';
import {
  CHAT_TEXT_MAX,
  POLL_OPTION_MAX,
  POLL_OPTIONS_MAX,
  POLL_QUESTION_MAX,
  type AudienceRole,
  type ChatMessage,
  type ChatSettings,
  type Poll,
  type PollResults,
  type Question,
} from '../domain/audience.js';
import { HawkerError, isStorageFailure, type ErrorCode } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';
import type {
  AudienceRepository,
  ChatRepository,
  LineupRepository,
  PollRepository,
  QuestionRepository,
  ShowEventRepository,
  ShowRepository,
} from '../domain/ports.js';
import type { Show } from '../domain/show.js';
import type { Logger } from '../log/logger.js';
import type { ChatRules } from './chat-rules.js';
import { CloseCodes, MAX_CLIENT_FRAME_BYTES, PROTOCOL_VERSION, parseClientMessage, type ClientMessage } from './protocol.js';
import { Room, type LiveLink, type RoomMember } from './room.js';
import type { ChatLine, QuestionView, ServerMessage } from './server-messages.js';
import { TokenBucket } from './token-bucket.js';
import { requireText } from '../domain/text.js';

export interface LiveLimits {
  chatPerMinute: number;
  chatBurst: number;
  historySize: number;
  /** unsent bytes a socket may hold before it is dropped as too slow */
  maxBufferedBytes: number;
  maxConnectionsPerShow: number;
  /** frames of any kind a socket may send per second (sustained) before it is cut off */
  framesPerSecond: number;
}

export interface LiveHubOptions {
  shows: ShowRepository;
  events: ShowEventRepository;
  chat: ChatRepository;
  polls: PollRepository;
  questions: QuestionRepository;
  audience: AudienceRepository;
  lineup: LineupRepository;
  rules: ChatRules;
  limits: LiveLimits;
  levelOf(viewerId: string, host: string): { level: number; badge: string };
  viewerByToken(token: string): Viewer | undefined;
  /** what is on screen now, for the welcome message */
  overlayView(showId: string): unknown;
  /** draws (or clears) the poll on the video; `record` puts it on the timeline */
  showPollOnOverlay(showId: string, poll: PollResults | null, record: boolean): void;
  /**
   * A viewer did something an engagement-gated coupon may count. Told after the tick has
   * written it to SQLite, so whoever listens can count from the stored timeline.
   */
  onActivity?(showId: string, viewerId: string, kind: ActivityKind, text?: string): void;
  /**
   * Chat lines held in memory, in order, while the database cannot store them (disk full);
   * lines past this are still shown live but never stored (counted in counters.chatUnstored).
   */
  chatBacklogMax?: number;
  logger: Logger;
  tickMs?: number;
  now?: () => number;
}

export type ActivityKind = 'chat' | 'vote' | 'watch';

export type Credentials = { kind: 'host' } | { kind: 'viewer'; token: string } | { kind: 'anonymous' };

interface Member extends RoomMember {
  room: Room;
  viewer: Viewer | null;
  role: AudienceRole;
  level: { level: number; badge: string } | null;
  frames: TokenBucket;
  sessionId: number | null;
}

export interface LiveSession {
  /** one frame as it came off the socket */
  receive(frame: Buffer, binary: boolean): void;
  closed(): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const QUESTIONS_SHOWN = 20;
const PRESENCE_EVERY_MS = 1000;
const REACTIONS_EVERY_MS = 250;
const RESULTS_EVERY_MS = 500;
const MINUTE_MS = 60_000;
/** while storage fails, one log line per this long for the writes the hub gives up on */
const STORAGE_LOG_EVERY_MS = 10_000;
/**
 * while chat cannot be stored, the tick tries again this often, not every 100 ms: a backlog of
 * thousands of lines re-sent ten times a second would burn a core on a full disk
 */
const CHAT_RETRY_MS = 1000;

const HOST_BADGE = { level: 0, badge: 'host' };

/**
 * The audience of every show in real time: one WebSocket per viewer per show, chat with its
 * rules and moderation, reactions, polls, questions, presence. Knows nothing of HTTP: a socket
 * is a LiveLink. Everything sent to a show leaves on a 100 ms tick as one frame.
 */
export class LiveHub {
  private readonly rooms = new Map<string, Room>();
  private readonly chatBuckets = new Map<string, TokenBucket>();
  private readonly lastChatAt = new Map<string, number>();
  private readonly history = new Map<string, ChatLine[]>();
  private readonly settings = new Map<string, ChatSettings>();
  private pendingChat: ChatMessage[] = [];
  /** the viewer rows hosts speak through (few, read on every line drawn): loaded once */
  private hostVoices: Set<string> | null = null;
  private pendingActivity: Array<{ showId: string; viewerId: string; kind: ActivityKind; text?: string }> = [];
  private readonly dirtyPolls = new Set<string>();
  private readonly dirtyQuestions = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastReactions = 0;
  private lastPresence = 0;
  private lastResults = 0;
  private lastMinute = 0;
  /** since when chat lines could not be written (null: they can) */
  private chatFailingSince: number | null = null;
  private chatRetryAt = 0;
  private storageLogAt = 0;
  private storageLogSuppressed = 0;
  private readonly chatBacklogMax: number;
  private readonly now: () => number;
  private readonly log: Logger;
  /** figures for /metrics and the benchmark */
  readonly counters = { messagesIn: 0, messagesOut: 0, framesOut: 0, droppedSlow: 0, refused: 0, chatUnstored: 0 };

  constructor(private readonly o: LiveHubOptions) {
    this.now = o.now ?? Date.now;
    this.chatBacklogMax = o.chatBacklogMax ?? 10_000;
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
    this.chatRetryAt = 0; // a last try at held-back chat, whatever the retry pace
    this.tick();
    if (this.pendingChat.length > 0) this.log.error({ messages: this.pendingChat.length }, 'shutting down with chat that could not be stored');
    this.recordMinute(true);
    for (const room of this.rooms.values()) {
      for (const m of room.members) {
        m.link.close(CloseCodes.GOING_AWAY, 'server shutting down');
        this.left(m as Member);
      }
    }
    this.rooms.clear();
  }

  /** chat lines shown but not yet in the database (more than one tick's worth: storage trouble) */
  get chatBacklog(): number {
    return this.pendingChat.length;
  }

  get connections(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.members.size;
    return n;
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
      role = this.o.chat.isModerator(viewer.id) ? 'moderator' : 'viewer';
    }
    const room = this.room(show);
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
      sessionId: viewer ? this.openSession(show.id, viewer.id, now) : null,
    };
    room.join(member);
    room.sendTo(member, [this.welcome(show, member)]);
    if (viewer) this.activity(show.id, viewer.id, 'watch');
    return {
      receive: (frame, binary) => this.receive(member, frame, binary),
      closed: () => this.left(member),
    };
  }

  /** Runs from the socket's close handler: it must never throw (an uncaught throw ends the process). */
  private left(member: Member): void {
    if (!member.room.members.has(member)) return;
    member.room.leave(member);
    if (member.sessionId != null) this.touchSessions([member.sessionId], this.now());
  }

  /** A viewer who cannot be given a watch session (disk full) still watches; their time is not counted. */
  private openSession(showId: string, viewerId: string, at: number): number | null {
    try {
      return this.o.audience.openSession(showId, viewerId, at);
    } catch (err) {
      this.writeFailed(err, 'watch session not opened', { show: showId });
      return null;
    }
  }

  private touchSessions(ids: number[], at: number): void {
    try {
      this.o.audience.touchSessions(ids, at);
    } catch (err) {
      // the sessions keep their last stored time: at most a minute of watch time goes uncounted
      this.writeFailed(err, 'watch time not recorded', { sessions: ids.length });
    }
  }

  /** A write the hub gives up on: storage trouble is logged at most every 10 s, anything else always. */
  private writeFailed(err: unknown, what: string, context: Record<string, unknown>): void {
    if (!isStorageFailure(err)) {
      this.log.error({ err, ...context }, what);
      return;
    }
    const now = this.now();
    if (now - this.storageLogAt < STORAGE_LOG_EVERY_MS) {
      this.storageLogSuppressed += 1;
      return;
    }
    this.log.warn({ code: (err as { code: string }).code, ...context, alsoSince: this.storageLogSuppressed }, `${what}: storage unavailable`);
    this.storageLogAt = now;
    this.storageLogSuppressed = 0;
  }

  private room(show: Show): Room {
    let room = this.rooms.get(show.id);
    if (!room) {
      room = new Room(show.id, show.host, this.o.limits.maxBufferedBytes, () => {
        this.counters.droppedSlow += 1;
        this.log.warn({ show: show.id }, 'dropped a viewer who fell too far behind');
      });
      this.rooms.set(show.id, room);
    }
    return room;
  }

  private welcome(show: Show, m: Member): ServerMessage {
    const settings = this.settingsOf(show.id);
    const pinned = settings.pinnedMessageId ? this.o.chat.get(settings.pinnedMessageId) : undefined;
    const poll = this.o.polls.current(show.id);
    return {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      show: {
        id: show.id,
        title: show.title,
        host: show.host,
        status: show.status,
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
      history: this.chatHistory(show),
      pinned: pinned && !pinned.deletedAt ? this.line(pinned, show.host) : null,
      settings: { slowModeSeconds: settings.slowModeSeconds, linksAllowed: settings.linksAllowed, maxLength: CHAT_TEXT_MAX },
      poll: poll ? this.results(poll) : null,
      questions: this.questionViews(show.id),
      overlay: this.o.overlayView(show.id),
      presence: m.room.presence,
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

  private handle(m: Member, msg: ClientMessage, now: number): void {
    if (msg.type === 'react') return m.room.react(msg.reaction);
    const showId = m.room.showId;
    if (msg.type === 'delete' || msg.type === 'timeout' || msg.type === 'ban' || msg.type === 'pin' || msg.type === 'slowmode') {
      // the host and moderators act through the same socket messages
      if (m.role !== 'host' && m.role !== 'moderator') throw new HawkerError(m.viewer ? 'NOT_A_MODERATOR' : 'SIGN_IN_REQUIRED');
      const by = m.viewer?.id ?? 'host';
      if (m.role === 'moderator') {
        this.o.logger.info({ show: showId, moderator: by, action: msg.type }, 'moderator action');
        this.requireModeratable(showId, msg, by);
      }
      if (msg.type === 'delete') return this.deleteMessage(showId, msg.messageId, by);
      if (msg.type === 'timeout') return void this.timeout(showId, msg.viewerId, msg.seconds);
      if (msg.type === 'ban') return this.ban(msg.viewerId);
      if (msg.type === 'pin') return void this.pin(showId, msg.messageId);
      return void this.updateSettings(showId, { slowModeSeconds: msg.seconds });
    }
    if (m.role === 'host' && msg.type === 'chat') return void this.hostSay(showId, msg.text);
    if (!m.viewer) {
      throw new HawkerError('SIGN_IN_REQUIRED', m.role === 'host' ? 'the host chats and moderates here; votes and questions come from viewers' : undefined);
    }
    const viewer = m.viewer;
    if (msg.type === 'chat') return this.chat(m, viewer, msg.text, now);
    if (msg.type === 'vote') return this.vote(showId, viewer.id, msg.pollId, msg.option);
    if (msg.type === 'upvote') return this.upvote(showId, viewer.id, msg.questionId);
    if (msg.type === 'ask') return void this.ask(m, viewer.id, 'question', msg.text, msg.productId ?? null, now);
    return void this.ask(m, viewer.id, 'demo', '', msg.productId, now);
  }

  /** Chat messages and questions share one per-viewer rate. */
  private takeChatToken(viewerId: string, now: number): void {
    let bucket = this.chatBuckets.get(viewerId);
    if (!bucket) {
      bucket = new TokenBucket(this.o.limits.chatBurst, this.o.limits.chatPerMinute / 60, now);
      this.chatBuckets.set(viewerId, bucket);
    }
    const taken = bucket.take(now);
    if (!taken.ok) throw new HawkerError('RATE_LIMITED', `at most ${this.o.limits.chatPerMinute} messages a minute; wait ${Math.ceil(taken.retryInMs / 1000)} s`);
  }

  /** Read on every message, changed only here: kept in memory, written through. */
  private settingsOf(showId: string): ChatSettings {
    let settings = this.settings.get(showId);
    if (!settings) {
      settings = this.o.chat.settings(showId);
      this.settings.set(showId, settings);
    }
    return settings;
  }

  private saveSettings(showId: string, settings: ChatSettings): void {
    this.o.chat.saveSettings(showId, settings);
    this.settings.set(showId, settings);
  }

  private checkSanctions(showId: string, viewerId: string, now: number): void {
    const sanction = this.o.chat.activeSanction(viewerId, showId, now);
    if (!sanction) return;
    if (sanction.kind === 'ban') throw new HawkerError('BANNED');
    throw new HawkerError('TIMED_OUT', `you are timed out for ${Math.ceil(((sanction.until ?? now) - now) / 1000)} s more`);
  }

  private chat(m: Member, viewer: Viewer, raw: string, now: number): void {
    const showId = m.room.showId;
    this.checkSanctions(showId, viewer.id, now);
    const settings = this.settingsOf(showId);
    const privileged = m.role === 'moderator';
    if (!privileged && settings.slowModeSeconds > 0) {
      const last = this.lastChatAt.get(`${showId}:${viewer.id}`) ?? 0;
      const wait = last + settings.slowModeSeconds * 1000 - now;
      if (wait > 0) throw new HawkerError('SLOW_MODE', `slow mode: one message every ${settings.slowModeSeconds} s; wait ${Math.ceil(wait / 1000)} s`);
    }
    const verdict = this.o.rules.check(raw, settings.linksAllowed);
    if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
    this.takeChatToken(viewer.id, now);
    this.lastChatAt.set(`${showId}:${viewer.id}`, now);
    const message = this.queueChat(this.o.shows.get(showId), showId, viewer, verdict.text, now);
    // levels move while a viewer watches, comments and buys
    m.level = this.o.levelOf(viewer.id, m.room.host);
    this.publishLine(showId, this.line(message, m.room.host, m.role === 'moderator' ? 'moderator' : 'viewer', m.level));
    this.activity(showId, viewer.id, 'chat', message.text);
  }

  /**
   * The merchant in chat, as the show's host (the panel's REST call or the host's socket):
   * the text rules hold, links are allowed; no rate limit or slow mode, it is their show.
   */
  hostSay(showId: string, raw: string): ChatLine {
    const show = this.requireShow(showId);
    const verdict = this.o.rules.check(raw, true);
    if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
    const now = this.now();
    const voice = this.o.chat.hostVoice(show.host, show.host || 'Host', now);
    this.hostVoiceSet().add(voice.id);
    const message = this.queueChat(show, showId, voice, verdict.text, now);
    return this.publishLine(showId, this.line(message, show.host, 'host'));
  }

  /** into the history newcomers get, and out to the room if anyone is there */
  private publishLine(showId: string, line: ChatLine): ChatLine {
    this.remember(showId, line);
    const room = this.rooms.get(showId);
    if (room) {
      room.chatThisMinute += 1;
      room.broadcast({ type: 'chat', ...line });
    }
    return line;
  }

  /** a line in stream time, written with the next tick's batch */
  private queueChat(show: Show | undefined, showId: string, author: { id: string; displayName: string }, text: string, now: number): ChatMessage {
    const message: ChatMessage = {
      id: randomBytes(9).toString('base64url'),
      showId,
      viewerId: author.id,
      displayName: author.displayName,
      text,
      at: now,
      streamMs: show?.startedAt != null ? now - show.startedAt : null,
      deletedAt: null,
    };
    if (this.pendingChat.length < this.chatBacklogMax) this.pendingChat.push(message);
    else {
      // shown live all the same; only the stored transcript misses it
      this.counters.chatUnstored += 1;
      if (this.counters.chatUnstored === 1 || this.counters.chatUnstored % 1000 === 0) {
        this.log.error({ backlog: this.pendingChat.length, unstoredTotal: this.counters.chatUnstored }, 'chat backlog is full: new lines are shown but not stored');
      }
    }
    return message;
  }

  private hostVoiceSet(): Set<string> {
    this.hostVoices ??= new Set(this.o.chat.hostVoiceIds());
    return this.hostVoices;
  }

  private isHostVoice(viewerId: string): boolean {
    return this.hostVoiceSet().has(viewerId);
  }

  private line(message: ChatMessage, host: string, role?: 'host' | 'moderator' | 'viewer', level?: { level: number; badge: string } | null): ChatLine {
    const byHost = role === 'host' || this.isHostVoice(message.viewerId);
    // the host earns no loyalty from their own show: the badge says who they are instead
    const lv = byHost ? HOST_BADGE : (level ?? this.o.levelOf(message.viewerId, host));
    return {
      id: message.id,
      viewer: {
        id: message.viewerId,
        displayName: message.displayName,
        level: lv.level,
        badge: lv.badge,
        role: byHost ? 'host' : (role ?? (this.o.chat.isModerator(message.viewerId) ? 'moderator' : 'viewer')),
      },
      text: message.text,
      at: iso(message.at),
      streamMs: message.streamMs,
    };
  }

  private chatHistory(show: Show): ChatLine[] {
    let lines = this.history.get(show.id);
    if (!lines) {
      lines = this.o.chat.recent(show.id, this.o.limits.historySize).map((msg) => this.line(msg, show.host));
      this.history.set(show.id, lines);
    }
    return lines;
  }

  /** the sender is in the room, so its history was loaded when they joined */
  private remember(showId: string, line: ChatLine): void {
    const lines = this.history.get(showId);
    if (!lines) return;
    lines.push(line);
    if (lines.length > this.o.limits.historySize) lines.splice(0, lines.length - this.o.limits.historySize);
  }

  // ---- moderation (the host's REST routes and moderators' sockets) --------------------

  /** The chat as the control panel shows it: the last `limit` messages not deleted. */
  recentChat(showId: string, limit: number): ChatLine[] {
    const show = this.requireShow(showId);
    this.writePendingChat();
    // lines held back by a full disk are part of the chat all the same
    const held = this.pendingChat.filter((p) => p.showId === showId && p.deletedAt == null);
    return [...this.o.chat.recent(show.id, limit), ...held].slice(-limit).map((msg) => this.line(msg, show.host));
  }

  deleteMessage(showId: string, messageId: string, by: string): void {
    this.requireShow(showId);
    const at = this.now();
    const pending = this.pendingChat.find((p) => p.id === messageId && p.showId === showId);
    if (pending) pending.deletedAt = at;
    else {
      const stored = this.o.chat.get(messageId);
      if (!stored || stored.showId !== showId || stored.deletedAt != null) throw new HawkerError('MESSAGE_NOT_FOUND', `no message ${messageId} in this show`);
      this.o.chat.markDeleted(messageId, at, by);
    }
    this.forget(showId, [messageId]);
  }

  private forget(showId: string, ids: string[]): void {
    const lines = this.history.get(showId);
    const room = this.rooms.get(showId);
    for (const id of ids) {
      if (lines) {
        const i = lines.findIndex((l) => l.id === id);
        if (i >= 0) lines.splice(i, 1);
      }
      room?.broadcast({ type: 'chat.deleted', id });
    }
    const settings = this.settingsOf(showId);
    if (settings.pinnedMessageId && ids.includes(settings.pinnedMessageId)) this.pin(showId, null);
  }

  timeout(showId: string, viewerId: string, seconds: number): { until: number } {
    this.requireShow(showId);
    this.requireViewer(viewerId);
    const until = this.now() + seconds * 1000;
    this.o.chat.addSanction({ viewerId, showId, kind: 'timeout', until }, this.now());
    this.record(showId, { action: 'timeout', viewerId, seconds });
    this.notify(viewerId, showId, { type: 'notice', code: 'TIMED_OUT', message: `you are timed out for ${seconds} s`, until: iso(until) });
    return { until };
  }

  /** Banned in every show of this server; everything they said, in every show, disappears. */
  ban(viewerId: string): void {
    this.requireViewer(viewerId);
    const at = this.now();
    this.o.chat.addSanction({ viewerId, showId: null, kind: 'ban', until: null }, at);
    // pending lines go to SQLite first, so one UPDATE deletes stored and pending alike
    this.writePendingChat();
    const byShow = new Map<string, string[]>();
    // lines still held back (storage trouble) are deleted where they wait
    const held = this.pendingChat.filter((p) => p.viewerId === viewerId && p.deletedAt == null);
    for (const p of held) p.deletedAt = at;
    for (const { id, showId } of [...held, ...this.o.chat.markAllDeletedBy(viewerId, at, 'ban')]) {
      const ids = byShow.get(showId);
      if (ids) ids.push(id);
      else byShow.set(showId, [id]);
    }
    for (const [showId, ids] of byShow) this.forget(showId, ids);
    for (const showId of this.rooms.keys()) this.record(showId, { action: 'ban', viewerId });
    this.notify(viewerId, null, { type: 'notice', code: 'BANNED', message: 'you are banned from this chat', until: null });
  }

  lift(viewerId: string): number {
    this.requireViewer(viewerId);
    return this.o.chat.liftSanctions(viewerId, this.now());
  }

  setModerator(viewerId: string, moderator: boolean): void {
    this.requireViewer(viewerId);
    this.o.chat.setModerator(viewerId, moderator, this.now());
    for (const room of this.rooms.values()) {
      for (const member of room.members) {
        const m = member as Member;
        if (m.viewerId === viewerId && m.role !== 'host') m.role = moderator ? 'moderator' : 'viewer';
      }
    }
  }

  moderators() {
    return this.o.chat.moderators();
  }

  pin(showId: string, messageId: string | null): ChatLine | null {
    const show = this.requireShow(showId);
    let line: ChatLine | null = null;
    if (messageId) {
      this.writePendingChat();
      const message = this.o.chat.get(messageId);
      if (!message || message.showId !== showId || message.deletedAt != null) throw new HawkerError('MESSAGE_NOT_FOUND', `no message ${messageId} in this show`);
      line = this.line(message, show.host);
    }
    this.saveSettings(showId, { ...this.settingsOf(showId), pinnedMessageId: messageId });
    this.rooms.get(showId)?.broadcast({ type: 'chat.pinned', message: line });
    return line;
  }

  chatSettings(showId: string): ChatSettings {
    this.requireShow(showId);
    return this.settingsOf(showId);
  }

  updateSettings(showId: string, change: Partial<Pick<ChatSettings, 'slowModeSeconds' | 'linksAllowed'>>): ChatSettings {
    this.requireShow(showId);
    const settings = { ...this.settingsOf(showId), ...change };
    this.saveSettings(showId, settings);
    this.rooms.get(showId)?.broadcast({ type: 'chat.settings', slowModeSeconds: settings.slowModeSeconds, linksAllowed: settings.linksAllowed, maxLength: CHAT_TEXT_MAX });
    return settings;
  }

  private notify(viewerId: string, showId: string | null, message: ServerMessage): void {
    for (const room of this.rooms.values()) {
      if (showId && room.showId !== showId) continue;
      for (const member of room.members) if (member.viewerId === viewerId) room.sendTo(member, [message]);
    }
  }

  /** A message for one viewer wherever they are connected (a coupon they unlocked). */
  sendToViewer(showId: string, viewerId: string, message: ServerMessage): void {
    this.notify(viewerId, showId, message);
  }

  // ---- polls ------------------------------------------------------------------------------

  openPoll(showId: string, input: { question: string; options: string[]; onOverlay: boolean }): PollResults {
    const show = this.requireShow(showId);
    if (show.status === 'ended') throw new HawkerError('SHOW_ENDED');
    const question = requireText('question', input.question);
    const options = input.options.map((o, i) => requireText(`options.${i}`, o));
    if (!question || question.length > POLL_QUESTION_MAX) throw new HawkerError('INVALID_POLL', `the question needs 1 to ${POLL_QUESTION_MAX} characters`);
    if (options.length < 2 || options.length > POLL_OPTIONS_MAX) throw new HawkerError('INVALID_POLL', `a poll has 2 to ${POLL_OPTIONS_MAX} options`);
    if (options.some((o) => !o || o.length > POLL_OPTION_MAX)) throw new HawkerError('INVALID_POLL', `each option needs 1 to ${POLL_OPTION_MAX} characters`);
    if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) throw new HawkerError('INVALID_POLL', 'two options are the same');
    const at = this.now();
    const current = this.o.polls.current(showId);
    if (current && current.closedAt == null) this.o.polls.close(current.id, at);
    const poll: Poll = { id: randomBytes(9).toString('base64url'), showId, question, options, onOverlay: input.onOverlay, openedAt: at, closedAt: null };
    this.o.polls.create(poll);
    const results = this.results(poll);
    this.events(showId, 'poll.opened', { pollId: poll.id, question, options });
    this.o.showPollOnOverlay(showId, poll.onOverlay ? results : null, true);
    this.rooms.get(showId)?.broadcast({ type: 'poll', poll: results });
    return results;
  }

  closePoll(showId: string): PollResults {
    this.requireShow(showId);
    const poll = this.o.polls.current(showId);
    if (!poll) throw new HawkerError('POLL_NOT_FOUND', 'this show has no poll');
    if (poll.closedAt == null) {
      poll.closedAt = this.now();
      this.o.polls.close(poll.id, poll.closedAt);
      const results = this.results(poll);
      this.events(showId, 'poll.closed', { pollId: poll.id, options: results.options });
      if (poll.onOverlay) this.o.showPollOnOverlay(showId, results, true);
      this.rooms.get(showId)?.broadcast({ type: 'poll', poll: results });
      this.dirtyPolls.delete(showId);
    }
    return this.results(poll);
  }

  /** Takes the poll off the video (results stay in the API and on the timeline). */
  hidePoll(showId: string): void {
    this.requireShow(showId);
    this.o.showPollOnOverlay(showId, null, true);
  }

  currentPoll(showId: string): PollResults | null {
    this.requireShow(showId);
    const poll = this.o.polls.current(showId);
    return poll ? this.results(poll) : null;
  }

  private vote(showId: string, viewerId: string, pollId: string, option: number): void {
    const poll = this.o.polls.get(pollId);
    if (!poll || poll.showId !== showId) throw new HawkerError('POLL_NOT_FOUND', `no poll ${pollId} in this show`);
    if (poll.closedAt != null) throw new HawkerError('POLL_CLOSED');
    if (option >= poll.options.length) throw new HawkerError('INVALID_MESSAGE', `option must be 0 to ${poll.options.length - 1}`);
    if (!this.o.polls.vote(pollId, viewerId, option, this.now())) throw new HawkerError('ALREADY_VOTED');
    this.dirtyPolls.add(showId);
    this.activity(showId, viewerId, 'vote');
  }

  private results(poll: Poll): PollResults {
    const tally = this.o.polls.tally(poll.id);
    const options = poll.options.map((label, i) => ({ label, votes: tally[i] ?? 0 }));
    return { id: poll.id, question: poll.question, options, totalVotes: options.reduce((n, o) => n + o.votes, 0), open: poll.closedAt == null, onOverlay: poll.onOverlay };
  }

  // ---- questions and demo requests --------------------------------------------------------

  private ask(m: Member, viewerId: string, kind: 'question' | 'demo', raw: string, productId: string | null, now: number): Question {
    const showId = m.room.showId;
    this.checkSanctions(showId, viewerId, now);
    let text = '';
    if (kind === 'question') {
      const verdict = this.o.rules.check(raw, false);
      if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
      text = verdict.text;
    }
    if (productId) {
      const lineup = this.o.lineup.get(showId);
      if (!lineup.includes(productId)) throw new HawkerError('NOT_IN_LINEUP', `product ${productId} is not in this show's lineup`);
    }
    this.takeChatToken(viewerId, now);
    const question = { id: randomBytes(9).toString('base64url'), showId, viewerId, kind, text, productId, at: now, answeredAt: null };
    this.o.questions.create(question);
    this.dirtyQuestions.add(showId);
    return { ...question, displayName: m.viewer?.displayName ?? '', votes: 0 };
  }

  private upvote(showId: string, viewerId: string, questionId: string): void {
    const q = this.o.questions.get(questionId);
    if (!q || q.showId !== showId) throw new HawkerError('QUESTION_NOT_FOUND', `no question ${questionId} in this show`);
    if (!this.o.questions.upvote(questionId, viewerId)) throw new HawkerError('ALREADY_UPVOTED');
    this.dirtyQuestions.add(showId);
  }

  questionQueue(showId: string, includeAnswered: boolean): QuestionView[] {
    this.requireShow(showId);
    return this.o.questions.ranked(showId, includeAnswered, 200).map(questionView);
  }

  answer(showId: string, questionId: string): void {
    this.requireShow(showId);
    const q = this.o.questions.get(questionId);
    if (!q || q.showId !== showId) throw new HawkerError('QUESTION_NOT_FOUND', `no question ${questionId} in this show`);
    this.o.questions.markAnswered(questionId, this.now());
    this.dirtyQuestions.add(showId);
  }

  private questionViews(showId: string): QuestionView[] {
    return this.o.questions.ranked(showId, false, QUESTIONS_SHOWN).map(questionView);
  }

  // ---- what the rest of Hawker pushes to viewers -------------------------------------------

  /** Overlay changes, flash-sale stock, show status: to everyone watching the show. */
  publish(showId: string, message: ServerMessage): void {
    this.rooms.get(showId)?.broadcast(message);
  }

  /** Like publish, but a newer message with the same key replaces one not yet sent. */
  publishLatest(showId: string, key: string, build: () => ServerMessage | null): void {
    this.rooms.get(showId)?.broadcastLatest(key, build);
  }

  presence(showId: string): { viewers: number; peak: number } {
    this.requireShow(showId);
    return this.rooms.get(showId)?.presence ?? { viewers: 0, peak: 0 };
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

  private tickOnce(): void {
    const now = this.now();
    // coupons count from the stored timeline: activity waits while chat is held back
    if (this.chatFailingSince == null || now >= this.chatRetryAt) {
      if (this.writePendingChat()) this.dispatchActivity();
    }
    const reactions = now - this.lastReactions >= REACTIONS_EVERY_MS;
    const presence = now - this.lastPresence >= PRESENCE_EVERY_MS;
    const results = now - this.lastResults >= RESULTS_EVERY_MS;
    if (reactions) this.lastReactions = now;
    if (presence) this.lastPresence = now;
    if (results) this.lastResults = now;
    for (const room of this.rooms.values()) {
      if (reactions) room.queueReactions();
      if (presence) room.queuePresence();
      try {
        if (results && this.dirtyPolls.delete(room.showId)) this.pushPoll(room);
        if (results && this.dirtyQuestions.delete(room.showId)) room.broadcast({ type: 'questions', items: this.questionViews(room.showId) });
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

  private pushPoll(room: Room): void {
    const poll = this.o.polls.current(room.showId);
    if (!poll) return;
    const results = this.results(poll);
    room.broadcast({ type: 'poll', poll: results });
    if (poll.onOverlay && results.open) this.o.showPollOnOverlay(room.showId, results, false);
  }

  private activity(showId: string, viewerId: string, kind: ActivityKind, text?: string): void {
    // bounded like the chat backlog: engagement counting is worth less than memory
    if (this.o.onActivity && this.pendingActivity.length < this.chatBacklogMax) this.pendingActivity.push({ showId, viewerId, kind, ...(text !== undefined ? { text } : {}) });
  }

  private dispatchActivity(): void {
    if (this.pendingActivity.length === 0) return;
    const batch = this.pendingActivity;
    this.pendingActivity = [];
    for (const a of batch) {
      try {
        this.o.onActivity?.(a.showId, a.viewerId, a.kind, a.text);
      } catch (err) {
        this.log.error({ err, show: a.showId }, 'activity listener failed');
      }
    }
  }

  /**
   * Writes the lines waiting since the last tick in one transaction. When storage fails they
   * stay, in order, and later lines queue behind them; a tick a second later tries again. A transaction
   * that fails writes nothing, so a retry never stores a line twice. True when none is waiting.
   */
  private writePendingChat(): boolean {
    if (this.pendingChat.length === 0) return true;
    const batch = this.pendingChat;
    try {
      this.o.chat.insertMany(batch);
      this.pendingChat = [];
    } catch (err) {
      if (isStorageFailure(err)) {
        this.chatRetryAt = this.now() + CHAT_RETRY_MS;
        if (this.chatFailingSince == null) {
          this.chatFailingSince = this.now();
          this.log.error({ code: (err as { code: string }).code, messages: batch.length }, 'chat cannot be stored (storage full or failing): held in memory and retried every tick');
        }
        return false;
      }
      // not the disk: one line the database refuses (its show was deleted) must not hold up the rest
      this.pendingChat = [];
      this.writeOneByOne(batch);
      return this.pendingChat.length === 0;
    }
    if (this.chatFailingSince != null) {
      this.log.warn({ messages: batch.length, heldMs: this.now() - this.chatFailingSince, unstoredTotal: this.counters.chatUnstored }, 'held-back chat is stored');
      this.chatFailingSince = null;
    }
    return true;
  }

  private writeOneByOne(batch: ChatMessage[]): void {
    for (let i = 0; i < batch.length; i += 1) {
      const message = batch[i]!;
      try {
        this.o.chat.insertMany([message]);
      } catch (err) {
        if (isStorageFailure(err)) {
          this.pendingChat = batch.slice(i);
          return;
        }
        this.counters.chatUnstored += 1;
        this.log.error({ err, show: message.showId, id: message.id }, 'a chat line could not be stored and is dropped');
      }
    }
  }

  /** Once a minute: presence on each show's timeline, and watch time moved on. */
  private recordMinute(final: boolean): void {
    const now = this.now();
    this.lastMinute = now;
    const sessions: number[] = [];
    for (const room of [...this.rooms.values()]) {
      for (const m of room.members) {
        const member = m as Member;
        if (member.sessionId != null) {
          sessions.push(member.sessionId);
          if (!final && member.viewerId) this.activity(room.showId, member.viewerId, 'watch');
        }
      }
      try {
        const show = this.o.shows.get(room.showId);
        if (show?.status === 'live' || room.members.size > 0) {
          this.events(room.showId, 'presence', { viewers: room.members.size, peak: room.peak, chat: room.chatThisMinute, reactions: room.reactionsThisMinute });
        }
      } catch (err) {
        this.writeFailed(err, 'presence not recorded', { show: room.showId });
      }
      room.chatThisMinute = 0;
      room.reactionsThisMinute = 0;
      if (room.members.size === 0 && !final) {
        this.rooms.delete(room.showId);
        this.history.delete(room.showId);
        this.settings.delete(room.showId);
      }
    }
    if (sessions.length) this.touchSessions(sessions, now);
    if (this.chatBuckets.size > 100_000) this.chatBuckets.clear();
    if (this.lastChatAt.size > 100_000) this.lastChatAt.clear();
  }

  private events(showId: string, type: 'presence' | 'poll.opened' | 'poll.closed' | 'chat.moderated', payload: Record<string, unknown>): void {
    this.o.events.append({ showId, type, at: this.now(), payload });
  }

  private record(showId: string, payload: Record<string, unknown>): void {
    this.events(showId, 'chat.moderated', payload);
  }

  private requireShow(showId: string): Show {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    return show;
  }

  /**
   * Moderators keep order among viewers: they cannot time out, ban or delete the lines of the
   * host or of another moderator (the host can, from the panel or the host socket).
   */
  private requireModeratable(showId: string, msg: ClientMessage, by: string): void {
    let target: string | undefined;
    if (msg.type === 'timeout' || msg.type === 'ban') target = msg.viewerId;
    else if (msg.type === 'delete') {
      target = this.pendingChat.find((p) => p.id === msg.messageId && p.showId === showId)?.viewerId;
      if (target === undefined) {
        const stored = this.o.chat.get(msg.messageId);
        target = stored && stored.showId === showId ? stored.viewerId : undefined;
      }
      if (target === by) return; // their own line
    }
    if (target === undefined) return;
    if (this.isHostVoice(target)) throw new HawkerError('HOST_NOT_SANCTIONABLE', msg.type === 'delete' ? "moderators cannot delete the host's lines" : undefined);
    if (this.o.chat.isModerator(target)) throw new HawkerError('MODERATOR_NOT_SANCTIONABLE');
  }

  /** a viewer a moderator can act on: never the host's own voice */
  private requireViewer(viewerId: string): Viewer {
    const viewer = this.o.audience.viewer(viewerId);
    if (!viewer) throw new HawkerError('VIEWER_NOT_FOUND', `no viewer with id ${viewerId}`);
    if (this.isHostVoice(viewerId)) throw new HawkerError('HOST_NOT_SANCTIONABLE');
    return viewer;
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
