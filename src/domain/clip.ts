export const clipStatuses = ['pending', 'ready', 'failed', 'deleted'] as const;
export type ClipStatus = (typeof clipStatuses)[number];

/** A demo clip: one pin span of a show, cut from its recording (src/replay/clip-maker.ts). */
export interface Clip {
  id: string;
  showId: string;
  productId: string;
  /** the pin span, stream time (ms since the show went live) */
  startMs: number;
  endMs: number;
  status: ClipStatus;
  /** what was actually cut (whole segments), once ready */
  durationMs: number | null;
  /** the MP4's size, once ready */
  bytes: number | null;
  /** why it failed (for the merchant; never shown to viewers) */
  error: string | null;
  createdAt: number;
  readyAt: number | null;
}

/** shorter pin spans are not cut: a glimpse, not a demo */
export const CLIP_MIN_SPAN_MS = 2000;
