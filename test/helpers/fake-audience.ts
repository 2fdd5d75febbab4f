import { Writable } from 'node:stream';
import { type ChatMessage, type ChatSettings, type Sanction } from '../../src/domain/audience.js';
import type { Show, ShowEvent } from '../../src/domain/show.js';
import { createLogger } from '../../src/log/logger.js';
import type { ServerMessage } from '../../src/realtime/server-messages.js';
import type { Broadcaster } from '../../src/realtime/session.js';

/** In-memory stand-ins for the audience features' ports: no sockets, no timers, no SQLite. */

export const silentLogger = () => createLogger({ level: 'silent', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });

export const showRow = (over: Partial<Show> = {}): Show => ({
  id: 'show1',
  title: 'Hoses',
  host: 'Mia',
  streamKey: 'k'.repeat(32),
  status: 'live',
  scheduledAt: null,
  startedAt: 1_000_000,
  endedAt: null,
  recordingDeletedAt: null,
  createdAt: 0,
  ...over,
});

export function fakeShows(...shows: Show[]) {
  const byId = new Map(shows.map((s) => [s.id, s]));
  return { get: (id: string) => byId.get(id), byId };
}

export function fakeEvents() {
  const appended: ShowEvent[] = [];
  return {
    appended,
    append: (e: Omit<ShowEvent, 'id' | 'streamMs'>): ShowEvent => {
      const event = { ...e, id: appended.length + 1, streamMs: null };
      appended.push(event);
      return event;
    },
  };
}

/** What a feature published, in order, and to whom. */
export class FakeBroadcaster implements Broadcaster {
  readonly sent: Array<{ showId: string; message: ServerMessage }> = [];
  readonly toViewer: Array<{ showId: string | null; viewerId: string; message: ServerMessage }> = [];
  readonly latest = new Map<string, () => ServerMessage | null>();
  readonly toHost: Array<{ showId: string; message: ServerMessage }> = [];
  readonly chattedIn: string[] = [];
  readonly moderatorsSet: Array<[string, boolean]> = [];
  openShows: string[] = ['show1'];

  publish(showId: string, message: ServerMessage): void {
    this.sent.push({ showId, message });
  }
  publishLatest(showId: string, key: string, build: () => ServerMessage | null): void {
    this.latest.set(`${showId}:${key}`, build);
  }
  sendToViewer(showId: string | null, viewerId: string, message: ServerMessage): void {
    this.toViewer.push({ showId, viewerId, message });
  }
  sendToHost(showId: string, message: ServerMessage): void {
    this.toHost.push({ showId, message });
  }
  chatted(showId: string): void {
    this.chattedIn.push(showId);
  }
  showIds(): Iterable<string> {
    return this.openShows;
  }
  setModerator(viewerId: string, moderator: boolean): void {
    this.moderatorsSet.push([viewerId, moderator]);
  }
  /** the messages of one type, in order */
  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.sent.map((s) => s.message).filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
}

/** The chat table as LiveChat and LiveModeration use it; `failWith` makes inserts fail like SQLite does. */
export class FakeChatStore {
  readonly rows: ChatMessage[] = [];
  readonly sanctions: Sanction[] = [];
  readonly moderatorIds = new Set<string>();
  readonly voices = new Map<string, { id: string; displayName: string }>();
  private readonly settingsByShow = new Map<string, ChatSettings>();
  failWith: (() => Error) | null = null;
  /** ids refused one at a time (not a storage failure: the show was deleted) */
  readonly refused = new Set<string>();
  inserts = 0;

  insertMany(messages: ChatMessage[]): void {
    this.inserts += 1;
    if (this.failWith) throw this.failWith();
    if (messages.some((m) => this.refused.has(m.id))) throw new Error('FOREIGN KEY constraint failed');
    for (const m of messages) this.rows.push({ ...m });
  }
  recent(showId: string, limit: number): ChatMessage[] {
    return this.rows.filter((m) => m.showId === showId && m.deletedAt == null).slice(-limit);
  }
  get(id: string): ChatMessage | undefined {
    return this.rows.find((m) => m.id === id);
  }
  markDeleted(id: string, at: number): boolean {
    const row = this.get(id);
    if (!row) return false;
    row.deletedAt = at;
    return true;
  }
  markAllDeletedBy(viewerId: string, at: number): Array<{ id: string; showId: string }> {
    const hit = this.rows.filter((m) => m.viewerId === viewerId && m.deletedAt == null);
    for (const m of hit) m.deletedAt = at;
    return hit.map((m) => ({ id: m.id, showId: m.showId }));
  }
  settings(showId: string): ChatSettings {
    return { ...(this.settingsByShow.get(showId) ?? { slowModeSeconds: 0, linksAllowed: false, pinnedMessageId: null }) };
  }
  saveSettings(showId: string, settings: ChatSettings): void {
    this.settingsByShow.set(showId, { ...settings });
  }
  addSanction(sanction: Sanction): void {
    this.sanctions.push(sanction);
  }
  liftSanctions(viewerId: string): number {
    const before = this.sanctions.length;
    this.sanctions.splice(0, this.sanctions.length, ...this.sanctions.filter((s) => s.viewerId !== viewerId));
    return before - this.sanctions.length;
  }
  activeSanction(viewerId: string, showId: string, now: number): Sanction | undefined {
    return this.sanctions.find((s) => s.viewerId === viewerId && (s.showId === null || s.showId === showId) && (s.until === null || s.until > now));
  }
  isModerator(viewerId: string): boolean {
    return this.moderatorIds.has(viewerId);
  }
  setModerator(viewerId: string, moderator: boolean): void {
    if (moderator) this.moderatorIds.add(viewerId);
    else this.moderatorIds.delete(viewerId);
  }
  moderators() {
    return [...this.moderatorIds].map((viewerId) => ({ viewerId, displayName: viewerId, grantedAt: 0 }));
  }
  hostVoice(host: string, displayName: string): { id: string; displayName: string } {
    let voice = this.voices.get(host);
    if (!voice) {
      voice = { id: `voice-${this.voices.size + 1}`, displayName };
      this.voices.set(host, voice);
    }
    return voice;
  }
  hostVoiceIds(): string[] {
    return [...this.voices.values()].map((v) => v.id);
  }
}
