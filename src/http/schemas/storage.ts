import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.js';

const Bytes = Type.Integer({ minimum: 0 });
const DeletedAt = Nullable(IsoTime);

export const ShowStorageSchema = Type.Object({
  recordingBytes: Type.Integer({ minimum: 0, description: 'playlists and segments of the recording, in bytes' }),
  clipBytes: Type.Integer({ minimum: 0, description: "the show's clips (MP4, posters, playlists), in bytes" }),
  recordingDeletedAt: Type.Union([IsoTime, Type.Null()], { description: 'when the media was deleted; null while it is kept' }),
});

export const StorageTotalsSchema = Type.Object({
  shows: Type.Array(
    Type.Object({ showId: Type.String(), title: Type.String(), recordingBytes: Bytes, clipBytes: Bytes, recordingDeletedAt: DeletedAt }),
    { description: 'every show, newest first' },
  ),
  totalBytes: Type.Integer({ minimum: 0, description: "every show's recording and clips" }),
  freeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: "free space on the data dir's disk; null when it cannot be read" }),
});
