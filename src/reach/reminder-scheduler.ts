import type { EventSource } from '../domain/events.js';
import type { DueReminder, ReminderStore } from '../domain/reminder.js';
import type { Logger } from '../log/logger.js';
import { endpointHost } from './push-endpoint.js';
import type { PushOutcome, PushSender } from './push-sender.js';
import { showPageUrl } from './reminders.js';

export interface ReminderSchedulerOptions {
  store: ReminderStore;
  sender: PushSender;
  publicUrl: string;
  logger: Logger;
  /** how often due "starts soon" pushes and retries are looked for */
  intervalMs?: number;
  /** pushes in flight at once */
  concurrency?: number;
  /** tries of one push before it is given up */
  maxAttempts?: number;
  /** first retry delay; doubles per attempt */
  retryBaseMs?: number;
  now?: () => number;
}

/** What the service worker reads from a push. */
export interface ReminderPayload {
  title: string;
  body: string;
  url: string;
  showId: string;
  kind: 'live' | 'soon';
}

const BATCH = 100;
/** batches in one pass at most: the rest waits for the next pass, so one pass never runs unbounded */
const MAX_BATCHES = 50;

/**
 * Sends the reminders when they are due: every subscription of a show once when it goes live
 * (told by the bus, and found again by the timer after a restart), and the "N minutes before"
 * ones from the timer. What went out is marked in SQLite before the next one is picked, so a
 * restart neither loses nor repeats one. A subscription the push service says is gone (404,
 * 410) is deleted; other failures are logged (the push service's host only: the endpoint's path
 * is a capability) and retried with backoff, then given up.
 */
export class ReminderScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(private readonly o: ReminderSchedulerOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger.child({ module: 'reminders' });
    this.concurrency = Math.max(1, o.concurrency ?? 4);
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 5);
    this.retryBaseMs = o.retryBaseMs ?? 30_000;
  }

  /** go-live sends at once; an ended show's subscriptions are deleted (nothing left to remind of) */
  subscribe(bus: EventSource): void {
    bus.on('show.live', ({ showId }) => {
      try {
        // a failed "starts soon" push must not hold back (or use up the tries of) the go-live one
        this.o.store.clearRetries(showId);
      } catch (err) {
        this.log.error({ err, show: showId }, "show's reminder retries not cleared");
      }
      void this.tick();
    });
    bus.on('show.ended', ({ showId }) => {
      try {
        this.o.store.removeForShow(showId);
      } catch (err) {
        this.log.error({ err, show: showId }, "ended show's reminders not deleted");
      }
    });
  }

  /** A pass now (what was due while stopped goes out), then every intervalMs. */
  start(): void {
    if (this.timer || this.stopped) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 15_000);
    // a pass pending must not keep the process alive on shutdown
    this.timer.unref();
  }

  /** No more passes; resolves once the pass under way has finished (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    await this.running;
  }

  /**
   * Sends what is due now. Never rejects. A call while a pass runs asks for one more pass after
   * it (the show that just went live may not have been in the running pass's query).
   */
  tick(): Promise<void> {
    // a go-live told during shutdown: the database may be closing; the next start sends it
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } catch (err) {
        this.log.error({ err }, 'reminder pass failed; tried again at the next one');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const tally = { sent: 0, gone: 0, failed: 0 };
    try {
      await this.batches(tally);
    } finally {
      if (tally.sent + tally.gone + tally.failed > 0) this.log.info(tally, 'reminders pushed');
    }
  }

  private async batches(tally: Record<PushOutcome['status'], number>): Promise<void> {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      // shutting down: what is left is due again at the next start (its state is stored)
      if (this.stopped) return;
      const due = this.o.store.due(this.now(), BATCH);
      if (due.length === 0) return;
      let next = 0;
      let unstored = false;
      // a few at a time: a big show's audience must not open thousands of sockets at once
      const worker = async () => {
        while (next < due.length && !this.stopped) {
          const item = due[next++] as DueReminder;
          try {
            tally[await this.deliver(item)]++;
          } catch (err) {
            // its state could not be stored (a full disk): the others go on; it is due again next pass
            tally.failed++;
            unstored = true;
            this.log.error({ err, show: item.reminder.showId, reminder: item.reminder.id }, 'reminder state not stored');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
      // the same rows would come back at once: wait for the next pass rather than push them again now
      if (unstored || due.length < BATCH) return;
    }
  }

  private payload(item: DueReminder): ReminderPayload {
    const showId = item.reminder.showId;
    const url = showPageUrl(this.o.publicUrl, showId);
    if (item.kind === 'live') return { title: item.title, body: 'Live now: tap to watch and shop', url, showId, kind: 'live' };
    const minutes = item.scheduledAt === null ? 0 : Math.ceil((item.scheduledAt - this.now()) / 60_000);
    const body = minutes <= 0 ? 'Starting now' : minutes === 1 ? 'Starts in 1 minute' : `Starts in ${minutes} minutes`;
    return { title: item.title, body, url, showId, kind: 'soon' };
  }

  private async deliver(item: DueReminder): Promise<PushOutcome['status']> {
    const { reminder, kind } = item;
    const ttlSeconds = kind === 'live' ? 3600 : Math.max(60, Math.ceil(((item.scheduledAt ?? this.now()) - this.now()) / 1000));
    const outcome = await this.o.sender.send({
      endpoint: reminder.endpoint,
      keys: reminder.keys,
      payload: JSON.stringify(this.payload(item)),
      ttlSeconds,
      urgency: kind === 'live' ? 'high' : 'normal',
      // the go-live push replaces a "starts soon" one the browser has not received yet
      topic: `show-${reminder.showId}`.slice(0, 32),
    });
    const at = this.now();
    const about = { show: reminder.showId, reminder: reminder.id, kind, pushService: endpointHost(reminder.endpoint) };
    if (outcome.status === 'sent') {
      this.o.store.markSent(reminder.id, kind, at);
      this.log.debug(about, 'reminder sent');
    } else if (outcome.status === 'gone') {
      this.o.store.removeById(reminder.id);
      this.log.info({ ...about, statusCode: outcome.statusCode }, 'push subscription gone; reminder deleted');
    } else {
      const failures = reminder.failures + 1;
      if (failures >= this.maxAttempts) {
        this.o.store.markSent(reminder.id, kind, at);
        this.log.warn({ ...about, statusCode: outcome.statusCode, error: outcome.error, attempts: failures }, 'reminder not delivered; given up');
      } else {
        const retryAt = at + this.retryBaseMs * 2 ** (failures - 1);
        this.o.store.markFailed(reminder.id, failures, retryAt);
        this.log.warn({ ...about, statusCode: outcome.statusCode, error: outcome.error, attempt: failures, retryAt }, 'reminder not delivered; retrying');
      }
    }
    return outcome.status;
  }
}
