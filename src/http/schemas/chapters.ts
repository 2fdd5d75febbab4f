import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.js';

/** A chapter of a show's replay: one span in which a product was pinned (stream time and PDT). */
export const ChapterSchema = Type.Object({
  productId: Type.String(),
  title: Type.String(),
  thumbUrl: Nullable(Type.String()),
  startMs: Type.Integer({ minimum: 0 }),
  /** null: still pinned (the show is live) */
  endMs: Nullable(Type.Integer({ minimum: 0 })),
  /** the PROGRAM-DATE-TIME of its first frame: the replay maps its position to chapters by it */
  startAt: IsoTime,
  endAt: Nullable(IsoTime),
  /** the span's demo clip (HLS master, MP4, poster), once it is ready */
  clipUrl: Type.Optional(Type.String()),
  clipMp4Url: Type.Optional(Type.String()),
  posterUrl: Type.Optional(Type.String()),
});

export const ChaptersSchema = Type.Array(ChapterSchema);
