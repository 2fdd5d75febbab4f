import type { OverlayStateRepository } from '../domain/ports.js';
import { emptyOverlayState, type OverlayState } from '../domain/overlay.js';
import type { Db } from './open.js';

/** Frozen to the leaves: one object is handed to every reader until the next save. */
function frozen(state: OverlayState): OverlayState {
  for (const value of Object.values(state)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  return Object.freeze(state);
}

export function createOverlayStateRepository(db: Db): OverlayStateRepository {
  const get = db.prepare<[showId: string], { state: string }>('SELECT state FROM show_overlays WHERE show_id = ?');
  const save = db.prepare<[showId: string, state: string, at: number]>(
    `INSERT INTO show_overlays (show_id, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (show_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  // Every order reads what is on screen (its onScreen): kept here, written through, instead of
  // a read and a JSON parse per order. Only this repository writes the rows, so a save is the
  // only thing that can change one (a deleted show's entry lingers, unread, until it is evicted).
  const known = new Map<string, OverlayState | undefined>();
  const MAX_KNOWN = 10_000;
  return {
    get: (showId) => {
      if (known.has(showId)) return known.get(showId);
      const row = get.get(showId);
      // merged with the empty state: a state saved before a field existed still reads whole
      const state = row ? frozen({ ...emptyOverlayState(), ...(JSON.parse(row.state) as Partial<OverlayState>) }) : undefined;
      if (known.size >= MAX_KNOWN) known.clear();
      known.set(showId, state);
      return state;
    },
    save: (showId, state, at) => {
      // forgotten first: should the write fail, the next read goes to the database
      known.delete(showId);
      save.run(showId, JSON.stringify(state), at);
      // a save inside a transaction may yet be rolled back: read it back after, not before
      if (!db.inTransaction) known.set(showId, frozen({ ...emptyOverlayState(), ...structuredClone(state) }));
    },
  };
}
