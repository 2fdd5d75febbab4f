// The pre-live box's reminders: the show's time in the viewer's zone, "Add to calendar" (a plain
// link to the .ics), and "Remind me" by Web Push, which toggles off too. The state is said in
// words: on, blocked by the browser, not supported here.
import { $ } from '../ui.js';
import { forgetReminder, localTime, reminderState, remindMe } from '../reminders.js';

/** @type {Record<string, string>} */
const stateText = {
  on: "We'll remind you",
  off: '',
  denied: 'Notifications are blocked in this browser',
  unsupported: 'Not supported here',
  failed: 'The reminder could not be set; try again',
};

/** Fills the box once: call on load. */
export function wireReminders() {
  const body = document.body;
  const showId = body.dataset.showId ?? '';
  const scheduledAt = body.dataset.scheduledAt ?? '';
  const button = /** @type {HTMLButtonElement} */ ($('remind-me'));
  const early = /** @type {HTMLInputElement | null} */ (document.getElementById('remind-early'));
  const said = $('remind-state');
  if (!button || !showId) return;

  if (scheduledAt) {
    const local = localTime(scheduledAt);
    const time = $('show-time').querySelector('time');
    if (local && time) time.textContent = local;
  }

  let on = false;
  /** @param {string} state */
  const show = (state) => {
    on = state === 'on';
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? '🔕 Cancel reminder' : '🔔 Remind me';
    button.disabled = state === 'unsupported';
    said.textContent = stateText[state] ?? '';
    said.dataset.state = state;
  };
  const minutes = () => (early && early.checked ? Number(early.dataset.minutes) || null : null);

  button.addEventListener('click', () => {
    button.disabled = true;
    const next = on ? forgetReminder(showId) : remindMe(showId, scheduledAt ? minutes() : null);
    void next.then(show);
  });
  // a new choice while on: asked again (the server updates the same subscription)
  early?.addEventListener('change', () => {
    if (on) void remindMe(showId, minutes()).then(show);
  });

  void reminderState(showId).then((state) => {
    // blocked before this visit: say so rather than offer a button that cannot work
    if (state === 'off' && 'Notification' in window && Notification.permission === 'denied') show('denied');
    else show(state);
  });
}
