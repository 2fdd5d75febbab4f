import { randomBytes } from 'node:crypto';
import { CHAT_TEXT_MAX, type ChatMessage, type ChatSettings } from '../domain/audience.js';
import { HawkerError, isStorageFailure } from '../domain/errors.js';
import type { ChatRepository, HostVoiceRepository, ModerationRepository, ShowRepository } from '../domain/ports.js';
import type { Show } from '../domain/show.js';
import type { Logger } from '../log/logger.js';
import type { ChatRules, TextVerdict } from './chat-rules.js';
import type { ChatLine } from './server-messages.js';
import { iso, requireShow, type ActivitySink, type Broadcaster, type Level, type LiveCounters, type LiveLimits, type Member } from './session.js';
import { TokenBucket } from './token-bucket.js';

export type ChatStore = Pick<ChatRepository, 'insertMany' | 'recent' | 'get' | 'markDeleted' | 'markAllDeletedBy' | 'settings' | 'saveSettings'>;

export interface LiveChatOptions {
  shows: Pick<ShowRepository, 'get'>;
  chat: ChatStore;
  /** who may speak (sanctions) and who wears the moderator badge */
  sanctions: Pick<ModerationRepository, 'activeSanction' | 'isModerator'>;
  voices: HostVoiceRepository;
  rules: ChatRules;
  limits: Pick<LiveLimits, 'chatPerMinute' | 'chatBurst' | 'historySize'>;
  out: Pick<Broadcaster, 'publish'> & { chatted(showId: string): void };
  levelOf(viewerId: string, host: string): Level;
  activity: ActivitySink;
  /**
   * Chat lines held in memory, in order, while the database cannot store them (disk full);
   * lines past this are still shown live but never stored (counted in counters.chatUnstored).
   */
  backlogMax: number;
  counters: Pick<LiveCounters, 'chatUnstored'>;
  logger: Logger;
  now: () => number;
}

/**
 * while chat cannot be stored, the tick tries again this often, not every 100 ms: a backlog of
 * thousands of lines re-sent ten times a second would burn a core on a full disk
 */
const CHAT_RETRY_MS = 1000;
const HOST_BADGE = { level: 0, badge: 'host' };

/**
 * A show's chat: the text rules, slow mode and the per-viewer rate, the host's voice, the
 * history newcomers get, settings and the pinned line, and the lines written once per tick
 * (held back in order while storage fails).
 */
export class LiveChat {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly lastChatAt = new Map<string, number>();
  private readonly history = new Map<string, ChatLine[]>();
  private readonly settings = new Map<string, ChatSettings>();
  private pending: ChatMessage[] = [];
  /** the viewer rows hosts speak through (few, read on every line drawn): loaded once */
  private hostVoices: Set<string> | null = null;
  /** since when chat lines could not be written (null: they can) */
  private failingSince: number | null = null;
  private retryAt = 0;

  constructor(private readonly o: LiveChatOptions) {}

  /** chat lines shown but not yet in the database (more than one tick's worth: storage trouble) */
  get backlog(): number {
    return this.pending.length;
  }

  // ---- what viewers say ------------------------------------------------------------------

  /** A viewer's line from their socket: rules, sanctions, slow mode and rate, then out to the room. */
  say(m: Member, raw: string, now: number): void {
    const viewer = m.viewer;
    if (!viewer) throw new HawkerError('SIGN_IN_REQUIRED');
    const showId = m.room.showId;
    this.requireMaySpeak(showId, viewer.id, now);
    const settings = this.settingsOf(showId);
    const privileged = m.role === 'moderator';
    if (!privileged && settings.slowModeSeconds > 0) {
      const last = this.lastChatAt.get(`${showId}:${viewer.id}`) ?? 0;
      const wait = last + settings.slowModeSeconds * 1000 - now;
      if (wait > 0) throw new HawkerError('SLOW_MODE', `slow mode: one message every ${settings.slowModeSeconds} s; wait ${Math.ceil(wait / 1000)} s`);
    }
    const verdict = this.o.rules.check(raw, settings.linksAllowed);
    if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
    this.takeToken(viewer.id, now);
    this.lastChatAt.set(`${showId}:${viewer.id}`, now);
    const message = this.queue(this.o.shows.get(showId), showId, viewer, verdict.text, now);
    // levels move while a viewer watches, comments and buys
    m.level = this.o.levelOf(viewer.id, m.room.host);
    this.publishLine(showId, this.line(message, m.room.host, m.role === 'moderator' ? 'moderator' : 'viewer', m.level));
    this.o.activity(showId, viewer.id, 'chat', message.text);
    // no stream time yet: the show has not gone live, so this is a comment before the show
    if (message.streamMs === null) this.o.activity(showId, viewer.id, 'preshow');
  }

  /**
   * The merchant in chat, as the show's host (the panel's REST call or the host's socket):
   * the text rules hold, links are allowed; no rate limit or slow mode, it is their show.
   */
  hostSay(showId: string, raw: string): ChatLine {
    const show = requireShow(this.o.shows, showId);
    const verdict = this.o.rules.check(raw, true);
    if (!verdict.ok) throw new HawkerError(verdict.code, verdict.message);
    const now = this.o.now();
    const voice = this.o.voices.hostVoice(show.host, show.host || 'Host', now);
    this.hostVoiceSet().add(voice.id);
    const message = this.queue(show, showId, voice, verdict.text, now);
    return this.publishLine(showId, this.line(message, show.host, 'host'));
  }

  /** the text rules alone (questions share them) */
  check(raw: string, linksAllowed: boolean): TextVerdict {
    return this.o.rules.check(raw, linksAllowed);
  }

  /** a banned or timed-out viewer neither chats nor asks */
  requireMaySpeak(showId: string, viewerId: string, now: number): void {
    const sanction = this.o.sanctions.activeSanction(viewerId, showId, now);
    if (!sanction) return;
    if (sanction.kind === 'ban') throw new HawkerError('BANNED');
    throw new HawkerError('TIMED_OUT', `you are timed out for ${Math.ceil(((sanction.until ?? now) - now) / 1000)} s more`);
  }

  /** Chat messages and questions share one per-viewer rate. */
  takeToken(viewerId: string, now: number): void {
    let bucket = this.buckets.get(viewerId);
    if (!bucket) {
      bucket = new TokenBucket(this.o.limits.chatBurst, this.o.limits.chatPerMinute / 60, now);
      this.buckets.set(viewerId, bucket);
    }
    const taken = bucket.take(now);
    if (!taken.ok) throw new HawkerError('RATE_LIMITED', `at most ${this.o.limits.chatPerMinute} messages a minute; wait ${Math.ceil(taken.retryInMs / 1000)} s`);
  }

  /** into the history newcomers get, and out to the room if anyone is there */
  private publishLine(showId: string, line: ChatLine): ChatLine {
    this.remember(showId, line);
    this.o.out.chatted(showId);
    this.o.out.publish(showId, { type: 'chat', ...line });
    return line;
  }

  /** a line in stream time, written with the next tick's batch */
  private queue(show: Show | undefined, showId: string, author: { id: string; displayName: string }, text: string, now: number): ChatMessage {
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
    if (this.pending.length < this.o.backlogMax) this.pending.push(message);
    else {
      // shown live all the same; only the stored transcript misses it
      this.o.counters.chatUnstored += 1;
      if (this.o.counters.chatUnstored === 1 || this.o.counters.chatUnstored % 1000 === 0) {
        this.o.logger.error({ backlog: this.pending.length, unstoredTotal: this.o.counters.chatUnstored }, 'chat backlog is full: new lines are shown but not stored');
      }
    }
    return message;
  }

  private hostVoiceSet(): Set<string> {
    this.hostVoices ??= new Set(this.o.voices.hostVoiceIds());
    return this.hostVoices;
  }

  isHostVoice(viewerId: string): boolean {
    return this.hostVoiceSet().has(viewerId);
  }

  line(message: ChatMessage, host: string, role?: 'host' | 'moderator' | 'viewer', level?: Level | null): ChatLine {
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
        role: byHost ? 'host' : (role ?? (this.o.sanctions.isModerator(message.viewerId) ? 'moderator' : 'viewer')),
      },
      text: message.text,
      at: iso(message.at),
      streamMs: message.streamMs,
    };
  }

  // ---- what newcomers get ------------------------------------------------------------------

  /** the last lines, loaded once per show and kept while anyone watches */
  historyOf(show: Show): ChatLine[] {
    let lines = this.history.get(show.id);
    if (!lines) {
      lines = this.o.chat.recent(show.id, this.o.limits.historySize).map((msg) => this.line(msg, show.host));
      this.history.set(show.id, lines);
    }
    return lines;
  }

  pinnedLine(show: Show): ChatLine | null {
    const settings = this.settingsOf(show.id);
    const pinned = settings.pinnedMessageId ? this.o.chat.get(settings.pinnedMessageId) : undefined;
    return pinned && !pinned.deletedAt ? this.line(pinned, show.host) : null;
  }

  /** the sender is in the room, so its history was loaded when they joined */
  private remember(showId: string, line: ChatLine): void {
    const lines = this.history.get(showId);
    if (!lines) return;
    lines.push(line);
    if (lines.length > this.o.limits.historySize) lines.splice(0, lines.length - this.o.limits.historySize);
  }

  /** the show's room closed: its history and settings are read again when someone comes back */
  forgetShow(showId: string): void {
    this.history.delete(showId);
    this.settings.delete(showId);
  }

  /** once a minute: the per-viewer maps never grow without bound */
  trim(): void {
    if (this.buckets.size > 100_000) this.buckets.clear();
    if (this.lastChatAt.size > 100_000) this.lastChatAt.clear();
  }

  // ---- the host's view, pins and settings -------------------------------------------------

  /** The chat as the control panel shows it: the last `limit` messages not deleted. */
  recent(showId: string, limit: number): ChatLine[] {
    const show = requireShow(this.o.shows, showId);
    this.store();
    // lines held back by a full disk are part of the chat all the same
    const held = this.pending.filter((p) => p.showId === showId && p.deletedAt == null);
    return [...this.o.chat.recent(show.id, limit), ...held].slice(-limit).map((msg) => this.line(msg, show.host));
  }

  pin(showId: string, messageId: string | null): ChatLine | null {
    const show = requireShow(this.o.shows, showId);
    let line: ChatLine | null = null;
    if (messageId) {
      this.store();
      const message = this.o.chat.get(messageId);
      if (!message || message.showId !== showId || message.deletedAt != null) throw new HawkerError('MESSAGE_NOT_FOUND', `no message ${messageId} in this show`);
      line = this.line(message, show.host);
    }
    this.saveSettings(showId, { ...this.settingsOf(showId), pinnedMessageId: messageId });
    this.o.out.publish(showId, { type: 'chat.pinned', message: line });
    return line;
  }

  chatSettings(showId: string): ChatSettings {
    requireShow(this.o.shows, showId);
    return this.settingsOf(showId);
  }

  updateSettings(showId: string, change: Partial<Pick<ChatSettings, 'slowModeSeconds' | 'linksAllowed'>>): ChatSettings {
    requireShow(this.o.shows, showId);
    const settings = { ...this.settingsOf(showId), ...change };
    this.saveSettings(showId, settings);
    this.o.out.publish(showId, { type: 'chat.settings', slowModeSeconds: settings.slowModeSeconds, linksAllowed: settings.linksAllowed, maxLength: CHAT_TEXT_MAX });
    return settings;
  }

  /** Read on every message, changed only here: kept in memory, written through. */
  settingsOf(showId: string): ChatSettings {
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

  // ---- lines taken down (moderation) --------------------------------------------------------

  /** who wrote a line of the show, held back or stored (undefined: no such line there) */
  authorOf(showId: string, messageId: string): string | undefined {
    const held = this.pending.find((p) => p.id === messageId && p.showId === showId)?.viewerId;
    if (held !== undefined) return held;
    const stored = this.o.chat.get(messageId);
    return stored && stored.showId === showId ? stored.viewerId : undefined;
  }

  /** one line gone, wherever it waits; everyone watching sees it go */
  delete(showId: string, messageId: string, by: string): void {
    const at = this.o.now();
    const pending = this.pending.find((p) => p.id === messageId && p.showId === showId);
    if (pending) pending.deletedAt = at;
    else {
      const stored = this.o.chat.get(messageId);
      if (!stored || stored.showId !== showId || stored.deletedAt != null) throw new HawkerError('MESSAGE_NOT_FOUND', `no message ${messageId} in this show`);
      this.o.chat.markDeleted(messageId, at, by);
    }
    this.forget(showId, [messageId]);
  }

  /** everything a viewer said, in every show, gone (a ban) */
  deleteAllBy(viewerId: string, at: number): void {
    // pending lines go to SQLite first, so one UPDATE deletes stored and pending alike
    this.store();
    const byShow = new Map<string, string[]>();
    // lines still held back (storage trouble) are deleted where they wait
    const held = this.pending.filter((p) => p.viewerId === viewerId && p.deletedAt == null);
    for (const p of held) p.deletedAt = at;
    for (const { id, showId } of [...held, ...this.o.chat.markAllDeletedBy(viewerId, at, 'ban')]) {
      const ids = byShow.get(showId);
      if (ids) ids.push(id);
      else byShow.set(showId, [id]);
    }
    for (const [showId, ids] of byShow) this.forget(showId, ids);
  }

  private forget(showId: string, ids: string[]): void {
    const lines = this.history.get(showId);
    for (const id of ids) {
      if (lines) {
        const i = lines.findIndex((l) => l.id === id);
        if (i >= 0) lines.splice(i, 1);
      }
      this.o.out.publish(showId, { type: 'chat.deleted', id });
    }
    const settings = this.settingsOf(showId);
    if (settings.pinnedMessageId && ids.includes(settings.pinnedMessageId)) this.pin(showId, null);
  }

  // ---- storing (the tick) -----------------------------------------------------------------

  /** the tick's turn: stores what waits unless a failing store is not due for a retry yet; true when none is waiting */
  storeIfDue(now: number): boolean | null {
    if (this.failingSince != null && now < this.retryAt) return null;
    return this.store();
  }

  /** the next storeIfDue tries at once (shutdown: a last try at held-back chat) */
  retryNow(): void {
    this.retryAt = 0;
  }

  /**
   * Writes the lines waiting since the last tick in one transaction. When storage fails they
   * stay, in order, and later lines queue behind them; a tick a second later tries again. A transaction
   * that fails writes nothing, so a retry never stores a line twice. True when none is waiting.
   */
  store(): boolean {
    if (this.pending.length === 0) return true;
    const batch = this.pending;
    try {
      this.o.chat.insertMany(batch);
      this.pending = [];
    } catch (err) {
      if (isStorageFailure(err)) {
        this.retryAt = this.o.now() + CHAT_RETRY_MS;
        if (this.failingSince == null) {
          this.failingSince = this.o.now();
          this.o.logger.error({ code: (err as { code: string }).code, messages: batch.length }, 'chat cannot be stored (storage full or failing): held in memory and retried every tick');
        }
        return false;
      }
      // not the disk: one line the database refuses (its show was deleted) must not hold up the rest
      this.pending = [];
      this.writeOneByOne(batch);
      return this.pending.length === 0;
    }
    if (this.failingSince != null) {
      this.o.logger.warn({ messages: batch.length, heldMs: this.o.now() - this.failingSince, unstoredTotal: this.o.counters.chatUnstored }, 'held-back chat is stored');
      this.failingSince = null;
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
          this.pending = batch.slice(i);
          return;
        }
        this.o.counters.chatUnstored += 1;
        this.o.logger.error({ err, show: message.showId, id: message.id }, 'a chat line could not be stored and is dropped');
      }
    }
  }
}
