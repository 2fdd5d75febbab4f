import type { Sanction } from '../domain/audience.js';
import type { ModerationRepository } from '../domain/ports.js';
import type { Db } from './open.js';

interface SanctionRow {
  viewer_id: string;
  show_id: string | null;
  kind: Sanction['kind'];
  until: number | null;
}

/** chat_sanctions (timeouts and bans) and moderators */
export function createModerationRepository(db: Db): ModerationRepository {
  const addSanction = db.prepare<[viewerId: string, showId: string | null, kind: Sanction['kind'], until: number | null, at: number]>('INSERT INTO chat_sanctions (viewer_id, show_id, kind, until, created_at) VALUES (?, ?, ?, ?, ?)');
  const lift = db.prepare<[at: number, viewerId: string]>('UPDATE chat_sanctions SET lifted_at = ? WHERE viewer_id = ? AND lifted_at IS NULL');
  const active = db.prepare<[viewerId: string, showId: string, now: number], SanctionRow>(
    `SELECT viewer_id, show_id, kind, until FROM chat_sanctions
     WHERE viewer_id = ? AND lifted_at IS NULL AND (show_id IS NULL OR show_id = ?) AND (until IS NULL OR until > ?)
     ORDER BY kind = 'ban' DESC, until IS NULL DESC, until DESC LIMIT 1`,
  );
  const isMod = db.prepare<[viewerId: string], 1>('SELECT 1 FROM moderators WHERE viewer_id = ?');
  const addMod = db.prepare<[viewerId: string, at: number]>('INSERT INTO moderators (viewer_id, granted_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const removeMod = db.prepare<[viewerId: string]>('DELETE FROM moderators WHERE viewer_id = ?');
  const mods = db.prepare<[], { viewer_id: string; display_name: string; granted_at: number }>('SELECT m.viewer_id, v.display_name, m.granted_at FROM moderators m JOIN viewers v ON v.id = m.viewer_id ORDER BY m.granted_at');
  return {
    addSanction: (s: Sanction, at) => void addSanction.run(s.viewerId, s.showId, s.kind, s.until, at),
    liftSanctions: (viewerId, at) => lift.run(at, viewerId).changes,
    activeSanction: (viewerId, showId, now) => {
      const row = active.get(viewerId, showId, now);
      return row && { viewerId: row.viewer_id, showId: row.show_id, kind: row.kind, until: row.until };
    },
    isModerator: (viewerId) => isMod.get(viewerId) !== undefined,
    setModerator: (viewerId, moderator, at) => void (moderator ? addMod.run(viewerId, at) : removeMod.run(viewerId)),
    moderators: () =>
      mods.all().map((r) => ({
        viewerId: r.viewer_id,
        displayName: r.display_name,
        grantedAt: r.granted_at,
      })),
  };
}
