import { Type } from '@sinclair/typebox';
import { CHANNEL_LIST_MAX } from '../../reach/channel-feed.js';
import { IsoTime, Nullable } from './common.js';

/** One show on the channel (GET /api/channel); every URL is absolute. */
export const ShowCardSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  host: Type.String(),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('ended')]),
  scheduledAt: Nullable(IsoTime),
  startedAt: Nullable(IsoTime),
  endedAt: Nullable(IsoTime),
  watchUrl: Type.String({ description: "the show's page" }),
  posterUrl: Nullable(Type.String({ description: 'a still of the live stream, or the replay poster; each new still is a new URL' })),
  previewUrl: Nullable(Type.String({ description: "live: the lowest rendition's HLS playlist, for a small muted preview" })),
  calendarUrl: Nullable(Type.String({ description: 'upcoming: the .ics file' })),
  replay: Type.Boolean({ description: 'past: the recording is kept and plays on the show page' }),
});

export const ChannelFeedSchema = Type.Object({
  live: Type.Array(ShowCardSchema, { description: 'on air now, newest start first' }),
  upcoming: Type.Array(ShowCardSchema, { description: 'with a start time, soonest first' }),
  past: Type.Array(ShowCardSchema, { description: 'ended, newest first' }),
});

export const ChannelQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHANNEL_LIST_MAX, default: CHANNEL_LIST_MAX, description: 'at most this many in each list' })),
});

/** the poster's version, as the feed puts it in the URL: any value serves the current poster */
export const PosterQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 32 })) });

/** the channel page: `embed=1` inside a merchant's iframe */
export const ChannelPageQuery = Type.Object({ embed: Type.Optional(Type.String({ maxLength: 8 })) });
