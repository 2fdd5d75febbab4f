// What the video shows now: a short history of overlay states keyed by the PROGRAM-DATE-TIME
// they land at, and the one in force at the playing frame. A viewer 5 s behind live sees a
// change 5 s after its socket message, so what the page does with it (the "on screen" product,
// the hotspots over the burned-in slots) waits for the video, and a seek back finds the state
// that was drawn then.
import { playingDate } from './player.js';

/** @typedef {import('../../wire.js').OverlayView} OverlayView */
/** @typedef {{ pdt: number | null, view: OverlayView | null, arrived: number }} Entry */

/** enough for minutes of changes; older states are behind any player's window */
const KEEP = 100;
/**
 * A change whose time the player never reaches (the clock of the estimate is off, or the player
 * is stuck) is applied this long after it arrived, so the page does not hold a stale state.
 */
const GIVE_UP_MS = 15_000;

/** @type {Entry[]} */
const history = [];

/**
 * A state as the socket said it: the welcome's (pdt null: in force at once; the first one is in
 * force from the beginning of time) or a change's, at its PROGRAM-DATE-TIME (ISO, or null when
 * the show is not being transcoded: in force at once).
 * @param {OverlayView | null} view @param {string | null} programDateTime
 */
export function recordOverlay(view, programDateTime) {
  const pdt = programDateTime ? Date.parse(programDateTime) : null;
  history.push({ pdt: history.length === 0 ? -Infinity : Number.isNaN(pdt) ? null : pdt, view, arrived: Date.now() });
  while (history.length > KEEP) history.shift();
}

/**
 * The state in force at a moment of the video (ms, PROGRAM-DATE-TIME), or the newest when the
 * video has no clock (not playing, Safari before its start date, a replay of another moment).
 * undefined: nothing heard yet.
 * @param {number | null} [at]
 * @returns {OverlayView | null | undefined}
 */
export function overlayAt(at = playingDate()) {
  const now = Date.now();
  /** @type {Entry | undefined} */
  let found;
  for (const e of history) {
    if (at == null || e.pdt == null || e.pdt <= at || now - e.arrived > GIVE_UP_MS) found = e;
  }
  // a seek to before every state we kept: the oldest is the best guess
  return (found ?? history[0])?.view;
}
