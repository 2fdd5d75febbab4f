import { CHAPTER_EVENTS, chaptersOf, type Chapter } from '../domain/chapters.js';
import { clipView, type Clip } from '../domain/clip.js';
import { HawkerError } from '../domain/errors.js';
import type { ShowEventRepository, ShowRepository } from '../domain/ports.js';
import type { Product } from '../domain/product.js';
import type { Show } from '../domain/show.js';
import { lineupItem } from '../commerce/show-offers.js';

/** A chapter as the replay shows it: the product's name and picture, and its demo clip once cut. */
export interface ChapterView extends Chapter {
  title: string;
  thumbUrl: string | null;
  /** the clip's HLS master, when the span's clip is ready */
  clipUrl?: string;
  clipMp4Url?: string;
  posterUrl?: string;
}

/** The ready clips of a show (the clip repository); the chapters link each span's clip. */
export interface ReadyClips {
  readyForShow(showId: string): Clip[];
}

export interface ShowChaptersOptions {
  shows: Pick<ShowRepository, 'get'>;
  events: Pick<ShowEventRepository, 'listOfTypes'>;
  products: { find(id: string): Product | undefined };
  /** absent: the chapters carry no clip links */
  clips?: ReadyClips;
  /** the server's public URL: clip links are absolute, like the playback URL */
  publicUrl: string;
}

/**
 * Overlay changes read to find a show's chapters (pins, unpins, sales, announcements...): a
 * change every few seconds for many hours; past this the chapters of the rest are not listed.
 */
export const TIMELINE_READ_MAX = 50_000;

/** A clip belongs to the chapter whose span it was cut from: same product, same start. */
const SAME_SPAN_MS = 1000;

/** A show's chapters (the pin spans of its timeline) with what the replay needs of each. */
export class ShowChapters {
  constructor(private readonly o: ShowChaptersOptions) {}

  /** Throws SHOW_NOT_FOUND; a show that never went live has none. */
  list(showId: string): ChapterView[] {
    const show = this.o.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    const clips = this.o.clips?.readyForShow(showId) ?? [];
    return this.chapters(show).map((chapter) => {
      const product = this.o.products.find(chapter.productId);
      const clip = clips.find((c) => c.productId === chapter.productId && Math.abs(c.startMs - chapter.startMs) < SAME_SPAN_MS);
      return {
        ...chapter,
        // a product deleted since: the chapter stays, nameless
        title: product?.title ?? '',
        thumbUrl: product ? lineupItem(product).thumbUrl : null,
        ...(clip ? this.clipLinks(clip) : {}),
      };
    });
  }

  /** The pin spans alone (the VOD rewrite puts them into the playlists). */
  chapters(show: Show): Chapter[] {
    if (show.startedAt == null) return [];
    return chaptersOf(this.o.events.listOfTypes(show.id, CHAPTER_EVENTS, TIMELINE_READ_MAX), show);
  }

  /** the clip's own links (one form for clips and chapters) */
  private clipLinks(clip: Clip): Pick<ChapterView, 'clipUrl' | 'clipMp4Url' | 'posterUrl'> {
    const view = clipView(clip, this.o.publicUrl);
    return { ...(view.url ? { clipUrl: view.url } : {}), ...(view.mp4Url ? { clipMp4Url: view.mp4Url } : {}), ...(view.posterUrl ? { posterUrl: view.posterUrl } : {}) };
  }
}
