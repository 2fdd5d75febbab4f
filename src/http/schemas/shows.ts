import { Type, type Static } from '@sinclair/typebox';
import { SHOW_HOST_MAX, SHOW_TITLE_MAX, showEventTypes, showStatuses } from '../../domain/show.js';
import { showPhaseKinds } from '../../domain/show-phase.js';
import { IsoTime, Nullable, PRINTABLE_TEXT } from './common.js';

export const ShowSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    host: Type.String({ description: 'who presents it; loyalty levels are per host' }),
    scheduledAt: Nullable(IsoTime),
    status: Type.Union(showStatuses.map((s) => Type.Literal(s))),
    phase: Type.Union(showPhaseKinds.map((p) => Type.Literal(p)), {
      description: 'where the show is now: rehearsal (only the cockpit sees the stream; status stays scheduled), awaiting-reconnect (live, the host dropped), ending',
    }),
    streamKey: Type.String({ description: 'secret: paste into OBS as the Stream Key' }),
    ingestUrl: Type.String({ description: 'paste into OBS as the Server' }),
    playbackUrl: Type.String({ description: 'HLS master playlist: plays in every HLS player, live and as the recording' }),
    lowLatencyPlaybackUrl: Type.Union([Type.String(), Type.Null()], {
      description: 'LL-HLS master playlist while the show is live (parts, blocking reload); null when the server serves plain HLS only',
    }),
    watchUrl: Type.String(),
    createdAt: IsoTime,
    startedAt: Nullable(IsoTime),
    endedAt: Nullable(IsoTime),
    recordingDeletedAt: Type.Union([IsoTime, Type.Null()], { description: "when the show's media (recording, clips) was deleted; the show's data stays" }),
  },
  { $id: 'Show' },
);
export type ShowBody = Static<typeof ShowSchema>;

export const CreateShowBody = Type.Object(
  {
    title: Type.String({
      minLength: 1,
      maxLength: SHOW_TITLE_MAX,
      // printable, not blank: control characters have no place in a title drawn on video
      pattern: PRINTABLE_TEXT,
    }),
    host: Type.Optional(Type.String({ maxLength: SHOW_HOST_MAX, pattern: PRINTABLE_TEXT })),
    scheduledAt: Type.Optional(Nullable(IsoTime)),
  },
  { additionalProperties: false },
);

export const TimelineEvent = Type.Object({
  id: Type.Integer(),
  type: Type.Union(showEventTypes.map((t) => Type.Literal(t))),
  at: IsoTime,
  streamMs: Nullable(Type.Integer()),
  payload: Type.Record(Type.String(), Type.Unknown()),
});

export const TimelineQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })) }, { additionalProperties: false });
export const Timeline = Type.Object({ events: Type.Array(TimelineEvent) });
