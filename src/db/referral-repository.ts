import type { ReferralFigures } from '../domain/referral.js';
import type { Db } from './open.js';

/**
 * Referral codes, devices (by cookie hash), joins through a code and attributions (migration
 * 013); the store src/reach/referrals.ts declares. Decisions are made there, not here.
 */
export function createReferralRepository(db: Db) {
  const codeOf = db.prepare<[showId: string, viewerId: string], { code: string }>('SELECT code FROM referral_codes WHERE show_id = ? AND viewer_id = ?');
  const addCode = db.prepare<[code: string, showId: string, viewerId: string, at: number]>('INSERT INTO referral_codes (code, show_id, viewer_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const findCode = db.prepare<[code: string], { code: string; showId: string; viewerId: string }>('SELECT code, show_id AS showId, viewer_id AS viewerId FROM referral_codes WHERE code = ?');
  const deviceSeen = db.prepare<[hash: string], 1>('SELECT 1 FROM referral_devices WHERE hash = ?').pluck();
  const addDevice = db.prepare<[hash: string, at: number]>('INSERT INTO referral_devices (hash, first_seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const linkViewer = db.prepare<[hash: string, viewerId: string, at: number]>('INSERT INTO referral_device_viewers (device_hash, viewer_id, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const viewerOnDevice = db.prepare<[hash: string, viewerId: string], 1>('SELECT 1 FROM referral_device_viewers WHERE device_hash = ? AND viewer_id = ?').pluck();
  const deviceCounted = db.prepare<[hash: string], 1>('SELECT 1 FROM referral_joins WHERE device_hash = ? AND counted_as_new = 1').pluck();
  const viewerSeen = db.prepare<{ viewerId: string; hash: string }, 1>(
    `SELECT 1 WHERE EXISTS (SELECT 1 FROM referral_device_viewers WHERE viewer_id = @viewerId AND device_hash <> @hash)
       OR EXISTS (SELECT 1 FROM watch_sessions WHERE viewer_id = @viewerId)
       OR EXISTS (SELECT 1 FROM orders WHERE viewer_id = @viewerId)`,
  ).pluck();
  const addJoin = db.prepare<{ showId: string; deviceHash: string; code: string; viewerId: string | null; at: number; counted: number; reason: string | null }>(
    'INSERT INTO referral_joins (show_id, device_hash, code, viewer_id, at, counted_as_new, reason) VALUES (@showId, @deviceHash, @code, @viewerId, @at, @counted, @reason)',
  );
  const firstCodeOnDevice = db.prepare<[hash: string, showId: string, ownReasons: string], { code: string; referrerId: string }>(
    `SELECT j.code, c.viewer_id AS referrerId FROM referral_joins j JOIN referral_codes c ON c.code = j.code
     WHERE j.device_hash = ? AND j.show_id = ? AND (j.reason IS NULL OR j.reason NOT IN (SELECT value FROM json_each(?)))
     ORDER BY j.id LIMIT 1`,
  );
  const attributed = db.prepare<[showId: string, viewerId: string], 1>('SELECT 1 FROM referral_attributions WHERE show_id = ? AND viewer_id = ?').pluck();
  const attribute = db.prepare<[showId: string, viewerId: string, code: string, at: number]>('INSERT INTO referral_attributions (show_id, viewer_id, code, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const friendsJoined = db.prepare<[viewerId: string, showId: string], number>(
    'SELECT count(*) FROM referral_joins j JOIN referral_codes c ON c.code = j.code WHERE c.viewer_id = ? AND c.show_id = ? AND j.counted_as_new = 1',
  ).pluck();
  const codes = db.prepare<[showId: string], { code: string; viewerId: string; displayName: string; joins: number; newViewers: number; viewers: number }>(
    `SELECT c.code, c.viewer_id AS viewerId, v.display_name AS displayName,
       (SELECT count(*) FROM referral_joins j WHERE j.code = c.code) AS joins,
       (SELECT count(*) FROM referral_joins j WHERE j.code = c.code AND j.counted_as_new = 1) AS newViewers,
       (SELECT count(*) FROM referral_attributions a WHERE a.code = c.code) AS viewers
     FROM referral_codes c JOIN viewers v ON v.id = c.viewer_id
     WHERE c.show_id = ? ORDER BY c.created_at, c.code`,
  );
  // the orders that stand (as the show's stats count them) of viewers a code brought, placed after they came
  const orders = db.prepare<[showId: string], { code: string; currency: string; orders: number; revenue: number }>(
    `SELECT a.code, o.currency, count(*) AS orders, sum(o.total) AS revenue
     FROM referral_attributions a JOIN orders o ON o.viewer_id = a.viewer_id AND o.show_id = a.show_id AND o.created_at >= a.at
     WHERE a.show_id = ? AND o.status IN ('pending', 'paid', 'shipped')
     GROUP BY a.code, o.currency`,
  );
  return {
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    codeOf: (showId: string, viewerId: string) => codeOf.get(showId, viewerId)?.code,
    addCode: (code: string, showId: string, viewerId: string, at: number) => addCode.run(code, showId, viewerId, at).changes === 1,
    findCode: (code: string) => findCode.get(code),
    deviceSeen: (hash: string) => deviceSeen.get(hash) === 1,
    addDevice: (hash: string, at: number) => void addDevice.run(hash, at),
    linkViewer: (hash: string, viewerId: string, at: number) => void linkViewer.run(hash, viewerId, at),
    viewerOnDevice: (hash: string, viewerId: string) => viewerOnDevice.get(hash, viewerId) === 1,
    deviceCounted: (hash: string) => deviceCounted.get(hash) === 1,
    viewerSeen: (viewerId: string, exceptDevice: string) => viewerSeen.get({ viewerId, hash: exceptDevice }) === 1,
    addJoin: (j: { showId: string; deviceHash: string; code: string; viewerId: string | null; at: number; counted: boolean; reason: string | null }) => void addJoin.run({ ...j, counted: j.counted ? 1 : 0 }),
    firstCodeOnDevice: (hash: string, showId: string, ownReasons: readonly string[]) => firstCodeOnDevice.get(hash, showId, JSON.stringify(ownReasons)),
    attributed: (showId: string, viewerId: string) => attributed.get(showId, viewerId) === 1,
    attribute: (showId: string, viewerId: string, code: string, at: number) => void attribute.run(showId, viewerId, code, at),
    friendsJoined: (viewerId: string, showId: string) => friendsJoined.get(viewerId, showId) ?? 0,
    figures: (showId: string): ReferralFigures[] => {
      const byCode = new Map(codes.all(showId).map((c) => [c.code, { ...c, orders: 0, revenue: {} as Record<string, number> }]));
      for (const row of orders.all(showId)) {
        const f = byCode.get(row.code);
        if (!f) continue;
        f.orders += row.orders;
        f.revenue[row.currency] = (f.revenue[row.currency] ?? 0) + row.revenue;
      }
      return [...byCode.values()];
    },
  };
}
