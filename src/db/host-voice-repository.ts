import { randomBytes } from 'node:crypto';
import type { HostVoiceRepository } from '../domain/ports.js';
import type { Db } from './open.js';

/** host_voices: the viewers row each host speaks through in chat */
export function createHostVoiceRepository(db: Db): HostVoiceRepository {
  const voiceOf = db.prepare<[host: string], { id: string; displayName: string }>('SELECT v.id, v.display_name AS displayName FROM host_voices h JOIN viewers v ON v.id = h.viewer_id WHERE h.host = ?');
  const addVoiceViewer = db.prepare<[id: string, displayName: string, tokenHash: string, at: number]>('INSERT INTO viewers (id, display_name, token_hash, created_at) VALUES (?, ?, ?, ?)');
  const addVoice = db.prepare<[host: string, viewerId: string]>('INSERT INTO host_voices (host, viewer_id) VALUES (?, ?)');
  const voiceIds = db.prepare<[], string>('SELECT viewer_id FROM host_voices').pluck();
  const hostVoice = db.transaction((host: string, displayName: string, at: number) => {
    const found = voiceOf.get(host);
    if (found) return found;
    const id = randomBytes(9).toString('base64url');
    // not hex, so never equal to the SHA-256 of a token: no token can open this row
    addVoiceViewer.run(id, displayName, `host-voice:${randomBytes(18).toString('base64url')}`, at);
    addVoice.run(host, id);
    return { id, displayName };
  });
  return {
    hostVoice: (host, displayName, at) => hostVoice(host, displayName, at),
    hostVoiceIds: () => voiceIds.all(),
  };
}
