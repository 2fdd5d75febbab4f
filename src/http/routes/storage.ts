import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RecordingStorage } from '../../replay/recording-storage.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { ShowStorageSchema, StorageTotalsSchema } from '../schemas/storage.js';
import type { AdminScope } from './admin-scope.js';

export interface StorageRoutesOptions {
  recordings: Pick<RecordingStorage, 'deleteRecording' | 'ofShow' | 'totals'>;
  admin: AdminScope;
}

const errors = { 401: ErrorResponseSchema, 404: ErrorResponseSchema };
const security = [{ bearer: [] }];
const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

/** Disk use of the shows' media, and deleting an ended show's recording while its data stays. */
export const storageRoutes: FastifyPluginAsyncTypebox<StorageRoutesOptions> = async (app, { recordings, admin }) => {
  await admin(app);

  app.delete(
    '/api/shows/:id/recording',
    {
      schema: {
        tags: ['storage'],
        summary: "Delete an ended show's media (recording and clips); its timeline, chat and orders stay (409 SHOW_NOT_ENDED before it ended; again: 204)",
        security,
        params: IdParams,
        response: { 204: Type.Null(), 409: ErrorResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      await recordings.deleteRecording(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/shows/:id/storage',
    { schema: { tags: ['storage'], summary: "Bytes the show's recording and clips take on disk", security, params: IdParams, response: { 200: ShowStorageSchema, ...errors } } },
    async (request) => {
      const s = await recordings.ofShow(request.params.id);
      return { recordingBytes: s.recordingBytes, clipBytes: s.clipBytes, recordingDeletedAt: iso(s.recordingDeletedAt) };
    },
  );

  app.get(
    '/api/storage',
    { schema: { tags: ['storage'], summary: "Every show's media on disk, the total and the data disk's free space", security, response: { 200: StorageTotalsSchema, 401: ErrorResponseSchema } } },
    async () => {
      const totals = await recordings.totals();
      return { ...totals, shows: totals.shows.map((s) => ({ ...s, recordingDeletedAt: iso(s.recordingDeletedAt) })) };
    },
  );
};
