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

/** A clip as the API and the viewers' sockets carry it: its media's URLs once it is ready. */
export interface ClipView {
  id: string;
  showId: string;
  productId: string;
  startMs: number;
  endMs: number;
  status: ClipStatus;
  durationMs: number | null;
  /** the HLS master */
  url: string | null;
  mp4Url: string | null;
  posterUrl: string | null;
  /** ISO 8601 */
  createdAt: string;
  readyAt: string | null;
}

/** where a show's clips are served, under the HLS route: <publicUrl>/hls/<showId>/clips/ */
export function clipView(clip: Clip, publicUrl: string): ClipView {
  const base = `${publicUrl}/hls/${encodeURIComponent(clip.showId)}/clips/${encodeURIComponent(clip.id)}`;
  const ready = clip.status === 'ready';
  return {
    id: clip.id,
    showId: clip.showId,
    productId: clip.productId,
    startMs: clip.startMs,
    endMs: clip.endMs,
    status: clip.status,
    durationMs: clip.durationMs,
    url: ready ? `${base}.m3u8` : null,
    mp4Url: ready ? `${base}.mp4` : null,
    posterUrl: ready ? `${base}.jpg` : null,
    createdAt: new Date(clip.createdAt).toISOString(),
    readyAt: clip.readyAt == null ? null : new Date(clip.readyAt).toISOString(),
  };
}
