import { HawkerError } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';
import type { ModerationRepository, ShowEventRepository, ShowRepository, ViewerRepository } from '../domain/ports.js';
import type { Logger } from '../log/logger.js';
import type { LiveChat } from './chat.js';
import type { ClientMessage } from './protocol.js';
import { iso, requireShow, type Broadcaster } from './session.js';

export type ModerationMessage = Extract<ClientMessage, { type: 'delete' | 'timeout' | 'ban' | 'pin' | 'slowmode' }>;

export interface LiveModerationOptions {
  shows: Pick<ShowRepository, 'get'>;
  events: Pick<ShowEventRepository, 'append'>;
  moderation: Pick<ModerationRepository, 'addSanction' | 'liftSanctions' | 'isModerator' | 'setModerator' | 'moderators'>;
  viewers: Pick<ViewerRepository, 'get'>;
  /** the chat the sanctions act on */
  lines: Pick<LiveChat, 'authorOf' | 'delete' | 'deleteAllBy' | 'isHostVoice' | 'pin' | 'updateSettings'>;
  out: Pick<Broadcaster, 'sendToViewer'> & { showIds(): Iterable<string>; setModerator(viewerId: string, moderator: boolean): void };
  logger: Logger;
  now: () => number;
}

/**
 * Keeping order in chat: the host (panel or socket) and moderators (their sockets) delete
 * lines, time viewers out and ban them; the host names moderators. Moderators act on viewers
 * only, never on the host's voice or another moderator.
 */
export class LiveModeration {
  constructor(private readonly o: LiveModerationOptions) {}

  /** The host and moderators act through the same socket messages. */
  fromSocket(showId: string, actor: { role: string; viewerId: string | null }, msg: ModerationMessage): void {
    if (actor.role !== 'host' && actor.role !== 'moderator') throw new HawkerError(actor.viewerId ? 'NOT_A_MODERATOR' : 'SIGN_IN_REQUIRED');
    const by = actor.viewerId ?? 'host';
    if (actor.role === 'moderator') {
      this.o.logger.info({ show: showId, moderator: by, action: msg.type }, 'moderator action');
      this.requireModeratable(showId, msg, by);
    }
    if (msg.type === 'delete') return this.deleteMessage(showId, msg.messageId, by);
    if (msg.type === 'timeout') return void this.timeout(showId, msg.viewerId, msg.seconds);
    if (msg.type === 'ban') return this.ban(msg.viewerId);
    if (msg.type === 'pin') return void this.o.lines.pin(showId, msg.messageId);
    return void this.o.lines.updateSettings(showId, { slowModeSeconds: msg.seconds });
  }

  deleteMessage(showId: string, messageId: string, by: string): void {
    requireShow(this.o.shows, showId);
    this.o.lines.delete(showId, messageId, by);
  }

  timeout(showId: string, viewerId: string, seconds: number): { until: number } {
    requireShow(this.o.shows, showId);
    this.requireViewer(viewerId);
    const until = this.o.now() + seconds * 1000;
    this.o.moderation.addSanction({ viewerId, showId, kind: 'timeout', until }, this.o.now());
    this.record(showId, { action: 'timeout', viewerId, seconds });
    this.o.out.sendToViewer(showId, viewerId, { type: 'notice', code: 'TIMED_OUT', message: `you are timed out for ${seconds} s`, until: iso(until) });
    return { until };
  }

  /** Banned in every show of this server; everything they said, in every show, disappears. */
  ban(viewerId: string): void {
    this.requireViewer(viewerId);
    const at = this.o.now();
    this.o.moderation.addSanction({ viewerId, showId: null, kind: 'ban', until: null }, at);
    this.o.lines.deleteAllBy(viewerId, at);
    for (const showId of this.o.out.showIds()) this.record(showId, { action: 'ban', viewerId });
    this.o.out.sendToViewer(null, viewerId, { type: 'notice', code: 'BANNED', message: 'you are banned from this chat', until: null });
  }

  lift(viewerId: string): number {
    this.requireViewer(viewerId);
    return this.o.moderation.liftSanctions(viewerId, this.o.now());
  }

  setModerator(viewerId: string, moderator: boolean): void {
    this.requireViewer(viewerId);
    this.o.moderation.setModerator(viewerId, moderator, this.o.now());
    this.o.out.setModerator(viewerId, moderator);
  }

  /** what a signed-in viewer is in chat when they connect */
  roleOf(viewerId: string): 'moderator' | 'viewer' {
    return this.o.moderation.isModerator(viewerId) ? 'moderator' : 'viewer';
  }

  moderators() {
    return this.o.moderation.moderators();
  }

  private record(showId: string, payload: Record<string, unknown>): void {
    this.o.events.append({ showId, type: 'chat.moderated', at: this.o.now(), payload });
  }

  /**
   * Moderators keep order among viewers: they cannot time out, ban or delete the lines of the
   * host or of another moderator (the host can, from the panel or the host socket).
   */
  private requireModeratable(showId: string, msg: ModerationMessage, by: string): void {
    let target: string | undefined;
    if (msg.type === 'timeout' || msg.type === 'ban') target = msg.viewerId;
    else if (msg.type === 'delete') {
      target = this.o.lines.authorOf(showId, msg.messageId);
      if (target === by) return; // their own line
    }
    if (target === undefined) return;
    if (this.o.lines.isHostVoice(target)) throw new HawkerError('HOST_NOT_SANCTIONABLE', msg.type === 'delete' ? "moderators cannot delete the host's lines" : undefined);
    if (this.o.moderation.isModerator(target)) throw new HawkerError('MODERATOR_NOT_SANCTIONABLE');
  }

  /** a viewer a moderator can act on: never the host's own voice */
  private requireViewer(viewerId: string): Viewer {
    const viewer = this.o.viewers.get(viewerId);
    if (!viewer) throw new HawkerError('VIEWER_NOT_FOUND', `no viewer with id ${viewerId}`);
    if (this.o.lines.isHostVoice(viewerId)) throw new HawkerError('HOST_NOT_SANCTIONABLE');
    return viewer;
  }
}
