import type { ClipRepository, RecordingRepository } from '../domain/ports.js';
import type { Db } from './open.js';

/** `clips` marks the show's clips deleted: the clip repository owns a clip's status. */
export function createRecordingRepository(db: Db, clips: Pick<ClipRepository, 'markDeletedForShow'>): RecordingRepository {
  const endedBefore = db.prepare<[before: number], { id: string }>(
    "SELECT id FROM shows WHERE status = 'ended' AND ended_at < ? AND recording_deleted_at IS NULL ORDER BY ended_at",
  );
  const markShow = db.prepare<[at: number, showId: string]>('UPDATE shows SET recording_deleted_at = COALESCE(recording_deleted_at, ?) WHERE id = ?');
  const deletedAt = db.prepare<[showId: string], { recording_deleted_at: number | null }>('SELECT recording_deleted_at FROM shows WHERE id = ?');
  // the clips' files lived in the show's media dir: their rows stay, as deleted (no URL is handed out)
  const mark = db.transaction((showId: string, at: number) => {
    markShow.run(at, showId);
    clips.markDeletedForShow(showId);
  });
  return {
    endedBefore: (before) => endedBefore.all(before).map((r) => r.id),
    markDeleted: (showId, at) => mark(showId, at),
    deletedAt: (showId) => deletedAt.get(showId)?.recording_deleted_at,
  };
}
