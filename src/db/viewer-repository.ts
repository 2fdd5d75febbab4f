import type { Contact, ShippingAddress, Viewer } from '../domain/order.js';
import type { ViewerRepository } from '../domain/ports.js';
import type { Db } from './open.js';

export function createViewerRepository(db: Db): ViewerRepository {
  const insert = db.prepare<[id: string, displayName: string, tokenHash: string, createdAt: number]>('INSERT INTO viewers (id, display_name, token_hash, created_at) VALUES (?, ?, ?, ?)');
  const byToken = db.prepare<[tokenHash: string], Viewer>('SELECT id, display_name AS displayName, created_at AS createdAt FROM viewers WHERE token_hash = ?');
  const byId = db.prepare<[id: string], Viewer>('SELECT id, display_name AS displayName, created_at AS createdAt FROM viewers WHERE id = ?');
  const profile = db.prepare<[id: string], { contact: string | null; shipping_address: string | null }>('SELECT contact, shipping_address FROM viewers WHERE id = ?');
  const setProfile = db.prepare<[contact: string, address: string, id: string]>('UPDATE viewers SET contact = ?, shipping_address = ? WHERE id = ?');
  return {
    create: (v, tokenHash) => void insert.run(v.id, v.displayName, tokenHash, v.createdAt),
    findByTokenHash: (hash) => byToken.get(hash),
    get: (id) => byId.get(id),
    profile: (id) => {
      const row = profile.get(id);
      return {
        contact: row?.contact ? (JSON.parse(row.contact) as Contact) : null,
        shippingAddress: row?.shipping_address ? (JSON.parse(row.shipping_address) as ShippingAddress) : null,
      };
    },
    setProfile: (id, p) => void setProfile.run(JSON.stringify(p.contact), JSON.stringify(p.shippingAddress), id),
  };
}
