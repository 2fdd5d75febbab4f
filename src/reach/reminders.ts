import { HawkerError } from '../domain/errors.js';
import type { PushSubscriptionKeys, ReminderStore } from '../domain/reminder.js';
import type { Show } from '../domain/show.js';
import { showCalendar } from './calendar.js';
import { checkEndpoint, checkKeys, type Resolve } from './push-endpoint.js';

/** a show's reminders at most: a browser each, many thousands for a big channel, still bounded */
export const MAX_REMINDERS_PER_SHOW = 100_000;

export interface RemindersOptions {
  store: ReminderStore;
  shows: { get(id: string): Show | undefined };
  /** the server's public base URL (no trailing slash): the show page in the calendar and the push */
  publicUrl: string;
  vapidPublicKey: string;
  /** reminders.defaultMinutesBefore: when the browser does not say */
  defaultMinutesBefore: number;
  allowPrivateEndpoints: boolean;
  resolve?: Resolve;
  now?: () => number;
}

export interface ReminderRequest {
  subscription: { endpoint: string; keys: PushSubscriptionKeys };
  /** undefined: the default; null: at go-live only */
  minutesBefore?: number | null;
}

export interface ReminderView {
  id: string;
  showId: string;
  minutesBefore: number | null;
}

/** The show page of a show, absolute (the calendar, the push's URL). */
export const showPageUrl = (publicUrl: string, showId: string) => `${publicUrl}/watch/${encodeURIComponent(showId)}`;

/**
 * Asking for a show's reminder and the show's calendar file. The pushes themselves go out from
 * the ReminderScheduler; this side only stores what a browser asked for, after checking it.
 */
export class Reminders {
  private readonly now: () => number;

  constructor(private readonly o: RemindersOptions) {
    this.now = o.now ?? Date.now;
  }

  /** reminders.defaultMinutesBefore: the pre-live page offers it */
  defaultMinutesBefore(): number {
    return this.o.defaultMinutesBefore;
  }

  /** the VAPID public key a browser subscribes with (base64url) */
  publicKey(): string {
    return this.o.vapidPublicKey;
  }

  /** Stores the subscription for the show; `created` false when the same endpoint asked before (updated). */
  async remind(showId: string, request: ReminderRequest): Promise<{ reminder: ReminderView; created: boolean }> {
    this.openShow(showId);
    const keys = checkKeys(request.subscription.keys);
    const endpoint = request.subscription.endpoint;
    await checkEndpoint(endpoint, { allowPrivate: this.o.allowPrivateEndpoints, ...(this.o.resolve ? { resolve: this.o.resolve } : {}) });
    // the show may have gone live while the name resolved
    const show = this.openShow(showId);
    // no scheduled time: nothing to be "minutes before"; the go-live push only
    const minutesBefore = show.scheduledAt === null ? null : request.minutesBefore === undefined ? this.o.defaultMinutesBefore : request.minutesBefore;
    if (this.o.store.countForShow(showId) >= MAX_REMINDERS_PER_SHOW) throw new HawkerError('REMINDERS_FULL');
    const at = this.now();
    const { reminder, created } = this.o.store.upsert({ showId, endpoint, keys, minutesBefore, at });
    // asked later than "N minutes before": the viewer is on the page now; the go-live push is what is left
    if (show.scheduledAt !== null && minutesBefore !== null && show.scheduledAt - minutesBefore * 60_000 <= at) this.o.store.markSent(reminder.id, 'soon', at);
    return { reminder: { id: reminder.id, showId, minutesBefore: reminder.minutesBefore }, created };
  }

  /** Forgets the endpoint's reminder of the show (none: REMINDER_NOT_FOUND). */
  forget(showId: string, endpoint: string): void {
    this.show(showId);
    if (!this.o.store.remove(showId, endpoint)) throw new HawkerError('REMINDER_NOT_FOUND');
  }

  /** The show as an .ics file (RFC 5545); a show with no time: SHOW_NOT_SCHEDULED. */
  calendar(showId: string): string {
    const show = this.show(showId);
    if (show.scheduledAt === null) throw new HawkerError('SHOW_NOT_SCHEDULED');
    return showCalendar(
      { id: show.id, title: show.title, host: show.host, scheduledAt: show.scheduledAt, url: showPageUrl(this.o.publicUrl, show.id) },
      { now: this.now(), domain: new URL(this.o.publicUrl).hostname },
    );
  }

  private show(showId: string): Show {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    return show;
  }

  /** reminders are asked for before the show: a live or ended one has nothing left to remind of */
  private openShow(showId: string): Show {
    const show = this.show(showId);
    if (show.status === 'live') throw new HawkerError('SHOW_ALREADY_LIVE');
    if (show.status === 'ended') throw new HawkerError('SHOW_ENDED');
    return show;
  }
}
