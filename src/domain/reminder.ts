/**
 * Show reminders: a browser's Web Push subscription that asked to hear of one show, at go-live
 * and optionally some minutes before its scheduled time. The endpoint is a capability (whoever
 * knows it can push to that browser): it is stored, never logged whole nor shown.
 */
export interface PushSubscriptionKeys {
  /** the browser's P-256 public key, base64url (65 bytes, uncompressed) */
  p256dh: string;
  /** the 16-byte auth secret, base64url */
  auth: string;
}

export interface Reminder {
  id: string;
  showId: string;
  endpoint: string;
  keys: PushSubscriptionKeys;
  /** also this many minutes before scheduledAt; null: at go-live only */
  minutesBefore: number | null;
  createdAt: number;
  /** when the "starts soon" push was sent or given up on; null: not yet */
  sentBeforeAt: number | null;
  /** when the go-live push was sent or given up on; null: not yet */
  sentLiveAt: number | null;
  /** failed sends of the push now due, since its last success */
  failures: number;
  /** not tried again before this time (ms); null: at once */
  retryAt: number | null;
}

export type ReminderKind = 'live' | 'soon';

/** A reminder due now and which push it is. */
export interface DueReminder {
  reminder: Reminder;
  kind: ReminderKind;
  /** the show's title and scheduled time, for the text */
  title: string;
  scheduledAt: number | null;
}

/** Where reminders are kept (db/reminder-repository.ts). */
export interface ReminderStore {
  /** a new one, or the same endpoint's row of that show updated (keys, minutesBefore; due again) */
  upsert(input: { showId: string; endpoint: string; keys: PushSubscriptionKeys; minutesBefore: number | null; at: number }): { reminder: Reminder; created: boolean };
  /** true when there was one */
  remove(showId: string, endpoint: string): boolean;
  removeById(id: string): void;
  removeForShow(showId: string): number;
  countForShow(showId: string): number;
  /**
   * Due at `now`: 'live' for every reminder of a live show not sent yet; 'soon' for those of a
   * scheduled show whose time minus minutesBefore has come. Retries waiting past now are left.
   */
  due(now: number, limit: number): DueReminder[];
  markSent(id: string, kind: ReminderKind, at: number): void;
  markFailed(id: string, failures: number, retryAt: number): void;
  /** the show went live: every reminder not yet sent live is due now, its earlier failures forgotten */
  clearRetries(showId: string): void;
}
