// The cockpit's state: one object, fed by the API (first load, after each action) and by the
// live socket (everything the server pushes). Panels subscribe to the parts they draw.

/** @typedef {import('../../wire.js').Show} Show */
/** @typedef {import('../../wire.js').Product} Product */
/** @typedef {import('../../wire.js').LineupItem} LineupItem */
/** @typedef {import('../../wire.js').OverlayView} OverlayView */
/** @typedef {import('../../wire.js').ShowStats} ShowStats */
/** @typedef {import('../../wire.js').PollResults} PollResults */
/** @typedef {import('../../wire.js').QuestionView} QuestionView */

/**
 * A span a product was pinned, in wall-clock ms; `to` null while it still is.
 * @typedef {{ productId: string, from: number, to: number | null }} PinSpan
 */

/**
 * @typedef {object} CockpitState
 * @property {Show} show
 * @property {string} status the show's status (scheduled, live, ended): pushed by the socket
 * @property {Product[]} products the whole catalog, for the lineup editor
 * @property {LineupItem[]} lineup
 * @property {OverlayView | null} overlay
 * @property {PollResults | null} poll
 * @property {QuestionView[]} questions
 * @property {{ viewers: number, peak: number }} presence
 * @property {number} slowModeSeconds
 * @property {ShowStats | null} stats orders and revenue: not pushed, fetched (see stats.js)
 * @property {PinSpan[]} pins from the timeline once, then from the socket's overlay changes
 */

/** @typedef {keyof CockpitState} Key */

/** @param {CockpitState} initial */
export function createStore(initial) {
  let state = initial;
  /** @type {Array<{ keys: Key[], listener: (state: CockpitState) => void }>} */
  const subscribers = [];
  return {
    /** @returns {CockpitState} */
    get: () => state,
    /**
     * Change some parts; the panels that draw them redraw once.
     * @param {Partial<CockpitState>} patch
     */
    set(patch) {
      state = { ...state, ...patch };
      const changed = /** @type {Key[]} */ (Object.keys(patch));
      for (const s of subscribers) if (s.keys.some((k) => changed.includes(k))) s.listener(state);
    },
    /**
     * Call listener now, and again whenever one of keys changes.
     * @param {Key[]} keys
     * @param {(state: CockpitState) => void} listener
     */
    on(keys, listener) {
      subscribers.push({ keys, listener });
      listener(state);
    },
  };
}
/** @typedef {ReturnType<typeof createStore>} Store */

/**
 * Pinned spans from timeline events (pin, unpin, the end of the show), the way the server's
 * stats build them (src/commerce/show-stats.ts); the open one, if any, has `to` null.
 * @param {import('../../wire.js').TimelineEvent[]} events
 * @returns {PinSpan[]}
 */
export function pinSpansOf(events) {
  /** @type {PinSpan[]} */
  let spans = [];
  for (const e of events) {
    const at = Date.parse(e.at);
    if (e.type === 'overlay.changed' && e.payload.change === 'pin') spans = pinned(spans, String(e.payload.productId), at);
    else if ((e.type === 'overlay.changed' && e.payload.change === 'unpin') || e.type === 'show.ended') spans = unpinned(spans, at);
  }
  return spans;
}

/** @param {PinSpan[]} spans @param {number} at @returns {PinSpan[]} the open span closed at `at` */
export const unpinned = (spans, at) => spans.map((s) => (s.to === null ? { ...s, to: at } : s));
/** @param {PinSpan[]} spans @param {string} productId @param {number} at @returns {PinSpan[]} */
export const pinned = (spans, productId, at) => [...unpinned(spans, at), { productId, from: at, to: null }];
