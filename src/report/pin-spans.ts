import type { ShowEvent } from '../domain/show.js';

/**
 * The spans in which each product was pinned, by the contract's one clock (issue 15's
 * "Time" rule, the same as the chapters): a span starts at its pin event's PROGRAM-DATE-TIME
 * (the event's own time when it has none) and ends at the next pin, unpin or show.ended
 * (same rule); clipped to start no earlier than Go live; a span still open ends at the show's
 * end, or stays open (null) while the show is live; spans under 1 s are dropped (a misclick).
 *
 * TODO(issue 15): replace with REPLAY-MEDIA's `chaptersOf` (src/domain/chapters.ts) once it is
 * merged, so one function owns "what is a pin span"; the shape below is its Chapter.
 */
export interface PinSpan {
  productId: string;
  startMs: number;
  endMs: number | null;
  startAt: number;
  endAt: number | null;
}

const MIN_SPAN_MS = 1000;

function instantOf(event: ShowEvent): number {
  const pdt = event.payload.programDateTime;
  const parsed = typeof pdt === 'string' ? Date.parse(pdt) : NaN;
  return Number.isFinite(parsed) ? parsed : event.at;
}

export function pinSpansOf(events: readonly ShowEvent[], show: { startedAt: number | null; endedAt: number | null }): PinSpan[] {
  if (show.startedAt === null) return [];
  const startedAt = show.startedAt;
  const spans: PinSpan[] = [];
  let open: { productId: string; at: number } | null = null;
  const close = (end: number | null) => {
    if (!open) return;
    const start = Math.max(open.at, startedAt);
    if (end === null) spans.push({ productId: open.productId, startMs: start - startedAt, endMs: null, startAt: start, endAt: null });
    else if (end - start >= MIN_SPAN_MS) spans.push({ productId: open.productId, startMs: start - startedAt, endMs: end - startedAt, startAt: start, endAt: end });
    open = null;
  };
  for (const e of events) {
    if (e.type === 'overlay.changed' && e.payload.change === 'pin' && typeof e.payload.productId === 'string') {
      const at = instantOf(e);
      close(at);
      open = { productId: e.payload.productId, at };
    } else if ((e.type === 'overlay.changed' && e.payload.change === 'unpin') || e.type === 'show.ended') close(instantOf(e));
  }
  close(show.endedAt);
  return spans;
}
