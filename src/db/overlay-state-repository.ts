import type { OverlayStateRepository } from '../domain/ports.js';
import { emptyOverlayState, type OverlayState } from '../domain/overlay.js';
import type { Db } from './open.js';

export function createOverlayStateRepository(db: Db): OverlayStateRepository {
  const get = db.prepare<[showId: string], { state: string }>('SELECT state FROM show_overlays WHERE show_id = ?');
  const save = db.prepare<[showId: string, state: string, at: number]>(
    `INSERT INTO show_overlays (show_id, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (show_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
  return {
    get: (showId) => {
      const row = get.get(showId);
      // merged with the empty state: a state saved before a field existed still reads whole
      return row ? { ...emptyOverlayState(), ...(JSON.parse(row.state) as Partial<OverlayState>) } : undefined;
    },
    save: (showId, state, at) => void save.run(showId, JSON.stringify(state), at),
  };
}
