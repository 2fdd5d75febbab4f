import type { Show, ShowEvent } from './show.js';

/**
 * One span of the show in which a product was pinned: a chapter of the replay, and the span a
 * demo clip is cut from. Times are in the PDT domain (the PROGRAM-DATE-TIME of the frame each
 * change landed on), so they line up with the recording's segments; stream time is that instant
 * minus the show's startedAt.
 */
export interface Chapter {
  productId: string;
  startMs: number;
  /** null: the product is still pinned (the show is live) */
  endMs: number | null;
  /** epoch ms, PDT domain */
  startAt: number;
  endAt: number | null;
}

/** the timeline events chapters are made of (pins and unpins, and the show's end): the rest need not be read */
export const CHAPTER_EVENTS = ['overlay.changed', 'show.ended'] as const;

/** A closed span shorter than this is a misclick, not a chapter. */
export const CHAPTER_MIN_MS = 1000;

/** the show fields that place its chapters in time */
export type ChapterShow = Pick<Show, 'startedAt' | 'endedAt'>;

/**
 * The show's chapters from its timeline, in order. Rehearsal is not part of the recording: a span
 * starts no earlier than startedAt (a pin made in rehearsal and still on at Go live starts at 0),
 * and a span over before it is dropped. A product still pinned when the show ended closes at the
 * end. Pinning the product already pinned continues its chapter (the picture did not change).
 * Events of other types are ignored, so the whole timeline may be passed.
 */
export function chaptersOf(events: readonly ShowEvent[], show: ChapterShow): Chapter[] {
  const startedAt = show.startedAt;
  if (startedAt == null) return [];
  const chapters: Chapter[] = [];
  let open = null as OpenSpan | null;

  const close = (span: OpenSpan | null, endAt: number | null) => {
    if (span == null) return;
    const startAt = Math.max(span.startAt, startedAt);
    if (endAt == null) {
      chapters.push({ productId: span.productId, startMs: startAt - startedAt, endMs: null, startAt, endAt: null });
      return;
    }
    // a span over before Go live (rehearsal), or too short to be meant, is no chapter
    if (endAt - startAt < CHAPTER_MIN_MS) return;
    chapters.push({ productId: span.productId, startMs: startAt - startedAt, endMs: endAt - startedAt, startAt, endAt });
  };

  let ended: number | null = null;
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (event.type === 'show.ended') {
      ended = event.at;
      break;
    }
    if (event.type !== 'overlay.changed') continue;
    const change = event.payload.change;
    if (change === 'pin') {
      const productId = event.payload.productId;
      if (typeof productId !== 'string' || open?.productId === productId) continue;
      const at = instantOf(event);
      close(open, at);
      open = { productId, startAt: at };
    } else if (change === 'unpin') {
      close(open, instantOf(event));
      open = null;
    }
  }
  // an ended show whose show.ended event is missing (cut short by a crash) closes at its endedAt
  close(open, ended ?? show.endedAt);
  return chapters;
}

interface OpenSpan {
  productId: string;
  startAt: number;
}

/** When a change shows in the recording: its frame's PDT, else (not transcoding) when it was made. */
function instantOf(event: ShowEvent): number {
  const pdt = event.payload.programDateTime;
  if (typeof pdt === 'string') {
    const t = Date.parse(pdt);
    if (Number.isFinite(t)) return t;
  }
  return event.at;
}
